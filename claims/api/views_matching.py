"""Claim memory in the API: import ClaimReviews, match a text or a claim, link a claim."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import BaseParser
from rest_framework.response import Response
from rest_framework.views import APIView

from claims import selectors
from claims.api.permissions import IsMember
from claims.api.views import ERROR_STATUSES, ApiView
from claims.matching.text import MAX_QUERY_CHARS
from claims.models import ClaimLink
from claims.permissions import shown_links
from claims.selectors_matching import MatchQuery, match_text
from claims.services import claimreviews, matching


class MatchSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=matching.LINK_KINDS)
    id = serializers.IntegerField()
    claim_reviewed = serializers.CharField()
    rating = serializers.CharField()
    url = serializers.URLField()
    author = serializers.CharField()
    date_published = serializers.DateField(allow_null=True)
    score = serializers.FloatField(min_value=0, max_value=1)
    same_claim = serializers.BooleanField()


class MatchListSerializer(serializers.Serializer):
    results = MatchSerializer(many=True)


class MatchQuerySerializer(serializers.Serializer):
    q = serializers.CharField(max_length=MAX_QUERY_CHARS, trim_whitespace=True)
    language = serializers.CharField(max_length=20, required=False, default="")


class ImportProblemSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    reason = serializers.CharField()


class ImportReportSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    errors = ImportProblemSerializer(many=True)


class LinkCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=matching.LINK_KINDS)
    id = serializers.IntegerField(min_value=1)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class LinkSerializer(serializers.ModelSerializer):
    kind = serializers.SerializerMethodField()
    target = serializers.SerializerMethodField()

    class Meta:
        model = ClaimLink
        fields = ["id", "claim", "kind", "target", "note", "created_by", "created_at"]

    def get_kind(self, link) -> str:
        return "claimreview" if link.claim_review_id else "verdict"

    def get_target(self, link) -> int:
        return link.claim_review_id or link.verdict_id


class RawParser(BaseParser):
    """The import reads the body as it is: JSON, a DataFeed or JSON Lines."""

    media_type = "*/*"

    def parse(self, stream, media_type=None, parser_context=None):
        return stream.read() if stream is not None else b""


class ClaimReviewImportView(ApiView, APIView):
    """Editors import other newsrooms' fact-checks (schema.org ClaimReview)."""

    permission_classes = [IsMember]
    parser_classes = [RawParser]

    @extend_schema(
        request={"application/json": OpenApiTypes.OBJECT, "application/x-ndjson": OpenApiTypes.STR},
        responses={
            200: ImportReportSerializer,
            **{code: OpenApiResponse(description=d) for code, d in ERROR_STATUSES.items()},
        },
        description="One ClaimReview, a JSON array, a schema.org DataFeed or JSON Lines. "
        "Idempotent by url. 200 when any item was stored (the bad ones are listed by position), "
        "400 when none was.",
    )
    def post(self, request):
        report = claimreviews.claimreview_import(actor=request.user, data=request.data or b"")
        code = status.HTTP_200_OK if report.stored or not report.errors else 400
        return Response(report.as_dict(), status=code)


class MatchView(ApiView, APIView):
    """Earlier fact-checks (ours and imported) of a text, best first: has this been checked?"""

    permission_classes = [IsMember]

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, required=True, description="The claim's text."),
            OpenApiParameter("language", str, description="BCP 47 tag (default: English)."),
        ],
        responses={200: MatchListSerializer},
    )
    def get(self, request):
        query = MatchQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        results = match_text(MatchQuery(text=data["q"], language=data["language"]))
        return Response({"results": results})


class ClaimMatchView(ApiView, APIView):
    """A claim's earlier fact-checks, computed now (and kept for the claim list)."""

    permission_classes = [IsMember]

    @extend_schema(responses={200: MatchListSerializer})
    def get(self, request, claim_pk: int):
        claim = selectors.claim_get(user=request.user, claim_id=claim_pk)
        stored = matching.claim_matches_refresh(claim_id=claim.pk)
        return Response({"results": stored.results if stored else []})


class ClaimLinkListView(ApiView, APIView):
    """A claim's "same claim as" links to earlier fact-checks."""

    permission_classes = [IsMember]

    @extend_schema(responses={200: LinkSerializer(many=True)})
    def get(self, request, claim_pk: int):
        claim = selectors.claim_get(user=request.user, claim_id=claim_pk)
        return Response(LinkSerializer(shown_links(claim.links.order_by("id")), many=True).data)

    @extend_schema(request=LinkCreateSerializer, responses={201: LinkSerializer})
    def post(self, request, claim_pk: int):
        claim = selectors.claim_get(user=request.user, claim_id=claim_pk)
        data = self.parse(LinkCreateSerializer)
        link = matching.claim_link_create(
            actor=request.user,
            claim=claim,
            kind=data["kind"],
            target_id=data["id"],
            note=data["note"],
        )
        return Response(LinkSerializer(link).data, status=status.HTTP_201_CREATED)


class ClaimLinkDetailView(ApiView, APIView):
    """Remove a link (its author or an editor)."""

    permission_classes = [IsMember]

    @extend_schema(responses={204: None})
    def delete(self, request, claim_pk: int, link_pk: int):
        claim = selectors.claim_get(user=request.user, claim_id=claim_pk)
        matching.claim_link_delete(actor=request.user, claim=claim, link_id=link_pk)
        return Response(status=status.HTTP_204_NO_CONTENT)

"""The REST API: thin viewsets over claims.selectors (reads) and claims.services (writes)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import authenticate
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import generics, mixins, serializers, status, viewsets
from rest_framework.authentication import SessionAuthentication
from rest_framework.decorators import (
    action,
    api_view,
    authentication_classes,
    permission_classes,
)
from rest_framework.exceptions import NotFound as HTTPNotFound
from rest_framework.exceptions import Throttled
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from claims import selectors
from claims.api import serializers as s
from claims.api.authentication import TokenAuthentication
from claims.api.concurrency import etag_for, expected_version
from claims.api.errors import PayloadTooLarge, exception_handler
from claims.api.permissions import IsMember, PublicReadMemberWrite
from claims.api.pgjson import ProjectJSONRenderer
from claims.api.renderers import AnnotationNegotiation, AnnotationRenderer, JSONLDRenderer
from claims.api.throttling import AnonymousReadThrottle, TokenThrottle, WriteThrottle
from claims.exports.annotations import (
    ANNO_LINK,
    ANNO_PROFILE,
    CLAIM_FIELDS,
    annotation_collection,
    claim_annotation,
    document_etag,
)
from claims.exports.claimreview import claim_review
from claims.models import Article, Claim
from claims.permissions import is_member
from claims.selectors_audit import claim_history_for
from claims.services import (
    articles,
    claims,
    comments,
    double_review,
    evidence,
    extraction,
    revisions,
    tokens,
    verdicts,
)
from claims.services.errors import NotFound
from claims.signin import signin_lock

IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    description='The ETag last read, e.g. "claim:12:3". Required for token clients (428 without).',
)
ERROR_STATUSES = {
    400: "Invalid input: `errors` names each field and its problem.",
    401: "Not signed in.",
    403: "The role does not allow this.",
    404: "No such object, or not visible to you.",
    409: "Not possible from the object's current state.",
    412: "If-Match names an older version: `current_version` and `current` say what is stored.",
    413: "The request body is too large.",
    428: "A token client must send If-Match.",
    429: "Too many requests.",
}


class ApiView:
    # What every endpoint shares: token before session (so a 401 names the scheme), the error
    # handler, the write throttle, the anonymous read throttle and a body size limit.

    authentication_classes = [TokenAuthentication, SessionAuthentication]
    throttle_classes = [WriteThrottle, AnonymousReadThrottle]

    def get_exception_handler(self):
        return exception_handler

    def initial(self, request, *args, **kwargs):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.API_MAX_BODY_BYTES:
            raise PayloadTooLarge(
                f"The request body is {length} bytes; the limit is {settings.API_MAX_BODY_BYTES}."
            )
        super().initial(request, *args, **kwargs)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["public"] = not is_member(self.request.user)
        return context

    def parse(self, serializer_class, *, partial: bool = False) -> dict:
        serializer = serializer_class(data=self.request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    @staticmethod
    def tagged(obj, data, *, code: int = status.HTTP_200_OK) -> Response:
        return Response(data, status=code, headers={"ETag": etag_for(obj)})


def _not_found(exc: NotFound):
    return HTTPNotFound(exc.message)


@extend_schema(exclude=True)
@api_view(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"])
@authentication_classes([])
@permission_classes([])
def not_found(request, *args, **kwargs):
    """No such endpoint: a JSON 404 like every other API error."""
    raise HTTPNotFound("No such endpoint.")


class SignInLocked(Throttled):
    default_detail = "Too many failed sign-ins."


@extend_schema_view(
    post=extend_schema(
        summary="Get an API token (username, password and an optional name)",
        request=s.TokenRequestSerializer,
        responses={200: s.TokenCreatedSerializer},
    )
)
class TokenView(ApiView, APIView):
    """POST username and password, get a new token for `Authorization: Token <key>`.

    Each call makes another token (a user may hold several, each with a name); it expires after
    API_TOKEN_TTL_DAYS and dies when the password changes. Failed passwords count towards the
    sign-in lock of the account and the address (claims/signin.py), as on the web login.
    """

    throttle_classes = [TokenThrottle]
    authentication_classes = []
    permission_classes = []
    renderer_classes = [JSONRenderer]

    def post(self, request, *args, **kwargs):
        data = self.parse(s.TokenRequestSerializer)
        locked = signin_lock(request, data["username"])
        if locked is not None:
            raise SignInLocked(wait=locked.seconds_left, detail=locked.message())
        user = authenticate(request=request, username=data["username"], password=data["password"])
        if user is None:
            raise serializers.ValidationError(
                {"non_field_errors": ["Unable to log in with provided credentials."]}
            )
        token, secret = tokens.api_token_create(user=user, name=data.get("name", ""))
        return Response({**s.ApiTokenSerializer(token).data, "token": secret})


@extend_schema_view(
    get=extend_schema(summary="Your API tokens (never their secrets)"),
)
class TokenListView(ApiView, generics.ListAPIView):
    """The signed-in user's tokens."""

    serializer_class = s.ApiTokenSerializer
    permission_classes = [IsAuthenticated]
    pagination_class = None

    def get_queryset(self):
        return selectors.api_token_list(user=self.request.user)


@extend_schema_view(
    delete=extend_schema(
        summary="Revoke one of your API tokens", request=None, responses={204: None}
    )
)
class TokenRevokeView(ApiView, APIView):
    permission_classes = [IsAuthenticated]

    def delete(self, request, token_id: int):
        try:
            tokens.api_token_revoke(actor=request.user, token_id=token_id)
        except NotFound as exc:
            raise _not_found(exc) from None
        return Response(status=status.HTTP_204_NO_CONTENT)


class ReadCreateUpdateViewSet(
    ApiView,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """List, read, create and edit (PATCH); never delete: the audit trail keeps what was."""

    http_method_names = ["get", "post", "patch", "head", "options"]


# --- Articles -------------------------------------------------------------------------------------
@extend_schema_view(
    list=extend_schema(summary="List articles"),
    retrieve=extend_schema(summary="Get an article with its body"),
    create=extend_schema(
        summary="Add an article",
        description=(
            "201: the article is ready, with its suggested claims. 202: its text is fetched "
            "(`url` without `body`) or its claims found (a body over ARTICLE_SYNC_MAX_CHARS) by "
            "the worker; `ingest_status` says how far it is."
        ),
        request=s.ArticleCreateSerializer,
        responses={201: s.ArticleSerializer, 202: s.ArticleSerializer},
    ),
    partial_update=extend_schema(
        summary="Edit an article's metadata, or correct its text (a new revision)",
        description=(
            "With `body`: the text becomes a new revision (reason `correction`, `revision_note` "
            "saying why) and every claim is re-anchored in the same transaction: `moved` (same "
            "text, shifted), `changed` (found with its text changed; `anchor_confidence`), or "
            "`lost` (`start`/`end` null, its quote and last `revision` kept). A claim whose "
            "checked text changed or was lost under a submitted, approved or published verdict "
            "gets `anchor_review`. The same body again records nothing."
        ),
        request=s.ArticleUpdateSerializer,
        responses=s.ArticleSerializer,
        parameters=[IF_MATCH],
    ),
)
class ArticleViewSet(ReadCreateUpdateViewSet):
    """Articles: the text every claim points into."""

    permission_classes = [IsMember]

    def get_queryset(self):
        return selectors.article_list(user=self.request.user)

    def get_serializer_class(self):
        return s.ArticleListSerializer if self.action == "list" else s.ArticleSerializer

    def create(self, request, *args, **kwargs):
        article = articles.article_create(
            actor=request.user, **self.parse(s.ArticleCreateSerializer)
        )
        ready = article.ingest_status == Article.IngestStatus.READY
        code = status.HTTP_201_CREATED if ready else status.HTTP_202_ACCEPTED
        return Response(s.ArticleSerializer(article).data, status=code)

    def retrieve(self, request, *args, **kwargs):
        article = self.get_object()
        return self.tagged(article, self.get_serializer(article).data)

    def partial_update(self, request, *args, **kwargs):
        article = self.get_object()
        data = self.parse(s.ArticleUpdateSerializer, partial=True)
        version = expected_version(request, article)
        article = articles.article_update(
            actor=request.user, article=article, expected_version=version, **data
        )
        return self.tagged(article, s.ArticleSerializer(article).data)

    @extend_schema(
        summary="The article's revisions, newest first (each body: revisions/{number}/)",
        responses={200: s.ArticleRevisionSerializer(many=True)},
    )
    @action(detail=True, methods=["get"])
    def revisions(self, request, pk=None):
        article = self.get_object()
        found = selectors.article_revisions(user=request.user, article=article)
        page = self.paginate_queryset(found)
        data = s.ArticleRevisionSerializer(page, many=True).data
        return self.get_paginated_response(data)

    @extend_schema(
        summary="One revision of the article, with its body",
        responses={200: s.ArticleRevisionDetailSerializer},
    )
    @action(detail=True, methods=["get"], url_path=r"revisions/(?P<number>[0-9]+)")
    def revision(self, request, pk=None, number=None):
        article = self.get_object()
        try:
            found = selectors.article_revision_get(
                user=request.user, article=article, number=number
            )
        except NotFound as exc:
            raise _not_found(exc) from None
        return Response(s.ArticleRevisionDetailSerializer(found).data)

    @extend_schema(
        summary="Re-fetch the article from its URL: a new revision if its text changed",
        request=None,
        responses={200: s.ArticleSerializer},
        parameters=[IF_MATCH],
    )
    @action(detail=True, methods=["post"])
    def refetch(self, request, pk=None):
        article = self.get_object()
        version = expected_version(request, article)
        outcome = revisions.article_refetch(
            actor=request.user, article=article, expected_version=version
        )
        return self.tagged(outcome.article, s.ArticleSerializer(outcome.article).data)

    @extend_schema(
        summary="Suggest claims in the article (the extractor)",
        description=(
            "200: done, with the suggested claims. 202: the body is longer than "
            "ARTICLE_SYNC_MAX_CHARS; the worker finds its claims (the article, `ingest_status` "
            "`extracting` until it is done)."
        ),
        request=None,
        responses={200: s.ExtractClaimsResultSerializer, 202: s.ArticleSerializer},
    )
    @action(detail=True, methods=["post"], url_path="extract-claims")
    def extract_claims(self, request, pk=None):
        article = self.get_object()
        if articles.article_extract_later(actor=request.user, article=article):
            article.refresh_from_db()
            return Response(s.ArticleSerializer(article).data, status=status.HTTP_202_ACCEPTED)
        created = extraction.article_suggest_claims(article=article)
        suggested = selectors.claim_list(
            user=request.user, article_id=article.pk, status=Claim.Status.SUGGESTED
        )
        return Response(
            {"created": len(created), "claims": s.ClaimSerializer(suggested, many=True).data}
        )

    @extend_schema(
        summary="The article's claims as a W3C Web Annotation collection (`?page=1`: its page)",
        parameters=[OpenApiParameter("page", str, description="1: the AnnotationPage alone.")],
        responses={200: OpenApiResponse(OpenApiTypes.OBJECT, description="AnnotationCollection")},
    )
    @action(
        detail=True,
        methods=["get"],
        renderer_classes=[AnnotationRenderer, JSONRenderer],
        content_negotiation_class=AnnotationNegotiation,
    )
    def annotations(self, request, pk=None):
        article = self.get_object()
        document = annotation_collection(
            article=article,
            rows=selectors.claim_list_for_annotations(user=request.user, article=article).values(
                *CLAIM_FIELDS
            ),
            collection_id=request.build_absolute_uri(request.path),
            site=request.build_absolute_uri("/"),
            people_visible=is_member(request.user),
            page=request.query_params.get("page"),
        )
        return Response(document)


# --- Claims ---------------------------------------------------------------------------------------
class ClaimFilterSerializer(serializers.Serializer):
    article = serializers.IntegerField(required=False, min_value=1)
    status = serializers.ChoiceField(choices=Claim.Status.choices, required=False)
    assignee = serializers.IntegerField(required=False, min_value=1)
    claim_type = serializers.ChoiceField(choices=Claim.Type.choices, required=False)
    q = serializers.CharField(required=False, max_length=200, help_text="Text search.")


# How the database writes a claim list's items (see claims.api.pgjson).
CLAIM_PAGE = s.claim_page_document()
CLAIM_PAGE_PUBLIC = s.claim_page_document(public=True)


@extend_schema_view(
    list=extend_schema(summary="List claims", parameters=[ClaimFilterSerializer]),
    retrieve=extend_schema(
        summary="Get a claim (with its ETag); JSON-LD Accept: the claim as a W3C Annotation",
        responses={
            (200, "application/json"): s.ClaimSerializer,
            (200, ANNO_PROFILE): OpenApiResponse(OpenApiTypes.OBJECT, description="Annotation"),
        },
    ),
    create=extend_schema(
        summary="Mark a span as a claim",
        request=s.ClaimCreateSerializer,
        responses=s.ClaimSerializer,
    ),
    partial_update=extend_schema(
        summary="Edit a claim (statement, claimant, type, span)",
        request=s.ClaimUpdateSerializer,
        responses=s.ClaimSerializer,
        parameters=[IF_MATCH],
    ),
)
class ClaimViewSet(ReadCreateUpdateViewSet):
    """Claims: spans of an article's body, and their workflow."""

    serializer_class = s.ClaimSerializer
    permission_classes = [PublicReadMemberWrite]

    def get_queryset(self):
        filters = {}
        if self.action == "list":
            parsed = ClaimFilterSerializer(data=self.request.query_params)
            parsed.is_valid(raise_exception=True)
            filters = parsed.validated_data
        return selectors.claim_list(
            user=self.request.user,
            article_id=filters.get("article"),
            status=filters.get("status"),
            assignee_id=filters.get("assignee"),
            claim_type=filters.get("claim_type"),
            search=filters.get("q"),
        )

    def list(self, request, *args, **kwargs):
        queryset = self.get_queryset()
        if isinstance(request.accepted_renderer, ProjectJSONRenderer):
            # JSON clients: the database writes the page (one query); see claims.api.pgjson.
            document = CLAIM_PAGE if is_member(request.user) else CLAIM_PAGE_PUBLIC
            page = self.paginator.paginate_json(queryset, document, request)
            if page is not None:
                return Response(page)
        # Rows, not model instances: a page of 50 claims renders several times faster.
        rows = queryset.values(*s.CLAIM_ROW_FIELDS)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def get_renderers(self):
        # A claim is also a W3C Annotation, for clients that ask for JSON-LD (see renderers.py).
        if getattr(self, "action", None) == "retrieve":
            return [*super().get_renderers(), AnnotationRenderer()]
        return super().get_renderers()

    def get_content_negotiator(self):
        # Asked before the action is known too (to parse the body): DRF's default then.
        if getattr(self, "action", None) == "retrieve":
            return AnnotationNegotiation()
        return super().get_content_negotiator()

    def retrieve(self, request, *args, **kwargs):
        claim = self.get_object()
        if isinstance(request.accepted_renderer, AnnotationRenderer):
            document = claim_annotation(
                claim=claim,
                article=selectors.article_for_annotations(article_id=claim.article_id),
                site=request.build_absolute_uri("/"),
                people_visible=is_member(request.user),
            )
            etag = document_etag(document, kind="annotation", pk=claim.pk)
            return Response(document, headers={"ETag": etag, "Link": ANNO_LINK})
        return self.tagged(claim, self.get_serializer(claim).data)

    def create(self, request, *args, **kwargs):
        data = self.parse(s.ClaimCreateSerializer)
        try:
            article = selectors.article_get(user=request.user, article_id=data.pop("article"))
        except NotFound:
            raise serializers.ValidationError({"article": ["No such article."]}) from None
        claim = claims.claim_create(actor=request.user, article=article, **data)
        return self.tagged(claim, s.ClaimSerializer(claim).data, code=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        claim = self.get_object()
        data = self.parse(s.ClaimUpdateSerializer, partial=True)
        if "claim_date" in data and data["claim_date"] is None:
            data["claim_date"] = ""  # null clears the date; the service reads None as unchanged
        version = expected_version(request, claim)
        claim = claims.claim_update(
            actor=request.user, claim=claim, expected_version=version, **data
        )
        return self.tagged(claim, s.ClaimSerializer(claim).data)

    @extend_schema(
        summary="The audit trail of a claim and of its verdicts, evidence and comments",
        responses={200: s.AuditEntrySerializer(many=True)},
    )
    @action(detail=True, methods=["get"], permission_classes=[IsMember])
    def history(self, request, pk=None):
        # Read-only: the trail is written by database triggers, never through the API.
        claim = self.get_object()
        entries = claim_history_for(user=request.user, claim=claim)
        page = self.paginate_queryset(entries)
        data = s.AuditEntrySerializer(page if page is not None else entries, many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    @extend_schema(
        summary="Put the claim under blind double review by two reviewers (editors)",
        request=s.DoubleReviewSerializer,
        responses={201: s.DoubleReviewAssignmentSerializer(many=True)},
    )
    @action(detail=True, methods=["post"], url_path="double-review")
    def double_review(self, request, pk=None):
        claim = self.get_object()
        data = self.parse(s.DoubleReviewSerializer)
        assignments = double_review.claim_double_review_start(
            actor=request.user, claim=claim, reviewers=data["reviewers"]
        )
        return Response(
            s.DoubleReviewAssignmentSerializer(assignments, many=True).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        summary="Confirm a claim's place after a revision, or place a lost claim again",
        description=(
            "Without a body: the moved or changed span is right (the anchor becomes `exact`, "
            "`anchor_review` is cleared). With `start` and `end`: the claim is placed there in "
            "the current text. Editors only for claims under review or published."
        ),
        request=s.ClaimAnchorSerializer,
        responses=s.ClaimSerializer,
        parameters=[IF_MATCH],
    )
    @action(detail=True, methods=["post"], url_path="confirm-anchor")
    def confirm_anchor(self, request, pk=None):
        claim = self.get_object()
        data = self.parse(s.ClaimAnchorSerializer)
        version = expected_version(request, claim)
        claim = revisions.claim_anchor_confirm(
            actor=request.user, claim=claim, expected_version=version, **data
        )
        return self.tagged(claim, s.ClaimSerializer(claim).data)

    @extend_schema(summary="Accept a suggested claim", request=None, parameters=[IF_MATCH])
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        claim = self.get_object()
        version = expected_version(request, claim)
        claim = claims.claim_accept(actor=request.user, claim=claim, expected_version=version)
        return self.tagged(claim, s.ClaimSerializer(claim).data)

    @extend_schema(
        summary="Assign (or unassign) a claim",
        request=s.ClaimAssignSerializer,
        parameters=[IF_MATCH],
    )
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        claim = self.get_object()
        data = self.parse(s.ClaimAssignSerializer)
        version = expected_version(request, claim)
        assignee = None
        if data["assignee"] is not None:
            assignee = selectors.user_get_assignable(user_id=data["assignee"])
        claim = claims.claim_assign(
            actor=request.user, claim=claim, assignee=assignee, expected_version=version
        )
        return self.tagged(claim, s.ClaimSerializer(claim).data)

    @extend_schema(
        summary="Dismiss a claim with a reason",
        request=s.ClaimDismissSerializer,
        parameters=[IF_MATCH],
    )
    @action(detail=True, methods=["post"])
    def dismiss(self, request, pk=None):
        claim = self.get_object()
        data = self.parse(s.ClaimDismissSerializer)
        version = expected_version(request, claim)
        claim = claims.claim_dismiss(
            actor=request.user,
            claim=claim,
            reason=data["reason"],
            note=data.get("note", ""),
            expected_version=version,
        )
        return self.tagged(claim, s.ClaimSerializer(claim).data)

    @extend_schema(
        summary="The published fact-check as schema.org ClaimReview (JSON-LD)",
        responses={
            200: OpenApiResponse(OpenApiTypes.OBJECT, description="ClaimReview"),
            404: OpenApiResponse(description="Not published (yet)."),
        },
    )
    @action(detail=True, methods=["get"], renderer_classes=[JSONLDRenderer, JSONRenderer])
    def claimreview(self, request, pk=None):
        claim = self.get_object()
        verdict = selectors.claim_published_verdict(claim=claim)
        if verdict is None or claim.status != Claim.Status.PUBLISHED:
            raise HTTPNotFound("This claim has no published fact-check.")
        return Response(claim_review(claim=claim, verdict=verdict))


def claim_child_schema(*, list_summary: str, create_summary: str):
    """The OpenAPI description of a claim's child list and creation, from the viewset's
    serializers."""

    def decorate(cls):
        create = extend_schema(
            summary=create_summary,
            request=cls.create_serializer_class,
            responses={201: cls.serializer_class},
        )
        return extend_schema_view(list=extend_schema(summary=list_summary), create=create)(cls)

    return decorate


class ClaimChildViewSet(
    ApiView, mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Lists and creations under claims/{claim_pk}/: ``create`` parses ``create_serializer_class``
    and hands the data to ``add``, which calls the service."""

    create_serializer_class: type[serializers.Serializer]

    def add(self, data: dict):
        raise NotImplementedError

    def create(self, request, *args, **kwargs):
        item = self.add(self.parse(self.create_serializer_class))
        return Response(self.serializer_class(item).data, status=status.HTTP_201_CREATED)

    def claim(self) -> Claim:
        if not hasattr(self, "_claim"):
            try:
                self._claim = selectors.claim_get(
                    user=self.request.user, claim_id=self.kwargs["claim_pk"]
                )
            except NotFound as exc:
                raise _not_found(exc) from None
        return self._claim


@claim_child_schema(list_summary="A claim's evidence", create_summary="Attach a source to a claim")
class EvidenceViewSet(ClaimChildViewSet):
    serializer_class = s.EvidenceSerializer
    create_serializer_class = s.EvidenceCreateSerializer
    permission_classes = [IsMember]

    def get_queryset(self):
        return selectors.evidence_list(user=self.request.user, claim_id=self.claim().pk)

    def add(self, data: dict):
        return evidence.evidence_add(actor=self.request.user, claim=self.claim(), **data)


@claim_child_schema(list_summary="A claim's comments", create_summary="Comment on a claim")
class CommentViewSet(ClaimChildViewSet):
    serializer_class = s.CommentSerializer
    create_serializer_class = s.CommentCreateSerializer
    permission_classes = [IsMember]

    def get_queryset(self):
        return selectors.comment_list(user=self.request.user, claim_id=self.claim().pk)

    def add(self, data: dict):
        return comments.comment_add(actor=self.request.user, claim=self.claim(), body=data["body"])


@claim_child_schema(
    list_summary="A claim's verdicts you may see",
    create_summary="Draft a verdict (a correction when the claim is published)",
)
class ClaimVerdictViewSet(ClaimChildViewSet):
    serializer_class = s.VerdictSerializer
    create_serializer_class = s.VerdictCreateSerializer
    permission_classes = [PublicReadMemberWrite]

    def get_queryset(self):
        return selectors.verdict_list(user=self.request.user, claim_id=self.claim().pk)

    def add(self, data: dict):
        return verdicts.verdict_create(actor=self.request.user, claim=self.claim(), **data)

    def create(self, request, *args, **kwargs):
        verdict = self.add(self.parse(self.create_serializer_class))
        return self.tagged(verdict, s.VerdictSerializer(verdict).data, code=status.HTTP_201_CREATED)


# --- Verdicts -------------------------------------------------------------------------------------
@extend_schema_view(
    retrieve=extend_schema(summary="Get a verdict (with its ETag)"),
    partial_update=extend_schema(
        summary="Edit a draft or rejected verdict",
        request=s.VerdictUpdateSerializer,
        responses=s.VerdictSerializer,
        parameters=[IF_MATCH],
    ),
)
class VerdictViewSet(
    ApiView, mixins.RetrieveModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet
):
    """Verdicts: draft, submit, approve or reject, publish."""

    serializer_class = s.VerdictSerializer
    permission_classes = [PublicReadMemberWrite]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.verdict_list(user=self.request.user)

    def retrieve(self, request, *args, **kwargs):
        verdict = self.get_object()
        return self.tagged(verdict, self.get_serializer(verdict).data)

    def partial_update(self, request, *args, **kwargs):
        verdict = self.get_object()
        data = self.parse(s.VerdictUpdateSerializer, partial=True)
        version = expected_version(request, verdict)
        verdict = verdicts.verdict_update(
            actor=request.user, verdict=verdict, expected_version=version, **data
        )
        return self.tagged(verdict, s.VerdictSerializer(verdict).data)

    def _transition(self, service, **extra) -> Response:
        verdict = self.get_object()
        version = expected_version(self.request, verdict)
        verdict = service(
            actor=self.request.user, verdict=verdict, expected_version=version, **extra
        )
        return self.tagged(verdict, s.VerdictSerializer(verdict).data)

    @extend_schema(summary="Submit for approval", request=None, parameters=[IF_MATCH])
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._transition(verdicts.verdict_submit)

    @extend_schema(
        summary="Approve (an editor, not the author)", request=None, parameters=[IF_MATCH]
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._transition(verdicts.verdict_approve)

    @extend_schema(
        summary="Reject, back to its author",
        request=s.VerdictRejectSerializer,
        parameters=[IF_MATCH],
    )
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        reason = self.parse(s.VerdictRejectSerializer)["reason"]
        return self._transition(verdicts.verdict_reject, reason=reason)

    @extend_schema(summary="Publish an approved verdict", request=None, parameters=[IF_MATCH])
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        return self._transition(verdicts.verdict_publish)


# --- Sources and ratings --------------------------------------------------------------------------
@extend_schema_view(retrieve=extend_schema(summary="A source: fetch state and metadata"))
class SourceViewSet(ApiView, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Sources cited as evidence."""

    serializer_class = s.SourceSerializer
    permission_classes = [IsMember]

    def get_queryset(self):
        return selectors.source_list(user=self.request.user)


@extend_schema_view(list=extend_schema(summary="The rating scale"))
class RatingViewSet(ApiView, mixins.ListModelMixin, viewsets.GenericViewSet):
    """The newsroom's rating scale."""

    serializer_class = s.RatingSerializer
    permission_classes = [PublicReadMemberWrite]

    def get_queryset(self):
        return selectors.rating_list()

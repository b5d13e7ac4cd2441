"""The default double review, for the whole desk and for one article (editors set it; members
read it). Claims are put under double review one by one at /claims/{id}/double-review/."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from claims import selectors
from claims.api.permissions import IsMember
from claims.api.views import ApiView
from claims.models import DoubleReviewDefault
from claims.services.double_review import (
    double_review_default_clear,
    double_review_default_for,
    double_review_default_set,
)


class DoubleReviewDefaultInputSerializer(serializers.Serializer):
    enabled = serializers.BooleanField(help_text="Double review every open claim it covers.")
    choice = serializers.ChoiceField(
        choices=DoubleReviewDefault.Choice.choices,
        default=DoubleReviewDefault.Choice.LEAST_LOADED,
        help_text="least_loaded: for each claim, the two active reviewers (not editors) with the "
        "fewest open assignments; named: the two reviewers given.",
    )
    reviewers = serializers.ListField(
        child=serializers.CharField(max_length=150),
        required=False,
        max_length=2,
        help_text="With choice named: the usernames of the two (different) reviewers.",
    )


class DoubleReviewDefaultSerializer(serializers.Serializer):
    scope = serializers.CharField(help_text="desk, or article: whose setting this is.")
    article = serializers.IntegerField(source="article_id", allow_null=True)
    enabled = serializers.BooleanField()
    choice = serializers.CharField()
    reviewers = serializers.SerializerMethodField()
    updated_by = serializers.CharField(source="updated_by.username", allow_null=True)
    updated_at = serializers.DateTimeField(allow_null=True)

    def get_reviewers(self, obj) -> list[str]:
        return [u.username for u in (obj.first_reviewer, obj.second_reviewer) if u is not None]


def _answer(row: DoubleReviewDefault | None, *, applied: int | None = None, code=200) -> Response:
    if row is None:  # nothing was ever set: off
        row = DoubleReviewDefault(scope=DoubleReviewDefault.Scope.DESK, enabled=False)
    data = DoubleReviewDefaultSerializer(row).data
    if applied is not None:
        data["applied"] = applied
    return Response(data, status=code)


class DeskDoubleReviewView(ApiView, GenericAPIView):
    """The desk-wide default (articles with their own setting follow theirs)."""

    permission_classes = [IsMember]
    pagination_class = None
    serializer_class = DoubleReviewDefaultSerializer

    def get_object(self):
        # What OPTIONS (DRF's metadata) reads to describe the PUT form.
        return double_review_default_for(article=None)

    @extend_schema(summary="The desk's default double review")
    def get(self, request):
        return _answer(double_review_default_for(article=None))

    @extend_schema(
        summary="Set the desk's default double review (editors); 'applied' counts the open "
        "claims put under double review now",
        request=DoubleReviewDefaultInputSerializer,
    )
    def put(self, request):
        data = self.parse(DoubleReviewDefaultInputSerializer)
        row, applied = double_review_default_set(actor=request.user, article=None, **data)
        return _answer(row, applied=applied)


class ArticleDoubleReviewView(ApiView, GenericAPIView):
    """An article's default: its own setting, else the desk's (``scope`` says which)."""

    permission_classes = [IsMember]
    pagination_class = None
    serializer_class = DoubleReviewDefaultSerializer

    def article(self):
        return selectors.article_get(user=self.request.user, article_id=self.kwargs["article_pk"])

    def get_object(self):
        # What OPTIONS (DRF's metadata) reads to describe the PUT form.
        return double_review_default_for(article=self.article())

    @extend_schema(summary="The default double review that governs an article's claims")
    def get(self, request, article_pk):
        return _answer(double_review_default_for(article=self.article()))

    @extend_schema(
        summary="Set an article's own default double review (editors)",
        request=DoubleReviewDefaultInputSerializer,
    )
    def put(self, request, article_pk):
        article = self.article()
        data = self.parse(DoubleReviewDefaultInputSerializer)
        row, applied = double_review_default_set(actor=request.user, article=article, **data)
        return _answer(row, applied=applied)

    @extend_schema(summary="Remove an article's own setting: the desk's applies (editors)")
    def delete(self, request, article_pk):
        article = self.article()
        double_review_default_clear(actor=request.user, article=article)
        return Response(status=status.HTTP_204_NO_CONTENT)

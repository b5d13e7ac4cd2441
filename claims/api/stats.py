"""The desk's figures for editors: reviewer agreement and weekly activity (read-only)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from claims.api.permissions import IsMember
from claims.api.views import ApiView
from claims.selectors_stats import (
    WEEKLY_COLUMNS,
    agreement_figures,
    desk_figures,
    period_parse,
)

PERIOD = [
    OpenApiParameter("from", str, description="First day (YYYY-MM-DD); default 12 weeks back."),
    OpenApiParameter("to", str, description="Last day, inclusive (YYYY-MM-DD); default today."),
]


class PeriodSerializer(serializers.Serializer):
    # "from" is a Python keyword, hence the field names and the source mapping.
    date_from = serializers.DateField(required=False, allow_null=True)
    date_to = serializers.DateField(required=False, allow_null=True)

    def to_internal_value(self, data):
        renamed = {"date_from": data.get("from") or None, "date_to": data.get("to") or None}
        try:
            return super().to_internal_value(renamed)
        except serializers.ValidationError as exc:
            detail = {
                {"date_from": "from", "date_to": "to"}[key]: value
                for key, value in exc.detail.items()
            }
            raise serializers.ValidationError(detail) from None


class FiguresSerializer(serializers.Serializer):
    kappa = serializers.FloatField(allow_null=True)
    alpha = serializers.FloatField(allow_null=True)
    exact = serializers.FloatField(allow_null=True)
    n = serializers.IntegerField()


class PairFiguresSerializer(FiguresSerializer):
    reviewers = serializers.ListField(child=serializers.CharField())


class AgreementSerializer(serializers.Serializer):
    desk = FiguresSerializer()
    pairs = PairFiguresSerializer(many=True)


class StatsView(ApiView, GenericAPIView):
    permission_classes = [IsMember]
    pagination_class = None

    def period(self):
        parsed = PeriodSerializer(data=self.request.query_params)
        parsed.is_valid(raise_exception=True)
        return period_parse(
            date_from=parsed.validated_data["date_from"], date_to=parsed.validated_data["date_to"]
        )


class AgreementView(StatsView):
    """Agreement of the blind double reviews completed in the period (editors)."""

    serializer_class = AgreementSerializer

    @extend_schema(parameters=PERIOD, summary="Reviewer agreement (editors)")
    def get(self, request):
        date_from, date_to = self.period()
        figures = agreement_figures(user=request.user, date_from=date_from, date_to=date_to)
        return Response(figures.as_dict())


class WeekSerializer(serializers.Serializer):
    week = serializers.DateField(help_text="The Monday the week starts on.")
    locals().update(
        {
            name: (
                serializers.FloatField(allow_null=True, help_text="Hours, accepted to published.")
                if name.startswith("hours_")
                else serializers.IntegerField()
            )
            for name in WEEKLY_COLUMNS
        }
    )


class ReviewerLoadSerializer(serializers.Serializer):
    reviewer = serializers.CharField()
    open_assignments = serializers.IntegerField()
    in_progress = serializers.IntegerField()


class DeskSerializer(serializers.Serializer):
    # "from" and "to" are set in the answer as the period read; declared through a dict because
    # "from" is a Python keyword.
    locals().update({"from": serializers.DateField(), "to": serializers.DateField()})
    weeks = WeekSerializer(many=True)
    reviewers = ReviewerLoadSerializer(many=True)
    link_rot = serializers.DictField(child=serializers.IntegerField())


class DeskView(StatsView):
    """The desk's activity by week, reviewer load and link rot (editors)."""

    serializer_class = DeskSerializer

    @extend_schema(parameters=PERIOD, summary="The desk's figures by week (editors)")
    def get(self, request):
        date_from, date_to = self.period()
        figures = desk_figures(user=request.user, date_from=date_from, date_to=date_to)
        return Response(figures.as_dict())

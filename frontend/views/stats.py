"""The editors' figures: reviewer agreement with the disagreements to read, and the desk's weekly
activity with small SVG charts and a CSV download."""

from __future__ import annotations

import csv
import datetime as dt

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.html import format_html_join
from django.views.decorators.http import require_GET

from claims.permissions import is_editor
from claims.selectors_stats import (
    WEEKLY_COLUMNS,
    agreement_figures,
    desk_figures,
    period_parse,
)
from claims.services.errors import ValidationError
from frontend.charts import bar_chart
from frontend.views.common import member_required, render_page

CHARTS = (
    ("suggested", "Claims suggested"),
    ("accepted", "Claims accepted"),
    ("dismissed", "Claims dismissed"),
    ("published", "Verdicts published"),
    ("hours_to_publish_median", "Median hours, accepted to published"),
)


def _period(request: HttpRequest) -> tuple[dt.date, dt.date, dict]:
    errors: dict[str, str] = {}
    values: dict[str, dt.date | None] = {}
    for name in ("from", "to"):
        raw = request.GET.get(name, "").strip()
        try:
            values[name] = dt.date.fromisoformat(raw) if raw else None
        except ValueError:
            errors[name] = f"{raw!r} is not a date (YYYY-MM-DD)."
            values[name] = None
    try:
        date_from, date_to = period_parse(date_from=values["from"], date_to=values["to"])
    except ValidationError as exc:
        errors[exc.field] = exc.message
        date_from, date_to = period_parse(date_from=None, date_to=None)
    return date_from, date_to, errors


def _editors_only(request: HttpRequest) -> None:
    if not is_editor(request.user):
        raise PermissionDenied("Only editors read the desk's figures.")


@require_GET
@member_required
def agreement_page(request: HttpRequest) -> HttpResponse:
    """Agreement per pair and for the desk, and the claims the two reviewers rated differently."""
    _editors_only(request)
    date_from, date_to, errors = _period(request)
    figures = agreement_figures(user=request.user, date_from=date_from, date_to=date_to)
    context = {
        "date_from": date_from,
        "date_to": date_to,
        "errors": errors,
        "desk": figures.desk,
        "pairs": figures.pairs,
        "disagreements": figures.disagreements,
    }
    return render_page(
        request, "frontend/stats_agreement.html", context, status=400 if errors else 200
    )


@require_GET
@member_required
def desk_page(request: HttpRequest) -> HttpResponse:
    """The desk's activity by week, as charts and a table; reviewer load; link rot."""
    _editors_only(request)
    date_from, date_to, errors = _period(request)
    figures = desk_figures(user=request.user, date_from=date_from, date_to=date_to)
    charts = [
        bar_chart([(str(w["week"]), w[key]) for w in figures.weeks], title=title)
        for key, title in CHARTS
    ]
    context = {
        "date_from": date_from,
        "date_to": date_to,
        "errors": errors,
        "figures": figures,
        "charts": charts,
        "columns": WEEKLY_COLUMNS,
        # One row a week, escaped and joined here rather than by a template loop per cell.
        "week_rows": format_html_join(
            "\n",
            '<tr><th scope="row">{}</th>{}</tr>',
            (
                (
                    w["week"].isoformat(),
                    format_html_join(
                        "",
                        "<td>{}</td>",
                        (("\u2013" if w[c] is None else w[c],) for c in WEEKLY_COLUMNS),
                    ),
                )
                for w in figures.weeks
            ),
        ),
    }
    return render_page(request, "frontend/stats_desk.html", context, status=400 if errors else 200)


@require_GET
@member_required
def desk_csv(request: HttpRequest) -> HttpResponse:
    """The weekly figures as CSV: one row a week (numbers and dates only)."""
    _editors_only(request)
    date_from, date_to, errors = _period(request)
    if errors:
        return HttpResponse("; ".join(errors.values()), status=400, content_type="text/plain")
    figures = desk_figures(user=request.user, date_from=date_from, date_to=date_to)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="desk-{date_from}-{date_to}.csv"'
    writer = csv.writer(response)
    writer.writerow(["week", *WEEKLY_COLUMNS])
    for week in figures.weeks:
        writer.writerow(
            [
                week["week"].isoformat(),
                *("" if week[c] is None else week[c] for c in WEEKLY_COLUMNS),
            ]
        )
    return response

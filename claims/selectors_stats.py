"""The desk's own figures, for editors: reviewer agreement on double-reviewed claims, and weekly
activity computed in SQL from the audit trail and timestamps. A fixed number of queries whatever
the period or the volume."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Count, IntegerField, Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from claims.agreement import cohen_kappa, exact_share, fleiss_kappa, ordinal_alpha
from claims.models import (
    Claim,
    ClaimEvent,
    Rating,
    ReviewAssignment,
    Source,
    Verdict,
    VerdictEvent,
)
from claims.permissions import require_editor
from claims.services.errors import ValidationError

MAX_PERIOD_DAYS = 3 * 366
DEFAULT_PERIOD_DAYS = 12 * 7


def period_parse(*, date_from: dt.date | None, date_to: dt.date | None) -> tuple[dt.date, dt.date]:
    """The period asked for, both ends inclusive; by default the last twelve weeks."""
    date_to = date_to or dt.date.today()
    date_from = date_from or date_to - dt.timedelta(days=DEFAULT_PERIOD_DAYS - 1)
    if date_from > date_to:
        raise ValidationError("from", f"The start ({date_from}) is after the end ({date_to}).")
    if (date_to - date_from).days > MAX_PERIOD_DAYS:
        raise ValidationError("from", f"The period may be at most {MAX_PERIOD_DAYS} days long.")
    return date_from, date_to


def _bounds(date_from: dt.date, date_to: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(date_from, dt.time.min, tzinfo=dt.UTC)
    end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=dt.UTC)
    return start, end


# --- agreement ---------------------------------------------------------------------------------


@dataclass
class RatedItem:
    """A claim both reviewers rated (blind, first submission)."""

    claim_id: int
    statement: str
    reviewers: tuple[str, str]
    labels: tuple[str, str]  # rating slugs
    label_names: tuple[str, str]
    values: tuple[int | None, int | None]


@dataclass
class AgreementFigures:
    desk: dict
    pairs: list[dict]
    disagreements: list[RatedItem] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"desk": self.desk, "pairs": self.pairs}


def _figures(items: list[RatedItem], domain: list[int], *, desk: bool) -> dict:
    pairs = [item.labels for item in items]
    if desk:
        kappa = fleiss_kappa([list(p) for p in pairs])
        coders = sorted({name for item in items for name in item.reviewers})
        column = {name: n for n, name in enumerate(coders)}
        data = [[None] * len(items) for _ in coders]
        for i, item in enumerate(items):
            for name, value in zip(item.reviewers, item.values, strict=True):
                data[column[name]][i] = value
    else:
        kappa = cohen_kappa(pairs)
        data = [[item.values[0] for item in items], [item.values[1] for item in items]]
    return {
        "kappa": kappa,
        "alpha": ordinal_alpha(data, domain) if items else None,
        "exact": exact_share(pairs),
        "n": len(items),
    }


def agreement_figures(*, user, date_from: dt.date, date_to: dt.date) -> AgreementFigures:
    """Agreement of the blind first ratings on the claims whose double review completed in the
    period: per pair of reviewers (Cohen's kappa) and for the desk (Fleiss' kappa). Alpha is
    ordinal over the scale's values; ratings without a value (Misleading, Unverifiable) count as
    missing for alpha only."""
    require_editor(user, "read the agreement figures")
    start, end = _bounds(date_from, date_to)
    completed = (
        ReviewAssignment.objects.values("claim_id")
        .annotate(
            submitted=Count("id", filter=Q(submitted_at__isnull=False)),
            done=Max("submitted_at"),
        )
        .filter(submitted=2, done__gte=start, done__lt=end)
        .values("claim_id")
    )
    rows = (
        ReviewAssignment.objects.filter(claim_id__in=completed)
        .order_by("claim_id", "slot")
        .values_list(
            "claim_id",
            "claim__statement",
            "claim__quote",
            "reviewer__username",
            "rating__slug",
            "rating__label",
            "rating__value",
        )
    )
    by_claim: dict[int, list] = defaultdict(list)
    for row in rows:
        by_claim[row[0]].append(row)
    items = []
    for claim_id, (first, second) in by_claim.items():
        # Each pair is keyed in username order, so (a, b) and (b, a) are one pair.
        ordered = sorted((first, second), key=lambda r: r[3])
        items.append(
            RatedItem(
                claim_id=claim_id,
                statement=first[1] or first[2][:200],
                reviewers=(ordered[0][3], ordered[1][3]),
                labels=(ordered[0][4], ordered[1][4]),
                label_names=(ordered[0][5], ordered[1][5]),
                values=(ordered[0][6], ordered[1][6]),
            )
        )
    domain = list(
        Rating.objects.filter(scale__is_default=True, value__isnull=False).values_list(
            "value", flat=True
        )
    )
    grouped: dict[tuple[str, str], list[RatedItem]] = defaultdict(list)
    for item in items:
        grouped[item.reviewers].append(item)
    pairs = [
        {"reviewers": list(names), **_figures(grouped[names], domain, desk=False)}
        for names in sorted(grouped)
    ]
    return AgreementFigures(
        desk=_figures(items, domain, desk=True),
        pairs=pairs,
        disagreements=[item for item in items if item.labels[0] != item.labels[1]],
    )


# --- the desk's weekly figures -------------------------------------------------------------------

DISMISSAL_REASONS = list(Claim.DismissalReason.values)
VERDICT_STEPS = ("submitted", "approved", "rejected", "published")
WEEKLY_COLUMNS = (
    "suggested",
    "accepted",
    "dismissed",
    *(f"dismissed_{reason}" for reason in DISMISSAL_REASONS),
    "drafted",
    *VERDICT_STEPS,
    "published_claims",
    "hours_to_publish_median",
    "hours_to_publish_p90",
)


def _weekly_sql() -> str:
    """One statement: a row per week of the period. Table and column names come from the models;
    every value is a parameter."""
    claim_events = ClaimEvent._meta.db_table
    verdict_events = VerdictEvent._meta.db_table
    reasons = ",\n".join(
        f"count(*) FILTER (WHERE became = 'dismissed' AND dismissal_reason = %(reason_{n})s)"
        f" AS dismissed_{reason}"
        for n, reason in enumerate(DISMISSAL_REASONS)
    )
    steps = ",\n".join(
        f"count(*) FILTER (WHERE became = '{step}') AS {step}" for step in VERDICT_STEPS
    )
    return f"""
    WITH weeks AS (
        SELECT generate_series(date_trunc('week', %(start)s::timestamptz),
                               date_trunc('week', %(last)s::timestamptz),
                               interval '1 week') AS week
    ), ce AS (
        SELECT date_trunc('week', pgh_created_at) AS week, pgh_label, origin, dismissal_reason,
               CASE WHEN pgh_label = 'update' AND pgh_changes ? 'status'
                    THEN pgh_changes -> 'status' ->> 1 END AS became,
               CASE WHEN pgh_label = 'update' AND pgh_changes ? 'status'
                    THEN pgh_changes -> 'status' ->> 0 END AS was
          FROM {claim_events}
         WHERE pgh_created_at >= %(start)s AND pgh_created_at < %(end)s
    ), claims AS (
        SELECT week,
               count(*) FILTER (WHERE pgh_label = 'insert' AND origin = 'suggested') AS suggested,
               count(*) FILTER (WHERE was = 'suggested' AND became = 'open') AS accepted,
               count(*) FILTER (WHERE became = 'dismissed') AS dismissed,
               {reasons}
          FROM ce GROUP BY week
    ), ve AS (
        SELECT date_trunc('week', pgh_created_at) AS week, pgh_label,
               CASE WHEN pgh_label = 'update' AND pgh_changes ? 'status'
                    THEN pgh_changes -> 'status' ->> 1 END AS became
          FROM {verdict_events}
         WHERE pgh_created_at >= %(start)s AND pgh_created_at < %(end)s
    ), verdicts AS (
        SELECT week, count(*) FILTER (WHERE pgh_label = 'insert') AS drafted,
               {steps}
          FROM ve GROUP BY week
    ), published AS (
        -- Per claim: when it was first published and first accepted (a suggestion's move to
        -- open, or the creation of a claim made open by hand). One pass over the status events.
        SELECT pgh_obj_id,
               min(pgh_created_at) FILTER (WHERE pgh_changes -> 'status' ->> 1 = 'published') AS at,
               min(pgh_created_at) FILTER (
                   WHERE pgh_changes -> 'status' ->> 0 = 'suggested'
                      OR (pgh_label = 'insert' AND status <> 'suggested')
               ) AS accepted_at
          FROM {claim_events}
         WHERE pgh_created_at < %(end)s AND (pgh_label = 'insert' OR pgh_changes ? 'status')
         GROUP BY pgh_obj_id
    ), latency AS (
        SELECT date_trunc('week', at) AS week, count(*) AS published_claims,
               percentile_cont(0.5) WITHIN GROUP (
                   ORDER BY extract(epoch FROM at - accepted_at) / 3600) AS median_hours,
               percentile_cont(0.9) WITHIN GROUP (
                   ORDER BY extract(epoch FROM at - accepted_at) / 3600) AS p90_hours
          FROM published
         WHERE accepted_at IS NOT NULL AND at >= %(start)s AND at < %(end)s AND accepted_at <= at
         GROUP BY 1
    )
    SELECT weeks.week::date,
           coalesce(claims.suggested, 0), coalesce(claims.accepted, 0),
           coalesce(claims.dismissed, 0),
           {", ".join(f"coalesce(claims.dismissed_{r}, 0)" for r in DISMISSAL_REASONS)},
           coalesce(verdicts.drafted, 0),
           {", ".join(f"coalesce(verdicts.{s}, 0)" for s in VERDICT_STEPS)},
           coalesce(latency.published_claims, 0), latency.median_hours, latency.p90_hours
      FROM weeks
      LEFT JOIN claims ON claims.week = weeks.week
      LEFT JOIN verdicts ON verdicts.week = weeks.week
      LEFT JOIN latency ON latency.week = weeks.week
     ORDER BY weeks.week
    """  # noqa: S608 (model names and fixed choices only)


@dataclass
class DeskFigures:
    date_from: dt.date
    date_to: dt.date
    weeks: list[dict]
    reviewers: list[dict]
    link_rot: dict[str, int]

    def as_dict(self) -> dict:
        return {
            "from": self.date_from.isoformat(),
            "to": self.date_to.isoformat(),
            "weeks": [{**w, "week": w["week"].isoformat()} for w in self.weeks],
            "reviewers": self.reviewers,
            "link_rot": self.link_rot,
        }


def _count(queryset, column: str):
    counted = queryset.order_by().values(column).annotate(n=Count("id")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


OPEN_CLAIM_STATES = (Claim.Status.IN_PROGRESS, Claim.Status.IN_REVIEW, Claim.Status.APPROVED)
WORK_IN_PROGRESS = (Verdict.Status.DRAFT, Verdict.Status.REJECTED)


def open_assignments():
    """A user's open assignments, as an expression over users: claims assigned and not yet
    approved or published, plus double reviews not yet submitted. The desk page shows it; the
    default double review picks the least loaded reviewers by it."""
    assigned = Claim.objects.filter(assignee=OuterRef("pk"), status__in=OPEN_CLAIM_STATES)
    double = ReviewAssignment.objects.filter(reviewer=OuterRef("pk"), submitted_at=None)
    return _count(assigned, "assignee") + _count(double, "reviewer")


def _reviewer_load() -> list[dict]:
    """Open assignments and work in progress (draft or rejected verdicts) of every member."""
    drafts = Verdict.objects.filter(author=OuterRef("pk"), status__in=WORK_IN_PROGRESS)
    rows = (
        get_user_model()
        .objects.filter(is_active=True)
        .annotate(
            open_assignments=open_assignments(),
            in_progress=_count(drafts, "author"),
        )
        .filter(Q(open_assignments__gt=0) | Q(in_progress__gt=0))
        .order_by("username")
        .values_list("username", "open_assignments", "in_progress")
    )
    return [
        {"reviewer": name, "open_assignments": open_, "in_progress": wip}
        for name, open_, wip in rows
    ]


def desk_figures(*, user, date_from: dt.date, date_to: dt.date) -> DeskFigures:
    """The desk's activity by week over the period, reviewer load now, and link rot now:
    four queries (one sets the weekly query's planner option) whatever the period or volume."""
    require_editor(user, "read the desk's figures")
    start, end = _bounds(date_from, date_to)
    params = {"start": start, "end": end, "last": end - dt.timedelta(microseconds=1)}
    params |= {f"reason_{n}": reason for n, reason in enumerate(DISMISSAL_REASONS)}
    # PostgreSQL's estimate for the weeks' outer joins is far too high, which switches on JIT
    # compilation: seconds of compiling for a query that runs in tens of milliseconds (measured
    # with bench/desk_stats.py). Off for this one statement's transaction only.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        cursor.execute(_weekly_sql(), params)  # names from the models only; values are params
        weeks = [
            dict(zip(("week", *WEEKLY_COLUMNS), row, strict=True)) for row in cursor.fetchall()
        ]
    for week in weeks:
        for key in ("hours_to_publish_median", "hours_to_publish_p90"):
            if week[key] is not None:
                week[key] = round(float(week[key]), 2)
    counts = dict(
        Source.objects.values_list("link_status")
        .annotate(n=Count("id"))
        .values_list("link_status", "n")
    )
    link_rot = {status: counts.get(status, 0) for status in Source.LinkStatus.values}
    return DeskFigures(
        date_from=date_from,
        date_to=date_to,
        weeks=weeks,
        reviewers=_reviewer_load(),
        link_rot=link_rot,
    )

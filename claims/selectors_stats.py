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
from django.utils import timezone

from claims.agreement import cohen_kappa, exact_share, fleiss_kappa, ordinal_alpha
from claims.models import (
    Claim,
    ClaimEvent,
    DeskWeek,
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
    date_to = date_to or timezone.now().date()  # UTC, like the weeks
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
    kappa = fleiss_kappa([list(p) for p in pairs]) if desk else cohen_kappa(pairs)
    # Alpha depends only on the values within each item, not on who gave them, so the desk's
    # many reviewers fit in two rows too (a reviewers-by-claims table would grow with both).
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
    """One statement: a row per week with events in either of two time ranges ([s1, e1) and
    [s2, e2); an empty range has s = e). Every pass starts from the events in the ranges (the
    event tables' pgh_created_at index), so the cost follows the events read, not the history.
    Table and column names come from the models; every value is a parameter."""
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

    def in_ranges(column: str) -> str:
        return (
            f"(({column} >= %(s1)s AND {column} < %(e1)s)"
            f" OR ({column} >= %(s2)s AND {column} < %(e2)s))"
        )

    return f"""
    WITH ce AS (
        SELECT date_trunc('week', pgh_created_at) AS week, pgh_label, origin, dismissal_reason,
               CASE WHEN pgh_label = 'update' AND pgh_changes ? 'status'
                    THEN pgh_changes -> 'status' ->> 1 END AS became,
               CASE WHEN pgh_label = 'update' AND pgh_changes ? 'status'
                    THEN pgh_changes -> 'status' ->> 0 END AS was
          FROM {claim_events}
         WHERE {in_ranges("pgh_created_at")}
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
         WHERE {in_ranges("pgh_created_at")}
    ), verdicts AS (
        SELECT week, count(*) FILTER (WHERE pgh_label = 'insert') AS drafted,
               {steps}
          FROM ve GROUP BY week
    ), published_now AS (
        -- The claims published in the ranges, at their first publication there ...
        SELECT pgh_obj_id, min(pgh_created_at) AS at
          FROM {claim_events}
         WHERE {in_ranges("pgh_created_at")} AND pgh_label = 'update'
           AND pgh_changes -> 'status' ->> 1 = 'published'
         GROUP BY pgh_obj_id
    ), history AS (
        -- ... and, for those claims only, when they were first accepted (a suggestion's move to
        -- open, or the creation of a claim made open by hand) and first published ever: one
        -- grouped pass (a join on the few claims, or a hash over all for a long period).
        SELECT e.pgh_obj_id,
               min(e.pgh_created_at) FILTER (
                   WHERE e.pgh_changes -> 'status' ->> 0 = 'suggested'
                      OR (e.pgh_label = 'insert' AND e.status <> 'suggested')) AS accepted_at,
               min(e.pgh_created_at) FILTER (
                   WHERE e.pgh_changes -> 'status' ->> 1 = 'published') AS first_published
          FROM {claim_events} e
         WHERE e.pgh_obj_id IN (SELECT pgh_obj_id FROM published_now)
           AND (e.pgh_label = 'insert' OR e.pgh_changes ? 'status')
         GROUP BY e.pgh_obj_id
    ), published AS (
        SELECT p.at, h.accepted_at
          FROM published_now p JOIN history h ON h.pgh_obj_id = p.pgh_obj_id
         WHERE h.first_published = p.at AND h.accepted_at <= p.at
    ), latency AS (
        SELECT date_trunc('week', at) AS week, count(*) AS published_claims,
               percentile_cont(0.5) WITHIN GROUP (
                   ORDER BY extract(epoch FROM at - accepted_at) / 3600) AS median_hours,
               percentile_cont(0.9) WITHIN GROUP (
                   ORDER BY extract(epoch FROM at - accepted_at) / 3600) AS p90_hours
          FROM published GROUP BY 1
    ), weeks AS (
        SELECT week FROM claims UNION SELECT week FROM verdicts UNION SELECT week FROM latency
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


Range = tuple[dt.datetime, dt.datetime]


def weekly_rows(first: Range, second: Range | None = None) -> dict[dt.date, dict]:
    """The weekly figures ({column: value}) of the events in one or two time ranges, by the
    Monday (UTC) of their week; weeks without events are left out. One statement."""
    second = second or (first[1], first[1])
    params = {"s1": first[0], "e1": first[1], "s2": second[0], "e2": second[1]}
    params |= {f"reason_{n}": reason for n, reason in enumerate(DISMISSAL_REASONS)}
    # PostgreSQL can misjudge the joins' sizes badly enough to switch on JIT compilation:
    # seconds of compiling for a query that runs in milliseconds (bench/desk_stats.py). Off for
    # this one statement's transaction only.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        cursor.execute(_weekly_sql(), params)  # names from the models only; values are params
        rows = cursor.fetchall()
    weeks = {}
    for row in rows:
        figures = dict(zip(WEEKLY_COLUMNS, row[1:], strict=True))
        for key in ("hours_to_publish_median", "hours_to_publish_p90"):
            if figures[key] is not None:
                figures[key] = round(float(figures[key]), 2)
        weeks[row[0]] = figures
    return weeks


def empty_week() -> dict:
    return {column: None if column.startswith("hours_") else 0 for column in WEEKLY_COLUMNS}


def monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def at_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC)


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


# An approved claim waits for publication, an editor's step: its reviewer's work is done.
OPEN_CLAIM_STATES = (Claim.Status.OPEN, Claim.Status.IN_PROGRESS, Claim.Status.IN_REVIEW)
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
    """The desk's activity by week over the period, reviewer load now, and link rot now, in a
    fixed number of statements whatever the period or volume. The whole weeks that are already
    summarised (DeskWeek, claims.services.stats) are read from there; the rest of the period (its
    first, partial week, and the weeks since the last summary: normally the current one) is
    computed from the audit trail."""
    require_editor(user, "read the desk's figures")
    start, end = _bounds(date_from, date_to)
    mondays = []
    week = monday(date_from)
    while week <= date_to:
        mondays.append(week)
        week += dt.timedelta(days=7)
    # The whole weeks of the period (a range, so that the statement runs whatever the period).
    whole = DeskWeek.objects.filter(week__gte=date_from, week__lte=date_to - dt.timedelta(days=6))
    summary = dict(whole.values_list("week", "figures"))
    if summary:
        head = (start, at_midnight(min(summary)))
        tail = (at_midnight(max(summary) + dt.timedelta(days=7)), end)
    else:
        head, tail = (start, end), (end, end)
    live = weekly_rows(head, tail)
    blank = empty_week()
    weeks = []
    for w in mondays:
        figures = summary.get(w) or live.get(w) or blank
        weeks.append({"week": w, **{c: figures.get(c, blank[c]) for c in WEEKLY_COLUMNS}})
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

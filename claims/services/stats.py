"""The desk's weekly summary (DeskWeek): the figures of every closed week, computed once from the
audit trail so that the desk page reads a row a week instead of every event of the period."""

from __future__ import annotations

import datetime as dt

from django.db import connection, transaction
from django.db.models import Max, Min
from django.utils import timezone

from claims.models import ClaimEvent, DeskWeek, VerdictEvent
from claims.selectors_stats import at_midnight, empty_week, monday, weekly_rows

# A week is summarised once it ended this long ago: an event is stamped when it is written, and
# a transaction still open at midnight on Sunday may commit a little later.
CLOSING_GRACE = dt.timedelta(hours=1)


@transaction.atomic
def desk_weeks_refresh(*, now: dt.datetime | None = None, rebuild: bool = False) -> int:
    """Summarise every closed week after the last one summarised (from the first event's week,
    the first time; every week again with ``rebuild``, e.g. after the figures' definitions
    changed). Set-based: one statement reads the events of the weeks to add, one writes them.
    Returns the number of weeks written."""
    now = now or timezone.now()
    closed_until = monday((now - CLOSING_GRACE).astimezone(dt.UTC).date())
    # One refresh at a time (the beat task may overlap a manual run).
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext('claims.desk_weeks_refresh'))")
    last = None if rebuild else DeskWeek.objects.aggregate(last=Max("week"))["last"]
    if last is not None:
        first = last + dt.timedelta(days=7)
    else:
        earliest = [
            model.objects.aggregate(at=Min("pgh_created_at"))["at"]
            for model in (ClaimEvent, VerdictEvent)
        ]
        earliest = [at for at in earliest if at is not None]
        if not earliest:
            return 0
        first = monday(min(earliest).astimezone(dt.UTC).date())
    if first >= closed_until:
        return 0
    figures = weekly_rows((at_midnight(first), at_midnight(closed_until)))
    rows = []
    week = first
    while week < closed_until:
        rows.append(DeskWeek(week=week, figures=figures.get(week, empty_week())))
        week += dt.timedelta(days=7)
    if rebuild:
        DeskWeek.objects.exclude(week__in=[r.week for r in rows]).delete()
    DeskWeek.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["week"],
        update_fields=["figures", "computed_at"],
    )
    return len(rows)

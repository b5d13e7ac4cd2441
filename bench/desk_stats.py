"""Server time and query count of the desk's figures over a year of synthetic activity.

Run: DATABASE_URL=... .venv/bin/python bench/desk_stats.py [--per-day 50] [--runs 10]
     [--paths page,csv,api] [--no-summary] [--explain]
A year of claims and verdicts is written straight into the audit tables in SQL (insert-only, so
the event times can be set), about 7.5 events per claim; everything is rolled back. --per-day 50
is the usual desk (1x), 500 and 5000 are 10x and 100x. Prints the median server time of the page
(/stats/desk/), the CSV and the API over the whole year and over one week, and the query counts:
first with every week computed from the events (the pgh_created_at index), then with the weekly
summary the hourly beat task keeps (claims.services.stats), and what writing it costs. Target: the
page under 300 ms, the same number of queries for both periods.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from claims.models import Claim, ClaimEvent, VerdictEvent  # noqa: E402
from claims.services.users import user_create  # noqa: E402


class Rollback(Exception):
    pass


def _columns(obj) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in type(obj)._meta.concrete_fields}


def _insert_events(
    model, template: dict, steps: list[tuple[str, str, str, str | None, str, str]], params: dict
) -> int:
    """One INSERT ... SELECT over generate_series per step: every column is the template's value
    except the event's own (id, object, status, label, time, changes, dismissal reason)."""
    table = model._meta.db_table
    own = {
        "pgh_id",
        "id",
        "pgh_obj_id",
        "status",
        "pgh_label",
        "pgh_created_at",
        "pgh_changes",
        "dismissal_reason",
    }
    fields = [f for f in model._meta.concrete_fields if f.column not in own]
    fields = [f for f in fields if f.attname in template or f.column in template]
    constant = {
        f"c_{f.column}": f.get_db_prep_save(template.get(f.attname), connection) for f in fields
    }
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    values = ", ".join(f"%(c_{f.column})s" for f in fields)
    total = 0
    with connection.cursor() as cursor:
        for condition, label, status, was, at, reason in steps:
            changes = (
                "NULL"
                if label == "insert"
                else f"jsonb_build_object('status', jsonb_build_array('{was}', '{status}'))"
            )
            reason_column = ', "dismissal_reason"' if model is ClaimEvent else ""
            reason_value = f", {reason}" if model is ClaimEvent else ""
            cursor.execute(
                f"""
                WITH c AS (
                    SELECT i, %(obj0)s + i AS obj, i %% %(per_day)s AS n,
                           %(start)s::timestamptz + (i / %(per_day)s) * interval '1 day'
                               + (i %% %(per_day)s) * (interval '1 day' / %(per_day)s) AS t,
                           2 + ((i * 7919) %% 1981) / 10.0 AS hours
                      FROM generate_series(0::bigint, %(count)s - 1) AS i
                )
                INSERT INTO {table} ("id", "pgh_obj_id", "status", "pgh_label", "pgh_created_at",
                                     "pgh_changes"{reason_column}, {columns})
                SELECT obj, obj, '{status}', '{label}', {at}, {changes}{reason_value}, {values}
                  FROM c WHERE {condition}
                """,  # noqa: S608 (bench: fixed step definitions only)
                params | constant,
            )
            total += cursor.rowcount
    return total


def build(per_day: int) -> dt.date:
    """A year of claims (per_day a day), as audit events written in SQL: a third of the
    suggestions dismissed, the rest accepted, drafted, submitted (one in ten rejected once and
    resubmitted), approved and published 2 to 200 hours after acceptance."""
    from tests.factories import ClaimFactory, VerdictFactory  # the bench reuses the factories

    claim_row = _columns(ClaimFactory(status=Claim.Status.SUGGESTED, origin="suggested"))
    verdict_row = _columns(VerdictFactory())
    start = timezone.now() - dt.timedelta(days=365)
    reasons = list(Claim.DismissalReason.values)
    reason = (
        "(ARRAY[" + ", ".join(f"'{r}'" for r in reasons) + "])[1 + i %% " + str(len(reasons)) + "]"
    )
    h = "interval '1 hour'"
    accepted = "n %% 3 <> 0"
    claim_steps = [
        ("true", "insert", "suggested", None, "t", "''"),
        ("n %% 3 = 0", "update", "dismissed", "suggested", f"t + {h}", reason),
        (accepted, "update", "open", "suggested", f"t + {h}", "''"),
        (accepted, "update", "in_progress", "open", f"t + 2 * {h}", "''"),
        (accepted, "update", "in_review", "in_progress", f"t + {h} + hours / 2 * {h}", "''"),
        (accepted, "update", "approved", "in_review", f"t + {h} + hours * 0.9 * {h}", "''"),
        (accepted, "update", "published", "approved", f"t + {h} + hours * {h}", "''"),
    ]
    rework = f"{accepted} AND n %% 10 = 1"
    verdict_steps = [
        (accepted, "insert", "draft", None, f"t + 2 * {h}", ""),
        (accepted, "update", "submitted", "draft", f"t + {h} + hours / 2 * {h}", ""),
        (rework, "update", "rejected", "submitted", f"t + {h} + hours * 0.6 * {h}", ""),
        (rework, "update", "submitted", "rejected", f"t + {h} + hours * 0.7 * {h}", ""),
        (accepted, "update", "approved", "submitted", f"t + {h} + hours * 0.9 * {h}", ""),
        (accepted, "update", "published", "approved", f"t + {h} + hours * {h}", ""),
    ]
    params = {"obj0": 10_000_000, "per_day": per_day, "start": start, "count": per_day * 365}
    claims = _insert_events(ClaimEvent, claim_row, claim_steps, params)
    verdicts = _insert_events(VerdictEvent, verdict_row, verdict_steps, params)
    print(
        f"synthetic year: {per_day * 365} claims, {claims} claim events, {verdicts} verdict events"
    )
    return start.date()


def timed(client: Client, url: str, runs: int) -> tuple[float, int]:
    client.get(url)  # warm up
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200, response.status_code
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    slowest = sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[:3]
    for query in slowest:
        print(f"      {float(query['time']) * 1000:7.1f} ms  {' '.join(query['sql'].split())[:90]}")
    return statistics.median(times), len(queries)


def explain(first: dt.date, today: dt.date) -> None:
    from claims.selectors_stats import DISMISSAL_REASONS, _bounds, _weekly_sql

    start, end = _bounds(first, today)
    params = {"s1": start, "e1": end, "s2": end, "e2": end}
    params |= {f"reason_{n}": reason for n, reason in enumerate(DISMISSAL_REASONS)}
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        cursor.execute("EXPLAIN (ANALYZE, TIMING) " + _weekly_sql(), params)
        print("\n".join(row[0] for row in cursor.fetchall()))


def summarise() -> None:
    """What the hourly beat task keeps: every closed week summarised. Timed, with the cost of
    adding one week (the hourly task's usual work)."""
    from claims.models import DeskWeek
    from claims.services.stats import desk_weeks_refresh

    began = time.perf_counter()
    weeks = desk_weeks_refresh()
    print(f"  weekly summary: {weeks} weeks written in {time.perf_counter() - began:.1f} s")
    DeskWeek.objects.order_by("-week").first().delete()
    began = time.perf_counter()
    desk_weeks_refresh()
    print(f"  adding one closed week: {(time.perf_counter() - began) * 1000:.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--per-day", type=int, default=50)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--explain", action="store_true", help="print the weekly query's plan")
    parser.add_argument(
        "--no-summary",
        action="store_true",
        help="time only without the weekly summary (by default: without, then with it)",
    )
    parser.add_argument(
        "--paths", default="page,csv,api", help="which of page, csv, api to time (default all)"
    )
    args = parser.parse_args()
    # Earlier runs roll back millions of rows: their dead tuples would be read as well.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM claims_claimevent, claims_verdictevent")
    try:
        with transaction.atomic():
            editor = user_create(username="bench-desk-editor", role="editor", password=None)
            began = time.perf_counter()
            first = build(args.per_day)
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE claims_claimevent; ANALYZE claims_verdictevent")
            print(f"  built in {time.perf_counter() - began:.0f} s")
            today = timezone.now().date()
            if args.explain:
                explain(first, today)
            client = Client(HTTP_HOST="127.0.0.1")
            client.force_login(editor)
            week = f"from={today - dt.timedelta(days=6)}&to={today}"
            year = f"from={first}&to={today}"
            modes = ["events"] if args.no_summary else ["events", "summary"]
            for mode in modes:
                if mode == "summary":
                    summarise()
                print(
                    f"  -- {'from the events (index)' if mode == 'events' else 'with the summary'}"
                )
                for name, path in (
                    ("page", "/stats/desk/"),
                    ("csv ", "/stats/desk.csv"),
                    ("api ", "/api/v1/stats/desk/"),
                ):
                    if name.strip() not in args.paths.split(","):
                        continue
                    for period, query in (("year", year), ("week", week)):
                        median, queries = timed(client, f"{path}?{query}", args.runs)
                        print(f"  {name} {period}: median {median:.1f} ms, {queries} queries")
            raise Rollback
    except Rollback:
        pass


if __name__ == "__main__":
    main()

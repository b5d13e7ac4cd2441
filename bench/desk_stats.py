"""Server time and query count of the desk's figures over a year of synthetic activity.

Run: DATABASE_URL=... .venv/bin/python bench/desk_stats.py [--per-day 50] [--runs 10]
A year of claims and verdicts is written straight into the audit tables (insert-only, so the
event times can be set), about 11 events per claim; everything is rolled back. Prints the median
server time of the page (/stats/desk/), the CSV and the API over the whole year and over one week,
and the query counts. Target: the page under 300 ms, the same number of queries for both periods.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from contextlib import contextmanager
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


@contextmanager
def backdated():
    """Let bulk_create keep the event times given (pgh_created_at is auto_now_add)."""
    fields = [m._meta.get_field("pgh_created_at") for m in (ClaimEvent, VerdictEvent)]
    for f in fields:
        f.auto_now_add = False
    try:
        yield
    finally:
        for f in fields:
            f.auto_now_add = True


def _columns(obj) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in type(obj)._meta.concrete_fields}


def build(per_day: int, rng: random.Random) -> dt.date:
    from tests.factories import ClaimFactory, VerdictFactory  # the bench reuses the factories

    claim_row = _columns(ClaimFactory(status=Claim.Status.SUGGESTED, origin="suggested"))
    verdict_row = _columns(VerdictFactory())
    start = timezone.now() - dt.timedelta(days=365)
    claim_events, verdict_events = [], []
    reasons = list(Claim.DismissalReason.values)
    obj = 10_000_000
    for day in range(365):
        for n in range(per_day):
            obj += 1
            t = start + dt.timedelta(days=day, minutes=n * 20)

            def claim(at, label, status, was=None, reason="", obj=obj):
                changes = None if label == "insert" else {"status": [was, status]}
                row = claim_row | {
                    "id": obj,
                    "status": status,
                    "dismissal_reason": reason,
                }
                claim_events.append(
                    ClaimEvent(
                        **row,
                        pgh_obj_id=obj,
                        pgh_label=label,
                        pgh_created_at=at,
                        pgh_changes=changes,
                    )
                )

            def verdict(at, label, status, was=None, obj=obj):
                changes = None if label == "insert" else {"status": [was, status]}
                verdict_events.append(
                    VerdictEvent(
                        **(verdict_row | {"id": obj, "status": status}),
                        pgh_obj_id=obj,
                        pgh_label=label,
                        pgh_created_at=at,
                        pgh_changes=changes,
                    )
                )

            claim(t, "insert", "suggested")
            if n % 3 == 0:
                claim(
                    t + dt.timedelta(hours=1),
                    "update",
                    "dismissed",
                    "suggested",
                    rng.choice(reasons),
                )
                continue
            hours = rng.uniform(2, 200)
            at = t + dt.timedelta(hours=1)
            claim(at, "update", "open", "suggested")
            verdict(at + dt.timedelta(hours=1), "insert", "draft")
            claim(at + dt.timedelta(hours=1), "update", "in_progress", "open")
            verdict(at + dt.timedelta(hours=hours / 2), "update", "submitted", "draft")
            claim(at + dt.timedelta(hours=hours / 2), "update", "in_review", "in_progress")
            if n % 10 == 1:
                verdict(at + dt.timedelta(hours=hours * 0.6), "update", "rejected", "submitted")
                verdict(at + dt.timedelta(hours=hours * 0.7), "update", "submitted", "rejected")
            verdict(at + dt.timedelta(hours=hours * 0.9), "update", "approved", "submitted")
            claim(at + dt.timedelta(hours=hours * 0.9), "update", "approved", "in_review")
            verdict(at + dt.timedelta(hours=hours), "update", "published", "approved")
            claim(at + dt.timedelta(hours=hours), "update", "published", "approved")
    with backdated():
        ClaimEvent.objects.bulk_create(claim_events, batch_size=5000)
        VerdictEvent.objects.bulk_create(verdict_events, batch_size=5000)
    print(
        f"synthetic year: {per_day * 365} claims, {len(claim_events)} claim events, "
        f"{len(verdict_events)} verdict events"
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
    params = {"start": start, "end": end, "last": end - dt.timedelta(microseconds=1)}
    params |= {f"reason_{n}": reason for n, reason in enumerate(DISMISSAL_REASONS)}
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        cursor.execute("EXPLAIN (ANALYZE, TIMING) " + _weekly_sql(), params)
        print("\n".join(row[0] for row in cursor.fetchall()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--per-day", type=int, default=50)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--explain", action="store_true", help="print the weekly query's plan")
    args = parser.parse_args()
    try:
        with transaction.atomic():
            editor = user_create(username="bench-desk-editor", role="editor", password=None)
            first = build(args.per_day, random.Random(22))
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE claims_claimevent; ANALYZE claims_verdictevent")
            today = timezone.now().date()
            if args.explain:
                explain(first, today)
            client = Client(HTTP_HOST="127.0.0.1")
            client.force_login(editor)
            week = f"from={today - dt.timedelta(days=6)}&to={today}"
            year = f"from={first}&to={today}"
            for name, path in (
                ("page", "/stats/desk/"),
                ("CSV ", "/stats/desk.csv"),
                ("API ", "/api/v1/stats/desk/"),
            ):
                for period, query in (("year", year), ("week", week)):
                    median, queries = timed(client, f"{path}?{query}", args.runs)
                    print(f"  {name} {period}: median {median:.1f} ms, {queries} queries")
            raise Rollback
    except Rollback:
        pass


if __name__ == "__main__":
    main()

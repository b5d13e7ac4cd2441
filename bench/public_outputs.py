"""Server time and queries of the public outputs (index, feeds, sitemap, a fact-check page) as the
number of published fact-checks grows.

Run: DATABASE_URL=... .venv/bin/python bench/public_outputs.py [--sizes 100,1000,10000] [--runs 9]
Everything it creates is rolled back. What should hold: the same query count at every size, and
page times that grow far slower than the number of fact-checks (one page is read, not all). The
sections of the sitemap list every page by design: theirs grow with the count (50,000 a page).
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
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from claims.exports.claimreview import fact_check_path  # noqa: E402
from claims.models import Article, Claim, Rating, Verdict  # noqa: E402

BASE = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
SENTENCE = "Officials said spending rose {i} percent to {j} million euros. "


class Rollback(Exception):
    pass


def build(n: int, users: tuple, offset: int) -> Claim:
    """n published fact-checks in n/20 articles; every tenth one corrected once."""
    author, editor = users
    ratings = list(Rating.objects.filter(scale__is_default=True))
    last = None
    for a in range(0, n, 20):
        sentences = [SENTENCE.format(i=i, j=i * 3) for i in range(a, min(n, a + 20))]
        body = "".join(sentences)
        article = Article.objects.create(
            title=f"Bench article {offset + a}", body=body, language="en", publisher="Bench"
        )
        claims, pos = [], 0
        for sentence in sentences:
            text = sentence.strip()
            start = body.index(text, pos)
            pos = start + len(text)
            claims.append(
                Claim(
                    article=article,
                    start=start,
                    end=pos,
                    quote=text,
                    statement=text,
                    claimant=f"Official {start % 7}",
                    status=Claim.Status.PUBLISHED,
                )
            )
        claims = Claim.objects.bulk_create(claims)
        verdicts = []
        for k, claim in enumerate(claims):
            when = BASE + dt.timedelta(hours=offset + a + k)
            corrected = (a + k) % 10 == 0
            verdicts.append(
                Verdict(
                    claim=claim,
                    rating=ratings[(a + k) % len(ratings)],
                    summary="Spending rose less than that.",
                    author=author,
                    reviewed_by=editor,
                    status=Verdict.Status.SUPERSEDED if corrected else Verdict.Status.PUBLISHED,
                    published_at=when,
                )
            )
        verdicts = Verdict.objects.bulk_create(verdicts)
        corrections = [
            Verdict(
                claim_id=v.claim_id,
                rating=v.rating,
                summary="Corrected.",
                author=author,
                reviewed_by=editor,
                status=Verdict.Status.PUBLISHED,
                published_at=v.published_at + dt.timedelta(days=30),
                supersedes=v,
                correction_note="New figures.",
            )
            for v in verdicts
            if v.status == Verdict.Status.SUPERSEDED
        ]
        Verdict.objects.bulk_create(corrections)
        last = claims[-1]
    return last


def measure(client: Client, path: str, runs: int) -> tuple[float, int, int]:
    client.get(path)
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    return statistics.median(times), len(queries), len(response.content)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="100,1000,10000")
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    try:
        with transaction.atomic():
            model = get_user_model()
            users = (
                model.objects.create_user("bench-author"),
                model.objects.create_user("bench-ed"),
            )
            client = Client(HTTP_HOST="127.0.0.1")
            built = 0
            print(f"{'fact-checks':>11}  {'output':<34} {'median ms':>9} {'queries':>7} {'KiB':>7}")
            for size in sizes:
                claim = build(size - built, users, built)
                built = size
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE claims_verdict; ANALYZE claims_claim")
                paths = [
                    "/fact-checks/",
                    "/fact-checks/?page=2",
                    "/fact-checks/?q=rose+7+percent",
                    "/fact-checks/?rating=false",
                    "/fact-checks/?claimant=Official+3",
                    "/fact-checks/feed.atom",
                    "/fact-checks/feed.json",
                    "/fact-checks/feed.jsonld",
                    "/sitemap.xml",
                    "/sitemap-fact-checks.xml",
                    fact_check_path(claim),
                ]
                for path in paths:
                    ms, queries, size_bytes = measure(client, path, args.runs)
                    label = (
                        path
                        if not path.startswith("/fact-checks/") or "/" not in path[13:]
                        else "a fact-check page"
                    )
                    print(
                        f"{size:>11}  {label:<34} {ms:>9.1f} {queries:>7} {size_bytes / 1024:>7.1f}"
                    )
            raise Rollback
    except Rollback:
        pass


if __name__ == "__main__":
    main()

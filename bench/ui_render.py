"""Server time and HTML size of the workbench page of an article with 500 claims.

Run: DATABASE_URL=... .venv/bin/python bench/ui_render.py [--claims 500] [--runs 15] [--nested]
Everything it creates is rolled back. Target: under 300 ms of server time. ``--nested`` makes
every claim hold the next one (claim i spans from sentence i to the end of sentence n - i), the
worst case for the highlighter: with ``--claims 2000`` it once took 13 s and 225 MB of HTML.
"""

from __future__ import annotations

import argparse
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
from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from claims.models import Article, Claim  # noqa: E402
from claims.reference import REVIEWERS  # noqa: E402


class Rollback(Exception):
    pass


def build(n: int) -> Article:
    sentences = [
        f"Officials said on day {i} that spending rose {i % 97}.{i % 10} percent to "
        f"{i * 3} million euros. "
        for i in range(n)
    ]
    body = "".join(sentences)
    article = Article.objects.create(title="Bench article", body=body, language="en")
    claims, pos = [], 0
    for i, sentence in enumerate(sentences):
        text = sentence.strip()
        start = body.index(text, pos)
        pos = start + len(text)
        claims.append(
            Claim(
                article=article,
                start=start,
                end=pos,
                quote=text,
                prefix=body[max(0, start - 32) : start],
                suffix=body[pos : pos + 32],
                status=Claim.Status.SUGGESTED if i % 3 else Claim.Status.OPEN,
                origin=Claim.Origin.SUGGESTED if i % 3 else Claim.Origin.MANUAL,
                claim_type=Claim.Type.QUANTITY,
                checkworthiness=0.7,
                reasons=["has a quantity: percent", "attributed: officials said"],
            )
        )
        if i % 10 == 0:  # some overlapping manual claims too
            claims.append(
                Claim(
                    article=article,
                    start=start,
                    end=start + 20,
                    quote=body[start : start + 20],
                    status=Claim.Status.IN_PROGRESS,
                    origin=Claim.Origin.MANUAL,
                )
            )
    Claim.objects.bulk_create(claims[:n])
    return article


def build_nested(n: int) -> Article:
    """An article of n sentences and n claims, each inside the one before it."""
    sentences = [
        f"Officials said on day {i} that spending rose {i % 97} percent. " for i in range(n)
    ]
    body = "".join(sentences)
    bounds, pos = [], 0
    for sentence in sentences:
        bounds.append((pos, pos + len(sentence) - 1))
        pos += len(sentence)
    article = Article.objects.create(title="Bench article, nested", body=body, language="en")
    claims = []
    for i in range(n):
        start, end = bounds[i // 2][0], bounds[n - 1 - i // 2][1]
        end -= i % 2  # two claims per pair of sentences, one a character shorter
        claims.append(
            Claim(
                article=article,
                start=start,
                end=end,
                quote=body[start:end],
                prefix=body[max(0, start - 32) : start],
                suffix=body[end : end + 32],
                status=Claim.Status.SUGGESTED if i % 3 else Claim.Status.OPEN,
                origin=Claim.Origin.SUGGESTED if i % 3 else Claim.Origin.MANUAL,
                claim_type=Claim.Type.QUANTITY,
                checkworthiness=0.7,
                reasons=["has a quantity: percent"],
            )
        )
    Claim.objects.bulk_create(claims)
    return article


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--claims", type=int, default=500)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--nested", action="store_true", help="each claim inside the one before")
    args = parser.parse_args()
    try:
        with transaction.atomic():
            user = get_user_model().objects.create_user("bench-ui-reviewer")
            user.groups.add(Group.objects.get(name=REVIEWERS))
            article = (build_nested if args.nested else build)(args.claims)
            client = Client(HTTP_HOST="127.0.0.1")
            client.force_login(user)
            url = f"/articles/{article.pk}/"
            client.get(url)  # warm up templates and connections
            times = []
            for _ in range(args.runs):
                began = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - began) * 1000)
                assert response.status_code == 200
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            html = response.content
            shape = "nested " if args.nested else ""
            print(f"workbench page, {article.claims.count()} {shape}claims, {args.runs} runs")
            print(
                f"  server time: median {statistics.median(times):.1f} ms, "
                f"min {min(times):.1f} ms, max {max(times):.1f} ms (target < 300 ms)"
            )
            print(f"  HTML size:   {len(html) / 1024:.1f} KiB ({len(html)} bytes)")
            print(f"  queries:     {len(queries)}")
            raise Rollback
    except Rollback:
        pass


if __name__ == "__main__":
    main()

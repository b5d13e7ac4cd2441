"""Storing an article's suggested claims, beside extracting them: 10 KB, 100 KB and 1 MB documents;
then the 1 MB document end to end through a real worker.

Run: DATABASE_URL=... CELERY_BROKER_URL=redis://... .venv/bin/python bench/ingest.py
     [--sizes 10,100,1000] [--runs 3] [--end-to-end 1000 | --end-to-end 0] [--end-to-end-runs 3]

Each document is the news dev set and the seed repeated to the size (KB of characters). For each
run, "extract" is ``extract_claims`` alone and "+store" the whole ``article_suggest_claims`` up to
and including its COMMIT, timed right after it: the extraction again, with each suggestion
written to the COPY as it is found, the audit trigger, the span check at the end of the COPY.
"store" is the difference, what storing adds (medians of the runs). The target: storing costs at
most twice extracting at 1 MB, and the cost per KB is flat.

End to end (``--end-to-end`` KB, default 1000): a prefork Celery worker is started on a queue of
the bench's own (as the parse queue, PARSE_QUEUE); the API is served in this process as in
production (DEBUG off, HTTPS, warmed by one short article). Each run extracts the document here
first, then POSTs it to /api/v1/articles/ with a reviewer's token (an article's JSON may take
API_MAX_ARTICLE_BYTES), which answers 202 with ingest status "extracting"; the clock stops when
GET /api/v1/articles/{id}/ says "ready" and GET /api/v1/claims/?article={id} lists its
suggestions. Target: within 3x the document's extraction time, each run against its own
extraction, timed here just before the POST and just after (the machine is shared: the mean of
the two sees the load the worker saw). The articles it creates
are deleted afterwards (their audit events stay: the trail is append-only), and so is the bench's
user. ``BENCH_WORKER_LOGLEVEL=INFO`` shows the worker's task times.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
# Requests are served as in production: DEBUG off (no per-query SQL log), over HTTPS.
os.environ.setdefault("DJANGO_DEBUG", "0")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-" + uuid.uuid4().hex)
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1")
# The end-to-end run's own parse queue, set before Django reads its settings: the request routes
# article_extract to it as in production, and only the bench's worker consumes it.
QUEUE = f"bench-ingest-{uuid.uuid4().hex[:8]}"
os.environ["PARSE_QUEUE"] = QUEUE

import django  # noqa: E402

django.setup()

from django.db import transaction  # noqa: E402
from extraction_adversarial import news_text, repeat_to  # noqa: E402

from claims.extraction import extract_claims  # noqa: E402
from claims.models import Article  # noqa: E402
from claims.services.extraction import article_suggest_claims  # noqa: E402


def one(size: int) -> tuple[float, float, int]:
    """Seconds to extract, seconds to extract and store (``article_suggest_claims``: the
    suggestions are written to the database as they are found), claims stored, for a document
    of ``size`` chars; the two timed back to back."""
    body = repeat_to(news_text(), size)
    article = Article.objects.create(title=f"Ingest bench {size}", body=body, language="en")
    try:
        began = time.perf_counter()
        extract_claims(body)
        extract = time.perf_counter() - began
        began = time.perf_counter()
        with transaction.atomic():
            claims = article_suggest_claims(article_id=article.pk)
        return extract, time.perf_counter() - began, len(claims)
    finally:
        Article.objects.filter(pk=article.pk).delete()


def start_worker() -> subprocess.Popen:
    """A prefork worker on the bench's queue, DEBUG off as in production, one process."""
    env = dict(os.environ, PARSE_QUEUE=QUEUE, DJANGO_DEBUG="0", PYTHONUNBUFFERED="1")
    env.setdefault("DJANGO_SECRET_KEY", "bench-only-" + uuid.uuid4().hex)
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "factcheck", "worker", "--pool=prefork",
         "--concurrency=1", "-Q", QUEUE, "--without-mingle", "--without-gossip",
         "--loglevel=" + os.environ.get("BENCH_WORKER_LOGLEVEL", "WARNING"), f"--hostname=bench-{QUEUE}@%h"],
        cwd=ROOT, env=env, start_new_session=True,
    )  # fmt: skip


def wait_until_consuming(timeout: float = 60) -> None:
    from claims.models import WorkerHeartbeat
    from claims.tasks import worker_heartbeat

    token = f"bench-{uuid.uuid4()}"
    worker_heartbeat.apply_async(args=[token], queue=QUEUE)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if WorkerHeartbeat.objects.filter(token=token).exists():
            WorkerHeartbeat.objects.filter(token=token).delete()
            return
        time.sleep(0.1)
    raise SystemExit("the bench's worker did not answer")


def end_to_end(size: int) -> tuple[float, float, float, int]:
    """Seconds to extract the document here (the mean of once before and once after), seconds
    until the API answers 202, seconds until its suggestions are visible through the API, and
    how many, for a document of ``size``."""
    from rest_framework.test import APIClient

    from claims.services.tokens import api_token_create
    from claims.services.users import user_create

    body = repeat_to(news_text(), size)
    began = time.perf_counter()
    extract_claims(body)
    extract = time.perf_counter() - began
    user = user_create(username=f"bench-{uuid.uuid4().hex[:8]}", role="reviewer")
    _, key = api_token_create(user=user, name="bench")
    client = APIClient(SERVER_NAME="127.0.0.1")
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    article_id = None
    try:
        # A web worker that has served requests before: the first one of a process imports the
        # API's modules and builds its URL resolver (a short article, stored in the request).
        warm = client.post(
            "/api/v1/articles/", {"title": "Warm-up", "body": "It rose 5%."}, format="json",
            secure=True,
        )  # fmt: skip
        Article.objects.filter(pk=warm.json()["id"]).delete()
        began = time.perf_counter()
        response = client.post(
            "/api/v1/articles/", {"title": "Ingest bench", "body": body}, format="json",
            secure=True,
        )  # fmt: skip
        accepted = time.perf_counter() - began
        if response.status_code != 202:
            raise SystemExit(f"expected 202, got {response.status_code}: {response.content[:300]}")
        article_id = response.json()["id"]
        while True:
            state = client.get(f"/api/v1/articles/{article_id}/", secure=True).json()[
                "ingest_status"
            ]
            if state == "ready":
                count = client.get(f"/api/v1/claims/?article={article_id}", secure=True).json()[
                    "count"
                ]
                if count:
                    ready = time.perf_counter() - began
                    again = time.perf_counter()
                    extract_claims(body)  # the machine is shared: its load then too
                    extract = (extract + time.perf_counter() - again) / 2
                    return extract, accepted, ready, count
            elif state != "extracting":
                raise SystemExit(f"the article ended {state}")
            if time.perf_counter() - began > 300:
                raise SystemExit("no suggestions after 300 s")
            time.sleep(0.05)
    finally:
        if article_id is not None:
            Article.objects.filter(pk=article_id).delete()
        user.delete()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,100,1000", help="sizes in KB (1,000 characters)")
    parser.add_argument("--runs", type=int, default=3, help="runs per size (medians shown)")
    parser.add_argument(
        "--end-to-end", type=float, default=1000, help="KB through the worker (0: skip)"
    )
    parser.add_argument(
        "--end-to-end-runs", type=int, default=3, help="documents sent through the worker"
    )
    args = parser.parse_args()
    extract_claims("The model loads before anything is timed.")
    print(f"{'size':>8} {'claims':>7} {'extract s':>10} {'+store s':>9} {'store s':>8} "
          f"{'store/extract':>14} {'extract ms/KB':>14} {'store ms/KB':>12}")  # fmt: skip
    for kb in (float(s) for s in args.sizes.split(",")):
        size = int(kb * 1000)
        runs = [one(size) for _ in range(args.runs)]
        extract = median(r[0] for r in runs)
        both = median(r[1] for r in runs)
        store = median(r[1] - r[0] for r in runs)  # what storing adds, run by run
        print(
            f"{kb:>6g}KB {runs[0][2]:>7} {extract:>10.3f} {both:>9.3f} {store:>8.3f} "
            f"{store / extract:>14.2f} {extract * 1000 / kb:>14.3f} {store * 1000 / kb:>12.3f}",
            flush=True,
        )
    if not args.end_to_end:
        return
    worker = start_worker()
    try:
        wait_until_consuming()
        size = int(args.end_to_end * 1000)
        print(f"\nend to end, {args.end_to_end:g} KB through the API and a prefork worker "
              f"(target: visible within 3x its extraction):")  # fmt: skip
        ratios = []
        for _ in range(args.end_to_end_runs):
            extract, accepted, ready, count = end_to_end(size)
            ratios.append(ready / extract)
            print(
                f"  202 in {accepted:.2f} s; {count} suggestions visible through the API after"
                f" {ready:.2f} s = {ready / extract:.2f}x its extraction ({extract:.2f} s)",
                flush=True,
            )
        print(f"  median {median(ratios):.2f}x, worst {max(ratios):.2f}x", flush=True)
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


if __name__ == "__main__":
    main()

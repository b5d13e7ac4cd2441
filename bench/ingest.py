"""Storing an article's suggested claims, beside extracting them: 10 KB, 100 KB and 1 MB documents.

Run: DATABASE_URL=... .venv/bin/python bench/ingest.py [--sizes 10,100,1000] [--runs 1]

Each document is the news dev set and the seed repeated to the size (KB of characters). For each,
"extract" is ``extract_claims`` alone; "store" is the rest of ``article_suggest_claims`` up to and
including its COMMIT (bulk insert, audit triggers, the span check at commit). The target: storing
costs at most twice extracting at 1 MB, and the cost per KB is flat. The articles it creates are
deleted afterwards (their audit events stay: the trail is append-only).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")

import django  # noqa: E402

django.setup()

from django.db import transaction  # noqa: E402
from extraction_adversarial import news_text, repeat_to  # noqa: E402

from claims.extraction import extract_claims  # noqa: E402
from claims.models import Article  # noqa: E402
from claims.services.extraction import article_suggest_claims  # noqa: E402


def one(size: int) -> tuple[float, float, int]:
    """Seconds to extract, seconds to store, claims stored, for a document of ``size`` chars."""
    body = repeat_to(news_text(), size)
    article = Article.objects.create(title=f"Ingest bench {size}", body=body, language="en")
    try:
        began = time.perf_counter()
        extract_claims(body)
        extract = time.perf_counter() - began
        began = time.perf_counter()
        with transaction.atomic():
            claims = article_suggest_claims(article_id=article.pk)
        total = time.perf_counter() - began
        return extract, max(total - extract, 0.0), len(claims)
    finally:
        Article.objects.filter(pk=article.pk).delete()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,100,1000", help="sizes in KB (1,000 characters)")
    parser.add_argument("--runs", type=int, default=1, help="runs per size (the best is shown)")
    args = parser.parse_args()
    extract_claims("The model loads before anything is timed.")
    print(f"{'size':>8} {'claims':>7} {'extract s':>10} {'store s':>9} {'ratio':>6} "
          f"{'extract ms/KB':>14} {'store ms/KB':>12}")  # fmt: skip
    for kb in (float(s) for s in args.sizes.split(",")):
        size = int(kb * 1000)
        runs = [one(size) for _ in range(args.runs)]
        extract = min(r[0] for r in runs)
        store = min(r[1] for r in runs)
        n = runs[0][2]
        print(
            f"{kb:>6g}KB {n:>7} {extract:>10.3f} {store:>9.3f} {store / extract:>6.2f} "
            f"{extract * 1000 / kb:>14.3f} {store * 1000 / kb:>12.3f}",
            flush=True,
        )


if __name__ == "__main__":
    main()

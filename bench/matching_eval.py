"""Claim matching quality on CheckThat! 2022 Task 2A (English) and on our news paraphrase set.

    DATABASE_URL=... .venv/bin/python bench/matching_eval.py                 # train and dev
    DATABASE_URL=... .venv/bin/python bench/matching_eval.py --tune          # grid on train/dev,
                                                                              # fit, write model.json
    DATABASE_URL=... .venv/bin/python bench/matching_eval.py --splits devtest test   # hold-out: once

The 14,231 fact-checks are imported (as ClaimReview, bench/claimreview_convert.py) into the
database named by DATABASE_URL when they are not there yet; the queries then run through the
same selector the API uses. Tuning reads train and dev only; devtest and test are for the final
report. MAP@5 is the task's official measure.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")

import django

django.setup()

from bench.claimreview_convert import DATA, claimreview, vclaim_url  # noqa: E402
from claims.matching import rank  # noqa: E402
from claims.models import ClaimReview  # noqa: E402
from claims.selectors_matching import MatchQuery, match_candidates  # noqa: E402
from claims.services.claimreviews import claimreview_import_trusted  # noqa: E402

NEWS = Path(__file__).resolve().parent / "data" / "claim_matching_news.json"


def load_split(name: str) -> list[dict]:
    with (DATA / f"{name}.jsonl").open() as f:
        return [json.loads(line) for line in f]


def ensure_imported() -> dict[int, str]:
    """The vclaims in the database (imported when missing); returns row id -> vclaim id."""
    with (DATA / "vclaims.jsonl").open() as f:
        rows = [json.loads(line) for line in f]
    urls = {vclaim_url(r["vclaim_id"]): r["vclaim_id"] for r in rows}
    have = dict(ClaimReview.objects.filter(url__in=urls).values_list("url", "id"))
    if len(have) < len(urls):
        started = time.perf_counter()
        data = "\n".join(json.dumps(claimreview(r)) for r in rows)
        report = claimreview_import_trusted(data=data)
        print(
            f"imported {report.created} new, {report.updated} updated in "
            f"{time.perf_counter() - started:.1f} s",
            file=sys.stderr,
        )
        have = dict(ClaimReview.objects.filter(url__in=urls).values_list("url", "id"))
    return {pk: urls[url] for url, pk in have.items()}


def average_precision(ranked: list[str], relevant: set[str], k: int = 5) -> float:
    hits, total = 0, 0.0
    for i, doc in enumerate(ranked[:k], start=1):
        if doc in relevant:
            hits += 1
            total += hits / i
    return total / min(len(relevant), k) if relevant else 0.0


def candidates_for(queries: list[dict], **options) -> list[list[rank.Candidate]]:
    return [match_candidates(MatchQuery(text=q["text"], language="en"), **options) for q in queries]


def rescore(cands: list[rank.Candidate], p: rank.Params) -> list[rank.Candidate]:
    if not cands:
        return []
    # The idfs and corpus are what the selector used; recompute BM25 with other parameters.
    idfs, corpus = cands[0].extra["idfs"], cands[0].extra["corpus"]
    rank.features(cands, idfs=idfs, corpus=corpus, query_vector=None, p=p)
    return rank.score(cands, p)


def measure(queries, all_cands, ids: dict[int, str], p: rank.Params) -> dict[str, float]:
    ap5 = ap1 = rr = r5 = r_all = 0.0
    for q, cands in zip(queries, all_cands, strict=True):
        ranked = [ids.get(c.key[1], "") for c in rescore(cands, p) if c.key[0] == "claimreview"]
        rel = set(q["relevant"])
        ap5 += average_precision(ranked, rel, 5)
        ap1 += average_precision(ranked, rel, 1)
        first = next((i for i, d in enumerate(ranked, start=1) if d in rel), None)
        rr += 1 / first if first else 0.0
        r5 += len(rel & set(ranked[:5])) / len(rel)
        r_all += len(rel & set(ranked)) / len(rel)
    n = len(queries)
    return {
        "MAP@5": ap5 / n,
        "MAP@1": ap1 / n,
        "MRR": rr / n,
        "R@5": r5 / n,
        "R@cand": r_all / n,
    }


def fit(train_q, train_c, dev_q, dev_c, ids, p: rank.Params) -> rank.Params:
    """Logistic regression on the features (train), threshold on dev: the highest precision
    threshold whose same_claim answers are right at least 95% of the time on dev."""
    from sklearn.linear_model import LogisticRegression

    xs, ys = [], []
    for q, cands in zip(train_q, train_c, strict=True):
        rel = set(q["relevant"])
        for c in rescore(cands, p)[:30]:
            xs.append(c.features)
            ys.append(1 if ids.get(c.key[1]) in rel else 0)
    model = LogisticRegression(C=10.0, max_iter=1000).fit(xs, ys)
    p = replace(
        p,
        coef=tuple(round(float(w), 4) for w in model.coef_[0]),
        intercept=round(float(model.intercept_[0]), 4),
    )
    scored = []
    for q, cands in zip(dev_q, dev_c, strict=True):
        ranked = rescore(cands, p)
        if ranked:
            scored.append((ranked[0].score, ids.get(ranked[0].key[1]) in set(q["relevant"])))
    best = 0.5
    for t in sorted({round(s, 3) for s, _ in scored}):
        above = [ok for s, ok in scored if s >= t]
        if above and sum(above) / len(above) >= 0.95:
            best = t
            break
    return replace(p, threshold=best)


def print_row(name: str, m: dict[str, float]) -> None:
    print(f"{name:10s} " + "  ".join(f"{k} {v:.4f}" for k, v in m.items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--splits", nargs="+", default=["train", "dev"])
    parser.add_argument("--budget", type=int, default=None, help="first-stage match budget")
    parser.add_argument("--candidates", type=int, default=None, help="first-stage hits kept")
    parser.add_argument("--tune", action="store_true", help="grid on train/dev; write model.json")
    args = parser.parse_args()
    if args.tune and set(args.splits) - {"train", "dev"}:
        parser.error("tuning reads train and dev only")
    ids = ensure_imported()
    p = rank.params()
    splits = ["train", "dev"] if args.tune else args.splits
    queries = {s: load_split(s) for s in splits}
    started = time.perf_counter()
    options = {k: v for k, v in (("budget", args.budget), ("candidates", args.candidates)) if v}
    cands = {s: candidates_for(queries[s], **options) for s in splits}
    n = sum(len(q) for q in queries.values())
    print(f"{n} queries in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    if args.tune:
        grid = []
        for k1, b, wb, wc in itertools.product(
            [0.9, 1.2, 1.6], [0.5, 0.75], [0.5, 0.8, 1.0], [0.2, 0.5, 0.8]
        ):
            trial = replace(p, k1=k1, b=b, weights=(1.0, wb, wc))
            trial = fit(queries["train"], cands["train"], queries["dev"], cands["dev"], ids, trial)
            m_train = measure(queries["train"], cands["train"], ids, trial)
            m_dev = measure(queries["dev"], cands["dev"], ids, trial)
            grid.append((m_train["MAP@5"] + m_dev["MAP@5"], trial, m_train, m_dev))
            print(
                f"k1={k1} b={b} w=(1,{wb},{wc}) train {m_train['MAP@5']:.4f} "
                f"dev {m_dev['MAP@5']:.4f}",
                file=sys.stderr,
            )
        grid.sort(key=lambda g: -g[0])
        _, best, m_train, m_dev = grid[0]
        rank.MODEL_PATH.write_text(json.dumps(best.as_json()) + "\n")
        print("chosen:", json.dumps(best.as_json()))
        p = best
    for s in splits:
        print_row(s, measure(queries[s], cands[s], ids, p))


if __name__ == "__main__":
    main()

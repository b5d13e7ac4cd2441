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
from claims.selectors_matching import MatchQuery, match_candidates, match_text  # noqa: E402
from claims.services.claimreviews import claimreview_import_trusted  # noqa: E402

NEWS = {
    "news": Path(__file__).resolve().parent / "data" / "claim_matching_news.json",
    "holdout": Path(__file__).resolve().parent / "data" / "claim_matching_news_holdout.json",
}


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
    query_lexemes = set(idfs)
    rank.claim_coverage(cands, query_lexemes=query_lexemes, corpus=corpus)
    return rank.score(rank.rank(cands, p), p)


def measure(queries, all_cands, ids: dict[int, str], p: rank.Params) -> dict[str, float]:
    ap5 = ap1 = rr = r5 = r_all = 0.0
    said = said_right = neg_said = 0
    for q, cands in zip(queries, all_cands, strict=True):
        scored = [c for c in rescore(cands, p) if c.key[0] == "claimreview"]
        ranked = [ids.get(c.key[1], "") for c in scored]
        rel = set(q["relevant"])
        if scored and scored[0].score >= p.threshold:
            said += 1
            said_right += ranked[0] in rel
        wrong = never_checked(cands, rel, ids, p)[:1]
        neg_said += bool(wrong and wrong[0].score >= p.threshold)
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
        # same_claim: share of queries marked, precision of the marks, and how often the top
        # answer would be marked had the claim never been checked
        "SC-rate": said / n,
        "SC-prec": said_right / said if said else 0.0,
        "SC-neg": neg_said / n,
    }


def never_checked(cands, rel: set[str], ids, p: rank.Params) -> list[rank.Candidate]:
    """The candidates as they would rank had the claim never been checked: its fact-checks
    taken out and the rest scored again (relative BM25 is relative to the new best)."""
    return rescore([c for c in cands if ids.get(c.key[1]) not in rel], p)


def same_claim_model(train_q, train_c, dev_q, dev_c, ids, p: rank.Params) -> rank.Params:
    """The same-claim score: logistic regression on train, positives the relevant candidates and
    negatives the first five of each query as if its claim had never been checked (the near
    misses a newsroom meets with a new claim). Then the threshold on dev: the lowest at which at
    least 97% of the answers marked same_claim are right, counting for each query its top answer
    and its top answer had the claim never been checked."""
    from sklearn.linear_model import LogisticRegression

    xs, ys = [], []
    for q, cands in zip(train_q, train_c, strict=True):
        rel = set(q["relevant"])
        for c in rescore(cands, p)[:30]:
            if ids.get(c.key[1]) in rel:
                xs.append(c.features)
                ys.append(1)
        for c in never_checked(cands, rel, ids, p)[:5]:
            xs.append(c.features)
            ys.append(0)
    model = LogisticRegression(C=10.0, max_iter=2000).fit(xs, ys)
    p = replace(
        p,
        same_coef=tuple(round(float(w), 4) for w in model.coef_[0]),
        same_intercept=round(float(model.intercept_[0]), 4),
    )
    points = []
    for q, cands in zip(dev_q, dev_c, strict=True):
        rel = set(q["relevant"])
        ranked = rescore(cands, p)
        if ranked:
            points.append((ranked[0].score, ids.get(ranked[0].key[1]) in rel))
        wrong = never_checked(cands, rel, ids, p)[:1]
        if wrong:
            points.append((wrong[0].score, False))
    best = 0.99
    for t in sorted({round(s, 3) for s, _ in points}):
        above = [ok for s, ok in points if s >= t]
        if above and sum(above) / len(above) >= 0.97:
            best = t
            break
    return replace(p, threshold=best)


def tune(queries, cands, ids, p: rank.Params, *, bm25: bool) -> rank.Params:
    """Coordinate search on train + dev MAP@5: BM25's parameters (with --tune-bm25), then the
    ranking's feature weights; then the same-claim model."""

    def total(trial):
        return sum(measure(queries[s], cands[s], ids, trial)["MAP@5"] for s in ("train", "dev"))

    if bm25:
        p = replace(p, coef=(0.35, 1.0, 0.5, 0.0, 0.0))
        trials = [
            replace(p, k1=k1, b=b, weights=(1.0, wb, wc))
            for k1, b, wb, wc in itertools.product(
                [0.9, 1.2, 1.6], [0.5, 0.75, 0.9], [0.3, 0.6, 1.0], [0.2, 0.5, 0.8]
            )
        ]
        p = max(trials, key=total)
        print(f"BM25: k1={p.k1} b={p.b} weights={p.weights}", file=sys.stderr)
    trials = [
        replace(p, coef=(rel, 1.0, cov, qcov, dcov))
        for rel, cov, qcov, dcov in itertools.product(
            [0.2, 0.35, 0.5], [0.25, 0.5], [0.0, 0.25, 0.5], [0.0, 0.25, 0.5]
        )
    ]
    p = max(trials, key=total)
    print(f"ranking: {p.coef}", file=sys.stderr)
    return same_claim_model(queries["train"], cands["train"], queries["dev"], cands["dev"], ids, p)


def tune_veto(queries, cands, ids, p: rank.Params) -> rank.Params:
    """The number veto and the claim-said gate, on dev alone: each query's top answer marked same_claim counts +1 when
    right and -3 when wrong, and so does its top answer had the claim never been checked (always
    wrong when marked): a false "checked before" costs a desk more than a missed one."""

    def gain(trial: rank.Params) -> tuple[float, dict]:
        m = measure(queries, cands, ids, trial)
        n = len(queries)
        right = m["SC-rate"] * m["SC-prec"] * n
        wrong = m["SC-rate"] * (1 - m["SC-prec"]) * n + m["SC-neg"] * n
        return right - 3 * wrong, m

    best, best_gain = p, None
    for veto, gate in itertools.product((1.0, 0.5, 0.0), (0.0, 0.2, 0.3, 0.4, 0.5, 0.6)):
        if veto == 1.0 and gate:
            continue  # no veto: the gate does nothing
        trial = replace(p, number_veto=veto, min_claim_said=gate)
        value, m = gain(trial)
        print(
            f"number_veto {veto} min_claim_said {gate}: gain {value:.1f}"
            f"  SC-rate {m['SC-rate']:.4f}"
            f"  SC-prec {m['SC-prec']:.4f}  SC-neg {m['SC-neg']:.4f}",
            file=sys.stderr,
        )
        if best_gain is None or value > best_gain + 1e-9:
            best, best_gain = trial, value
    return best


def news_check(name: str) -> None:
    """Our own paraphrase set: the right fact-check first, and same_claim never for unrelated
    claims. Its fact-checks are imported beside the 14,231 for the run and removed after."""
    data = json.loads(NEWS[name].read_text())
    items = [
        {
            "@type": "ClaimReview",
            "url": f"https://newsdesk.invalid/{fc['key']}",
            "claimReviewed": fc["claim"],
            "name": fc["title"],
            "author": {"@type": "Organization", "name": "Newsdesk"},
            "reviewRating": {"@type": "Rating", "alternateName": fc["rating"]},
            "inLanguage": "en",
        }
        for fc in data["fact_checks"]
    ]
    claimreview_import_trusted(data=json.dumps(items))
    try:
        right = same = 0
        misses = []
        for para in data["paraphrases"]:
            results = match_text(MatchQuery(text=para["text"], language="en"))
            want = f"https://newsdesk.invalid/{para['key']}"
            if results and results[0]["url"] == want:
                right += 1
                same += results[0]["same_claim"]
            else:
                misses.append(para["text"])
        false_same = []
        for text in data["unrelated"]:
            results = match_text(MatchQuery(text=text, language="en"))
            if any(r["same_claim"] for r in results):
                false_same.append((text, results[0]["claim_reviewed"], results[0]["score"]))
        n, u = len(data["paraphrases"]), len(data["unrelated"])
        print(
            f"{name:10s} paraphrases right first {right}/{n} ({right / n:.1%}), "
            f"same_claim on {same}/{n}; unrelated marked same_claim {len(false_same)}/{u}"
        )
        for text in misses:
            print(f"  missed: {text}")
        for text, top, score in false_same:
            print(f"  unrelated marked same: {text} -> {top} ({score})")
    finally:
        ClaimReview.objects.filter(url__startswith="https://newsdesk.invalid/").delete()


def print_row(name: str, m: dict[str, float]) -> None:
    print(f"{name:10s} " + "  ".join(f"{k} {v:.4f}" for k, v in m.items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--splits", nargs="+", default=["train", "dev"])
    parser.add_argument("--budget", type=int, default=None, help="first-stage match budget")
    parser.add_argument("--candidates", type=int, default=None, help="first-stage hits kept")
    parser.add_argument("--news", action="store_true", help="our news paraphrase set only")
    parser.add_argument(
        "--tune-veto",
        action="store_true",
        help="choose the number veto on dev alone (the rest of model.json kept)",
    )
    parser.add_argument("--tune", action="store_true", help="grid on train/dev; write model.json")
    parser.add_argument("--tune-bm25", action="store_true", help="with --tune: BM25's grid too")
    parser.add_argument(
        "--tune-same", action="store_true", help="only the same-claim model (train/dev)"
    )
    args = parser.parse_args()
    args.tune = args.tune or args.tune_same
    if args.tune_veto:
        args.splits = ["dev"]
    if args.tune and set(args.splits) - {"train", "dev"}:
        parser.error("tuning reads train and dev only")
    ids = ensure_imported()
    if args.news:
        for name in NEWS:
            news_check(name)
        return
    p = rank.params()
    splits = ["train", "dev"] if args.tune else args.splits
    queries = {s: load_split(s) for s in splits}
    started = time.perf_counter()
    options = {k: v for k, v in (("budget", args.budget), ("candidates", args.candidates)) if v}
    cands = {s: candidates_for(queries[s], **options) for s in splits}
    n = sum(len(q) for q in queries.values())
    print(f"{n} queries in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    if args.tune_veto:
        p = tune_veto(queries["dev"], cands["dev"], ids, p)
        rank.MODEL_PATH.write_text(json.dumps(p.as_json()) + "\n")
        print("chosen:", json.dumps(p.as_json()))
    elif args.tune:
        if args.tune_same:
            p = same_claim_model(
                queries["train"], cands["train"], queries["dev"], cands["dev"], ids, p
            )
        else:
            p = tune(queries, cands, ids, p, bm25=args.tune_bm25)
        rank.MODEL_PATH.write_text(json.dumps(p.as_json()) + "\n")
        print("chosen:", json.dumps(p.as_json()))
    for s in splits:
        print_row(s, measure(queries[s], cands[s], ids, p))


if __name__ == "__main__":
    main()

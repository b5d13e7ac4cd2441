"""Choose the transcript mode's weights on the ClaimBuster dev sample (never on the test sets).

Usage: python bench/transcript_tune.py [--jobs 2]

Each candidate mode scores every dev-sample row once; a row is suggested at threshold t when one of
its pieces is not rejected outright and scores t or more, so all thresholds come from one pass.
Prints the best candidates by dev F1, then 5-fold cross-validation of the choice itself: the
weights and threshold are picked on four folds of the dev sample and scored on the fifth.
The shipped learned model was trained on the training file, so its rows would score in-sample:
the training file is not used to pick these weights.
"""

from __future__ import annotations

import argparse
import itertools
import random
import sys
from dataclasses import replace
from multiprocessing import Pool
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from extraction_eval import DATA, prf, read_csv  # noqa: E402

from claims.extraction import NEWS, TRANSCRIPT  # noqa: E402
from claims.extraction.core import _iter_pieces  # noqa: E402

THRESHOLDS = [x / 100 for x in range(25, 71, 5)]
# The weights around the shipped ones; each candidate uses TRANSCRIPT's learned model.
GRID = {
    "model_weight": [1.0, 1.5, 2.0, 3.0, 4.0],
    "rule_scale": [0.5, 0.35, 0.2],
    "w_opinion": [-1.6, -0.8],
    "w_prediction": [-1.3, -0.6],
    "w_first_person": [0.0, -0.4],
}
ROWS: list[tuple[str, str, int]] = []


def candidates():
    keys = list(GRID)
    for values in itertools.product(*GRID.values()):
        yield replace(TRANSCRIPT, **dict(zip(keys, values, strict=True)))


def row_scores(mode) -> list[float]:
    """Each row's best score among its pieces that no rule rejects outright (-1 when none)."""
    out = []
    for _, text, _ in ROWS:
        best = -1.0
        for _s, _e, _p, (fields, reasons, _n, hard, _soft) in _iter_pieces(text, None, mode):
            if not hard and reasons and fields["checkworthiness"] > best:
                best = fields["checkworthiness"]
        out.append(best)
    return out


def f1_at(scores, labels, idx, th) -> float:
    tp = fp = fn = 0
    for i in idx:
        pred = scores[i] >= th
        tp += pred and labels[i]
        fp += pred and not labels[i]
        fn += labels[i] and not pred
    return prf(tp, fp, fn)[2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    ROWS.extend(read_csv(DATA / "claimbuster_crowdsourced_sample3000.csv"))
    labels = [label for _, _, label in ROWS]
    modes = [NEWS, TRANSCRIPT, *candidates()]
    with Pool(args.jobs) as pool:
        all_scores = pool.map(row_scores, modes)
    everything = range(len(ROWS))
    results = []
    for mode, scores in zip(modes, all_scores, strict=True):
        for th in THRESHOLDS:
            results.append((f1_at(scores, labels, everything, th), th, mode, scores))
    news = max(r for r in results if r[2] is NEWS)
    print(f"news mode, best threshold on dev: F1={news[0]:.3f} at {news[1]:.2f}")
    print(f"news mode as shipped (0.40): F1={f1_at(all_scores[0], labels, everything, 0.4):.3f}")
    shipped = f1_at(all_scores[1], labels, everything, TRANSCRIPT.threshold)
    print(f"transcript mode as shipped ({TRANSCRIPT.threshold:.2f}): F1={shipped:.3f}")
    ranked = sorted((r for r in results if r[2] is not NEWS), key=lambda r: -r[0])
    for f, th, mode, _ in ranked[:8]:
        knobs = {k: getattr(mode, k) for k in GRID}
        print(f"dev F1={f:.3f} threshold={th:.2f} {knobs}")
    # Cross-validation of the selection: pick on four folds, score on the fifth.
    order = list(everything)
    random.Random(18).shuffle(order)
    folds = [order[i::5] for i in range(5)]
    held = []
    for k in range(5):
        fit = [i for j, fold in enumerate(folds) if j != k for i in fold]
        best = max(
            (
                (f1_at(s, labels, fit, th), th, m, s)
                for m, s in zip(modes[1:], all_scores[1:], strict=True)
                for th in THRESHOLDS
            ),
            key=lambda r: r[0],
        )
        held.append(f1_at(best[3], labels, folds[k], best[1]))
        news_held = f1_at(all_scores[0], labels, folds[k], 0.4)
        print(
            f"fold {k}: chosen on 4 folds F1={best[0]:.3f}; held-out fold F1={held[-1]:.3f} "
            f"(news mode {news_held:.3f})"
        )
    print(f"cross-validated F1 of the selection: {sum(held) / 5:.3f}")


if __name__ == "__main__":
    main()

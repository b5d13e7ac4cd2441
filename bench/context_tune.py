"""Choose the transcript mode's context weights on the ClaimBuster dev sample (never on test sets).

Usage: python bench/context_tune.py

A transcript sentence is scored with its neighbour: ``Mode.w_context`` times the learned model's
logit of the sentence before (centred on the model's mean logit), and ``Mode.w_answer`` when the
sentence before is a question. The ClaimBuster rows are sentences of debates numbered in order, so
row ``n - 1`` is the sentence before row ``n`` when it is in the training file or the dev sample.
The neighbours' logits must be what the model gives unseen text: a training row's logit comes from
a model fitted on the other four folds of the training file (out of fold), a dev row's from the
shipped transcript model (which never saw it). Each dev row's own score is its transcript-mode score without
context. Prints the grid's best cells by dev F1 and average precision, then 5-fold
cross-validation of the choice itself (picked on four folds of the dev sample, scored on the fifth).
Needs scikit-learn (dev venv).
"""

from __future__ import annotations

import csv
import math
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from train_scorer import (  # noqa: E402
    DEFAULT_DEV,
    DEFAULT_TRAIN,
    train_transcript,
    transcript_decision,
)

from claims.extraction import TRANSCRIPT  # noqa: E402
from claims.extraction.core import _QUESTION_END, _iter_pieces  # noqa: E402
from claims.extraction.scorer import load_model  # noqa: E402

THRESHOLDS = [x / 100 for x in range(25, 71, 5)]
W_CONTEXT = [0.0, 0.05, 0.1, 0.2, 0.3]
W_ANSWER = [-0.5, -0.25, 0.0, 0.25, 0.5]


def read_rows(path: Path) -> list[tuple[int, str, int]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return [(int(r["id"][3:]), r["text"], int(r["label"])) for r in csv.DictReader(fh)]


def out_of_fold_logits(rows: list[tuple[int, str, int]], k: int = 5) -> dict[int, float]:
    """Each training row's logit from a model fitted on the other folds (the transcript model's recipe)."""
    import tempfile

    order = list(range(len(rows)))
    random.Random(18).shuffle(order)
    folds = [order[i::k] for i in range(k)]
    out: dict[int, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for j, fold in enumerate(folds):
            held = set(fold)
            path = Path(tmp) / f"fold{j}.csv"
            with path.open("w", encoding="utf-8", newline="") as fh:
                w = csv.writer(fh)
                w.writerow(["id", "text", "label"])
                w.writerows((f"cb-{i}", t, y) for n, (i, t, y) in enumerate(rows) if n not in held)
            words, chars, clf = train_transcript(path)
            scores = transcript_decision(words, chars, clf, [rows[n][1] for n in fold])
            out.update({rows[n][0]: float(s) for n, s in zip(fold, scores, strict=True)})
    return out


def own_logit(text: str) -> float | None:
    """The row's best transcript-mode logit among pieces no rule rejects outright (None if none)."""
    best = None
    for _s, _e, _p, (fields, reasons, _n, hard, _soft) in _iter_pieces(text, None, TRANSCRIPT):
        if not hard and reasons:
            p = min(max(fields["checkworthiness"], 1e-6), 1 - 1e-6)
            lg = math.log(p / (1 - p))
            best = lg if best is None else max(best, lg)
    return best


def f1(scores, labels, idx, th) -> float:
    tp = fp = fn = 0
    for i in idx:
        pred = scores[i] >= th
        tp += pred and labels[i]
        fp += pred and not labels[i]
        fn += labels[i] and not pred
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def average_precision(scores, labels) -> float:
    order = sorted(range(len(scores)), key=lambda i: -scores[i])
    hits = total = 0
    for rank, i in enumerate(order, 1):
        if labels[i]:
            hits += 1
            total += hits / rank
    return total / max(hits, 1)


def main() -> None:
    train_rows, dev_rows = read_rows(DEFAULT_TRAIN), read_rows(DEFAULT_DEV)
    text = {i: t for i, t, _ in train_rows + dev_rows}
    model = load_model(TRANSCRIPT.model)
    logits = out_of_fold_logits(train_rows)
    logits.update({i: model.logit(t) for i, t, _ in dev_rows})
    mean = sum(logits.values()) / len(logits)
    labels = [y for _, _, y in dev_rows]
    own = [own_logit(t) for _, t, _ in dev_rows]
    print(
        f"dev rows {len(dev_rows)}, with the sentence before known: "
        f"{sum(i - 1 in text for i, _, _ in dev_rows)}; mean logit {mean:.3f}"
    )

    def scores(wc: float, wa: float) -> list[float]:
        out = []
        for (i, _, _), lg in zip(dev_rows, own, strict=True):
            if lg is None:
                out.append(0.0)
                continue
            before = text.get(i - 1)
            lg += wc * (logits.get(i - 1, mean) - mean)
            if before is not None and _QUESTION_END.search(before.rstrip()):
                lg += wa
            out.append(1 / (1 + math.exp(-lg)))
        return out

    cells = [(wc, wa, scores(wc, wa)) for wc in W_CONTEXT for wa in W_ANSWER]
    everything = range(len(dev_rows))
    table = [
        (f1(s, labels, everything, th), th, wc, wa, s) for wc, wa, s in cells for th in THRESHOLDS
    ]
    base = max(r for r in table if r[2] == 0.0 and r[3] == 0.0)
    shipped = f1(cells[W_ANSWER.index(0.0)][2], labels, everything, TRANSCRIPT.threshold)
    print(
        f"no context: dev F1 {shipped:.3f} at {TRANSCRIPT.threshold}, best {base[0]:.3f} "
        f"at {base[1]:.2f}; AP {average_precision(base[4], labels):.3f}"
    )
    for f, th, wc, wa, s in sorted(table, key=lambda r: -r[0])[:8]:
        print(
            f"dev F1={f:.3f} threshold={th:.2f} w_context={wc} w_answer={wa} "
            f"AP={average_precision(s, labels):.3f}"
        )
    order = list(everything)
    random.Random(18).shuffle(order)
    folds = [order[i::5] for i in range(5)]
    held = held_base = 0.0
    for k in range(5):
        fit = [i for j, fold in enumerate(folds) if j != k for i in fold]
        pick = max(
            ((f1(s, labels, fit, th), th, s) for _, th, _, _, s in table), key=lambda r: r[0]
        )
        pick0 = max(
            ((f1(s, labels, fit, th), th, s) for _, th, wc, wa, s in table if wc == wa == 0.0),
            key=lambda r: r[0],
        )
        held += f1(pick[2], labels, folds[k], pick[1]) / 5
        held_base += f1(pick0[2], labels, folds[k], pick0[1]) / 5
    print(f"cross-validated F1 of the choice: with context {held:.3f}, without {held_base:.3f}")


if __name__ == "__main__":
    main()

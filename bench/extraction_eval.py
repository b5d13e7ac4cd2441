"""Evaluate claim extraction: the news dev set and the public check-worthiness sets.

Usage: python bench/extraction_eval.py [--data DIR] [--errors] [--tune]

Prints precision, recall and F1 for each set at the shipped threshold, and MAP on CLEF 2019.
``--tune`` sweeps the threshold on the dev sets only (news dev set, ClaimBuster dev sample).
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from claims.extraction import THRESHOLD, analyse  # noqa: E402
from claims.extraction.scorer import load_model, sigmoid  # noqa: E402

NEWS_DIR = ROOT / "bench" / "data" / "news_dev"
HOLDOUT_DIR = ROOT / "bench" / "data" / "news_holdout"
# ../shared/data/checkworthiness next to the repository (a worktree sits one level deeper)
DATA = next(
    (
        base / "shared" / "data" / "checkworthiness"
        for base in (ROOT.parent, ROOT.parent.parent)
        if (base / "shared" / "data" / "checkworthiness").is_dir()
    ),
    ROOT.parent / "shared" / "data" / "checkworthiness",
)
UNSCORABLE = {"boilerplate", "question", "headline"}


@dataclass
class Labelled:
    start: int
    end: int
    label: str  # "Y", "N", "?"
    text: str


def read_article(path: Path) -> tuple[str, list[Labelled], dict[str, str]]:
    """Rebuild an article's text from its labelled lines; return text, sentences, header."""
    header: dict[str, str] = {}
    paragraphs: list[list[tuple[str, str]]] = [[]]
    for raw in path.read_text(encoding="utf-8").splitlines():
        if raw.startswith("#"):
            key, _, value = raw[1:].partition(":")
            header[key.strip()] = value.strip()
        elif not raw.strip():
            if paragraphs[-1]:
                paragraphs.append([])
        else:
            label, _, sentence = raw.partition("|")
            paragraphs[-1].append((label.strip(), sentence.strip()))
    sep = "\r\n\r\n" if header.get("newline") == "crlf" else "\n\n"
    text = ""
    labelled: list[Labelled] = []
    for para in (p for p in paragraphs if p):
        if text:
            text += sep
        for i, (label, sentence) in enumerate(para):
            if i:
                text += " "
            labelled.append(Labelled(len(text), len(text) + len(sentence), label, sentence))
            text += sentence
    return text, labelled, header


def _overlaps(a0: int, a1: int, b0: int, b1: int) -> bool:
    inter = min(a1, b1) - max(a0, b0)
    return inter > 0 and (inter * 2 > a1 - a0 or inter * 2 > b1 - b0)


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def news_counts(
    threshold: float, errors: bool = False, directory: Path = NEWS_DIR
) -> tuple[int, int, int]:
    tp = fp = fn = 0
    for path in sorted(directory.glob("*.txt")):
        text, labelled, _ = read_article(path)
        segs = analyse(text, threshold=threshold)
        for item in labelled:
            if item.label == "?":
                continue
            hits = [
                s for s in segs if s.suggested and _overlaps(item.start, item.end, s.start, s.end)
            ]
            pred = bool(hits)
            gold = item.label == "Y"
            tp += pred and gold
            fp += pred and not gold
            fn += gold and not pred
            if errors and pred != gold:
                kind = "FP" if pred else "FN"
                near = [s for s in segs if _overlaps(item.start, item.end, s.start, s.end)]
                why = near[0].reasons[0] if near else "no segment"
                score = max((s.checkworthiness for s in near), default=0)
                print(f"  {kind} {path.name[:12]} {score:.2f} {item.text[:90]!r} :: {why}")
    return tp, fp, fn


def read_csv(path: Path) -> list[tuple[str, str, int]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return [(r["id"], r["text"], int(r["label"])) for r in csv.DictReader(fh)]


def row_decision(text: str, threshold: float) -> tuple[bool, float]:
    """A dataset row is one sentence: suggested if any of its clauses is; ranked by its best score."""
    segs = analyse(text, threshold=threshold)
    pred = any(s.suggested for s in segs)
    scores = [s.checkworthiness for s in segs if s.rejected_as not in UNSCORABLE]
    return pred, max(scores, default=0.0)


def csv_scores(path: Path, threshold: float) -> list[tuple[str, int, bool, float]]:
    out = []
    for rid, text, label in read_csv(path):
        pred, score = row_decision(text, threshold)
        out.append((rid, label, pred, score))
    return out


def f1_of(rows) -> tuple[float, float, float]:
    tp = fp = fn = 0
    for _, label, pred, _score in rows:
        tp += pred and label
        fp += pred and not label
        fn += label and not pred
    return prf(tp, fp, fn)


def mean_average_precision(rows) -> float:
    files: dict[str, list[tuple[int, int, float]]] = defaultdict(list)
    for rid, label, _, score in rows:
        stem, _, line = rid[len("ct19-") :].rpartition("-")
        files[stem].append((int(line), label, score))
    aps = []
    for items in files.values():
        items.sort(key=lambda t: (-t[2], t[0]))
        hits = 0
        total = 0.0
        for rank, (_, label, _) in enumerate(items, 1):
            if label:
                hits += 1
                total += hits / rank
        aps.append(total / hits if hits else 0.0)
    return sum(aps) / len(aps)


def model_only_f1(path: Path) -> float:
    model = load_model()
    tp = fp = fn = 0
    for _, text, label in read_csv(path):
        pred = sigmoid(model.logit(text)) >= 0.5
        tp += pred and label
        fp += pred and not label
        fn += label and not pred
    return prf(tp, fp, fn)[2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--errors", action="store_true", help="list news false positives/negatives")
    parser.add_argument("--tune", action="store_true", help="sweep the threshold on dev sets only")
    args = parser.parse_args()

    if args.tune:
        dev = read_csv(args.data / "claimbuster_crowdsourced_sample3000.csv")
        for th in [x / 100 for x in range(30, 81, 5)]:
            p, r, f = prf(*news_counts(th))
            tp = fp = fn = 0
            for _, text, label in dev:
                pred, _ = row_decision(text, th)
                tp += pred and label
                fp += pred and not label
                fn += label and not pred
            print(
                f"th={th:.2f} news P={p:.3f} R={r:.3f} F1={f:.3f} | cb-dev F1={prf(tp, fp, fn)[2]:.3f}"
            )
        return

    print(f"threshold {THRESHOLD}")
    p, r, f = prf(*news_counts(THRESHOLD, errors=args.errors))
    n_articles = len(list(NEWS_DIR.glob("*.txt")))
    print(
        f"news dev set ({n_articles} articles): P={p:.3f} R={r:.3f} F1={f:.3f}"
        "   (target R>=0.90, P>=0.85)"
    )
    p, r, f = prf(*news_counts(THRESHOLD, errors=args.errors, directory=HOLDOUT_DIR))
    n_holdout = len(list(HOLDOUT_DIR.glob("*.txt")))
    print(
        f"news hold-out set ({n_holdout} articles, never tuned on): P={p:.3f} R={r:.3f} F1={f:.3f}"
    )
    targets = {
        "claimbuster_crowdsourced_sample3000.csv": "dev, tuning",
        "claimbuster_groundtruth.csv": "target F1>=0.85",
        "checkthat2024_en_devtest.csv": "target F1>=0.80",
    }
    for name, note in targets.items():
        rows = csv_scores(args.data / name, THRESHOLD)
        p, r, f = f1_of(rows)
        base = model_only_f1(args.data / name)
        print(
            f"{name}: P={p:.3f} R={r:.3f} F1={f:.3f}   (learned model alone F1={base:.3f}; {note})"
        )
    rows = csv_scores(args.data / "clef2019_task1_test.csv", THRESHOLD)
    p, r, f = f1_of(rows)
    print(
        f"clef2019_task1_test.csv: MAP={mean_average_precision(rows):.3f} over 7 files"
        f"   (2019 winner 0.166); F1={f:.3f} P={p:.3f} R={r:.3f}"
    )


if __name__ == "__main__":
    main()

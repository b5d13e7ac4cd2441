"""Evaluate claim extraction: the news dev set and the public check-worthiness sets.

Usage: python bench/extraction_eval.py [--data DIR] [--errors] [--tune]

Prints precision, recall and F1 for each set at the shipped threshold, and MAP on CLEF 2019, in
news mode and in transcript mode side by side. In transcript mode each CLEF 2019 debate is one
transcript in its line order (a line per paragraph: the file names no speakers); the other sets'
rows are sentences without context, scored one by one.
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

from claims.extraction import NEWS, THRESHOLD, TRANSCRIPT, analyse  # noqa: E402
from claims.extraction.scorer import load_model, sigmoid  # noqa: E402
from claims.extraction.transcript import analyse_transcript, parse  # noqa: E402

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


def row_decision(text: str, threshold: float, mode=NEWS) -> tuple[bool, float]:
    """A dataset row is one sentence: suggested if any of its clauses is; ranked by its best score."""
    segs = analyse(text, threshold=threshold, mode=mode)
    return _row_of(segs)


def _row_of(segs) -> tuple[bool, float]:
    pred = any(s.suggested for s in segs)
    scores = [s.checkworthiness for s in segs if s.rejected_as not in UNSCORABLE]
    return pred, max(scores, default=0.0)


def csv_scores(path: Path, threshold: float, mode=NEWS) -> list[tuple[str, int, bool, float]]:
    out = []
    for rid, text, label in read_csv(path):
        pred, score = row_decision(text, threshold, mode)
        out.append((rid, label, pred, score))
    return out


def debate_scores(path: Path, threshold: float) -> list[tuple[str, int, bool, float]]:
    """CLEF 2019 in transcript mode: each debate file one transcript, its lines in order."""
    debates: dict[str, list[tuple[int, str, str, int]]] = defaultdict(list)
    for rid, text, label in read_csv(path):
        stem, _, line = rid[len("ct19-") :].rpartition("-")
        debates[stem].append((int(line), rid, text, label))
    out = []
    for lines in debates.values():
        lines.sort()
        body, starts = "", []
        for _, _, text, _ in lines:
            starts.append(len(body))
            body += text + "\n\n"
        segs = analyse_transcript(body, parse(body, "plain").as_list(), threshold=threshold)
        by_line: list[list] = [[] for _ in lines]
        k = 0
        for seg in segs:  # in text order, as the lines are
            while k + 1 < len(starts) and starts[k + 1] <= seg.start:
                k += 1
            by_line[k].append(seg)
        for (_, rid, _, label), line_segs in zip(lines, by_line, strict=True):
            out.append((rid, label, *_row_of(line_segs)))
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

    print(f"threshold: news {THRESHOLD}, transcript {TRANSCRIPT.threshold}")
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
        "claimbuster_groundtruth.csv": "target F1>=0.85 news, >=0.88 transcript",
        "checkthat2024_en_devtest.csv": "target F1>=0.80 news, >=0.82 transcript",
    }
    print(f"{'':38} {'news mode':^23} | {'transcript mode':^23}")
    for name, note in targets.items():
        cells = []
        for mode in (NEWS, TRANSCRIPT):
            p, r, f = f1_of(csv_scores(args.data / name, mode.threshold, mode))
            cells.append(f"P={p:.3f} R={r:.3f} F1={f:.3f}")
        base = model_only_f1(args.data / name)
        print(f"{name:38} {cells[0]} | {cells[1]}   (model alone F1={base:.3f}; {note})")
    clef = args.data / "clef2019_task1_test.csv"
    news_rows = csv_scores(clef, THRESHOLD)
    spoken_rows = debate_scores(clef, TRANSCRIPT.threshold)
    cells = []
    for rows in (news_rows, spoken_rows):
        p, r, f = f1_of(rows)
        cells.append(f"MAP={mean_average_precision(rows):.3f} F1={f:.3f}")
    print(
        f"{'clef2019_task1_test.csv (7 debates)':38} {cells[0]:23} | {cells[1]:23}"
        "   (2019 winner MAP 0.166)"
    )


if __name__ == "__main__":
    main()

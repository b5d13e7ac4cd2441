"""A fingerprint of claim extraction's output, to show that a speed change changes nothing.

Usage: python bench/extraction_fingerprint.py [--data DIR] [--quick]

Prints one SHA-256 per input set and one over all of them, of the full output of ``analyse`` (every
segment, suggested or not: offsets, text, type, score as its JSON float, claimant, verb, reasons,
quantities, dates, decision) and of ``extract_claims`` (which takes its own early exits), in news
and transcript modes:

- the news dev and hold-out sets (``bench/data/``) and the seed article, news mode;
- the ClaimBuster dev sample (``claimbuster_crowdsourced_sample3000.csv``), each row in both modes;
- the labelled test transcripts (``tests/claims/extraction/transcripts/``), parsed, transcript mode;
- the corpora of ``bench/extraction_speed.py`` (news mode and transcripts, 1 MB each) and every
  pattern of ``bench/extraction_adversarial.py`` at 10 KB, news mode (``--quick`` leaves these out).

No figure of quality is computed and no test split is read. Two runs on the same code print the
same hashes; an optimisation that keeps the output keeps them too.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from extraction_eval import DATA, HOLDOUT_DIR, NEWS_DIR, read_article  # noqa: E402

from claims.extraction import NEWS, TRANSCRIPT, analyse, extract_claims  # noqa: E402
from claims.extraction.transcript import analyse_transcript, parse  # noqa: E402

TRANSCRIPTS = ROOT / "tests" / "claims" / "extraction" / "transcripts"


def _line(items) -> bytes:
    rows = [s.as_dict() for s in items]
    return (json.dumps(rows, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")


def _news_texts(directory: Path) -> list[str]:
    return [read_article(p)[0] for p in sorted(directory.glob("*.txt"))]


def sets(data: Path, quick: bool):
    """(name, callable yielding bytes) for each input set."""

    def news(texts):
        def run():
            for text in texts:
                for mode in (NEWS, TRANSCRIPT):
                    yield _line(analyse(text, mode=mode))
                    yield _line(extract_claims(text, mode=mode))

        return run

    seed = (ROOT / "seeds" / "000_5fe590b60e8f00fa.txt").read_text(encoding="utf-8")
    yield "news dev", news(_news_texts(NEWS_DIR))
    yield "news hold-out", news(_news_texts(HOLDOUT_DIR))
    yield "seed article", news([seed])

    def claimbuster_dev():
        with (data / "claimbuster_crowdsourced_sample3000.csv").open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                for mode in (NEWS, TRANSCRIPT):
                    yield _line(analyse(row["text"], mode=mode))
                    yield _line(extract_claims(row["text"], mode=mode))

    yield "claimbuster dev sample", claimbuster_dev

    def transcripts():
        for path in sorted(TRANSCRIPTS.iterdir()):
            text = path.read_text(encoding="utf-8")
            turns = parse(text).as_list()
            yield _line(analyse_transcript(text, turns))
            yield _line(analyse_transcript(text, turns, suggested_only=True))

    yield "test transcripts", transcripts
    if quick:
        return
    from extraction_adversarial import PATTERNS, repeat_to
    from extraction_speed import corpus, transcript_corpus

    def speed_news():
        for article in corpus(1_000_000, data):
            yield _line(analyse(article))
            yield _line(extract_claims(article))

    def speed_transcripts():
        for text in transcript_corpus(1_000_000, data):
            turns = parse(text).as_list()
            yield _line(analyse_transcript(text, turns))
            yield _line(analyse_transcript(text, turns, suggested_only=True))

    def adversarial():
        for unit in PATTERNS.values():
            text = repeat_to(unit, 10_000)
            yield _line(analyse(text))
            yield _line(extract_claims(text))
            yield _line(analyse(text, mode=TRANSCRIPT))

    yield "speed corpus, news", speed_news
    yield "speed corpus, transcripts", speed_transcripts
    yield "adversarial patterns, 10 KB", adversarial


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--quick", action="store_true", help="leave out the generated corpora")
    args = parser.parse_args()
    total = hashlib.sha256()
    for name, run in sets(args.data, args.quick):
        h = hashlib.sha256()
        n = 0
        for chunk in run():
            h.update(chunk)
            total.update(chunk)
            n += 1
        print(f"{h.hexdigest()}  {name} ({n} outputs)", flush=True)
    print(f"{total.hexdigest()}  all")


if __name__ == "__main__":
    main()

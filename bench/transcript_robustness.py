"""Transcript input at 10x and 100x its usual size, and hostile transcripts: cost and outcome.

Usage: python bench/transcript_robustness.py [--sizes 100,1000,10000] [--extract-max 1000]

A usual transcript (a debate, an interview) is about 100 KB; 1 MB is a parliamentary day (10x)
and 10 MB is 100x. For each shape and size (KB) the table gives the CPU seconds per MB of
parsing (``parse``) and of extracting (``analyse_transcript``, suggestions only; up to
``--extract-max`` KB), the size of the stored turns (JSON) against the body, and the outcome:
the number of turns, or the error a user would read. Linear cost keeps each row's per-MB figures
flat across the sizes.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from claims.extraction.transcript import TranscriptError, analyse_transcript, parse  # noqa: E402

DEBATE = (
    "MODERATOR: Senator, unemployment has risen for six months. What would you do?\n"
    "ANN HALE: Unemployment fell to 3.9 percent in May, the lowest rate since 2001, and we\n"
    "added 80,000 jobs. I will keep taxes where they are.\n"
    "TOM BROOKS: That is wrong. The state lost 20,000 factory jobs in 2023.\n\n"
)
SHAPES: dict[str, tuple[str, str]] = {
    # name -> (header, unit repeated)
    "debate (plain turns)": ("", DEBATE),
    "webvtt captions": (
        "WEBVTT\n\n",
        "00:00:01.000 --> 00:00:04.000\n<v Ann Hale>Jobs rose 3 percent in 2023, and wages "
        "rose.\n\n",
    ),
    "srt captions": ("", "1\n00:00:01,000 --> 00:00:04,000\nANN: Prices rose by 4 percent.\n\n"),
    "no speakers": ("", "The state lost 20,000 jobs in 2023. Wages fell by 2 percent.\n"),
    "a speaker change every line": ("", "A: x\nB: y\n"),
    "a new speaker every line": ("", ""),  # generated: Speaker 1, Speaker 2, ...
    "html in turns": ("", "ANA: <script>alert(1)</script><b>Jobs</b> rose 3% in <i>2023</i>.\n"),
    "bidi controls": ("", "ANA: \u202eJobs rose 3%\u202c in 2023, \u2067he said\u2069.\n"),
    "one line, no newline": ("", "ANA: Jobs rose 3 percent in 2023 and wages fell "),
    "broken timing at the end": ("WEBVTT\n\n", "00:00:01.000 --> 00:00:02.000\n<v A>Hi.\n\n"),
}


def build(shape: str, size_kb: int) -> str:
    head, unit = SHAPES[shape]
    n = size_kb * 1000
    if shape == "a new speaker every line":
        parts, total, i = [], 0, 0
        while total < n:
            name = "".join(chr(97 + int(d)) for d in str(i))  # 12 -> "bc"
            line = f"Speaker {name.title()}: Jobs rose.\n"
            parts.append(line)
            total += len(line)
            i += 1
        return "".join(parts)
    text = head + unit * max(1, (n - len(head)) // len(unit))
    if shape == "broken timing at the end":
        text += "00:00:03,000 --> x\nNo.\n"
    return text


def cpu(fn):
    t0 = time.process_time()
    out = fn()
    return out, time.process_time() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,10000")
    parser.add_argument("--extract-max", type=int, default=1000)
    parser.add_argument("--only", help="comma-separated shape names (prefixes match)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    parse("A: warm up.")
    analyse_transcript(
        "A: The model loads first.\n", parse("A: The model loads first.\n").as_list()
    )
    print(
        f"{'shape':30} {'KB':>6} {'parse s/MB':>10} {'extract s/MB':>12} {'turns/body':>10}  outcome"
    )
    for shape in SHAPES:
        if args.only and not any(shape.startswith(w) for w in args.only.split(",")):
            continue
        for kb in sizes:
            text = build(shape, kb)
            mb = len(text.encode("utf-8")) / 1e6
            try:
                transcript, t_parse = cpu(lambda text=text: parse(text))
            except TranscriptError as exc:
                print(f"{shape:30} {kb:>6} {'':>10} {'':>12} {'':>10}  refused: {exc}")
                continue
            turns = transcript.as_list()
            stored = len(json.dumps(turns, separators=(",", ":")))
            extract = ""
            n_claims = ""
            if kb <= args.extract_max:
                claims, t_ex = cpu(
                    lambda text=text, turns=turns: analyse_transcript(
                        text, turns, suggested_only=True
                    )
                )
                extract = f"{t_ex / mb:.2f}"
                n_claims = f", {len(claims)} claims"
            print(
                f"{shape:30} {kb:>6} {t_parse / mb:>10.2f} {extract:>12} "
                f"{stored / len(text):>10.2f}  {len(turns)} turns{n_claims}",
                flush=True,
            )


if __name__ == "__main__":
    main()

"""Claim extraction here beside another checkout's, timed in turns in one process.

Usage: python bench/extraction_ab.py --base DIR [--mb 0.2] [--rounds 8] [--data DIR] [--sizes 100]

On a shared machine, two runs of ``bench/extraction_speed.py`` a minute apart can differ by more
than a change does. Here both versions of ``claims/extraction`` (this checkout's and the one under
``--base``, e.g. ``git archive <commit> | tar -x -C DIR``) are loaded side by side as separate
packages and run in turns on the same inputs, alternating which goes first, so that load falls on
both alike. For each input: CPU time of one core, best of ``--rounds`` passes for each version, and
the ratio of this checkout's time to the base's (below 1: quicker here), best and median.
Inputs: the corpora of ``bench/extraction_speed.py`` (news mode, and transcripts parsed and
scored in transcript mode) and two texts of ``bench/extraction_adversarial.py`` (news and four-word
claims) at each of ``--sizes`` KB (100 by default; at 1,000 a text keeps more objects alive, and the
cyclic garbage collector's work, which counts in every figure, grows).
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

from extraction_adversarial import PATTERNS, news_text, repeat_to  # noqa: E402
from extraction_eval import DATA  # noqa: E402
from extraction_speed import corpus, transcript_corpus  # noqa: E402


def load(root: Path, name: str):
    """``claims/extraction`` of the checkout at ``root`` as the package ``name`` (pure Python,
    relative imports only), with its transcript module."""
    pkg = root / "claims" / "extraction"
    spec = importlib.util.spec_from_file_location(
        name, pkg / "__init__.py", submodule_search_locations=[str(pkg)]
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module, importlib.import_module(f"{name}.transcript")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", type=Path, required=True, help="the other checkout's root")
    parser.add_argument("--mb", type=float, default=0.2, help="size of each corpus in MB")
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--sizes", default="100", help="sizes of the adversarial texts, in KB")
    args = parser.parse_args()
    if not (args.base / "claims" / "extraction" / "__init__.py").is_file():
        parser.error(f"{args.base} holds no claims/extraction package")
    versions = {"base": load(args.base.resolve(), "_extraction_base"), "here": load(ROOT, "_here")}
    size = int(args.mb * 1_000_000)
    articles = list(corpus(size, args.data))
    transcripts = list(transcript_corpus(size, args.data))
    sizes = [int(float(s) * 1000) for s in args.sizes.split(",")]

    def news_mode(v):
        return [v[0].extract_claims(a) for a in articles]

    def transcript_mode(v):
        tr = v[1]
        return [
            tr.analyse_transcript(t, tr.parse(t).as_list(), suggested_only=True)
            for t in transcripts
        ]

    jobs = [
        ("news mode, speed corpus", news_mode, sum(len(a.encode()) for a in articles)),
        (
            "transcript mode, speed corpus",
            transcript_mode,
            sum(len(t.encode()) for t in transcripts),
        ),
    ]
    for n in sizes:
        for name, text in (
            ("news", repeat_to(news_text(), n)),
            ("four-word claims", repeat_to(PATTERNS["four-word claims"], n)),
        ):
            jobs.append(
                (
                    f"{name}, {n // 1000} KB",
                    lambda v, text=text: v[0].extract_claims(text),
                    len(text.encode()),
                )
            )
    for v in versions.values():  # the models load, and their caches fill, before any timing
        transcript_mode(v)
        news_mode(v)
    print(f"{'input':32}{'base MB/s':>10}{'here MB/s':>10}{'time here/base':>16}{'median':>8}")
    for label, run, nbytes in jobs:
        times: dict[str, list[float]] = {"base": [], "here": []}
        for i in range(max(1, args.rounds)):
            for key in ("base", "here") if i % 2 else ("here", "base"):
                t0 = time.process_time()
                run(versions[key])
                times[key].append(time.process_time() - t0)
        base, here = min(times["base"]), min(times["here"])
        median = statistics.median(times["here"]) / statistics.median(times["base"])
        print(
            f"{label:32}{nbytes / base / 1e6:10.2f}{nbytes / here / 1e6:10.2f}"
            f"{here / base:16.3f}{median:8.3f}",
            flush=True,
        )


if __name__ == "__main__":
    main()

"""Cost of claim extraction on adversarial text beside ordinary news, one core.

Usage: python bench/extraction_adversarial.py [--sizes 10,100,1000] [--repeat 3] [--only NAME,...]

Each pattern is a unit repeated to 10 KB, 100 KB and 1 MB (runs of one punctuation mark, digits,
abbreviations, quotations, capitalised words, newlines, and mixes of them); "news" is the news dev
set and the seed article repeated to the same size. The table gives the CPU time of
``extract_claims`` per KB (the best of ``--repeat`` runs) and its ratio to news at the same size.
Linear extraction keeps each row flat across the sizes and every ratio within 3.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from extraction_eval import NEWS_DIR, read_article  # noqa: E402

from claims.extraction import extract_claims  # noqa: E402

# name -> the unit repeated; each once made extraction quadratic or costly per character
PATTERNS: dict[str, str] = {
    "full stops": ".",
    "full stops, spaced": ". ",
    "exclamation marks": "!",
    "question marks": "?",
    "ellipses, spaced": "… ",
    "commas": ",",
    "semicolons, spaced": "; ",
    "digits": "7",
    "numbers, spaced": "12 ",
    "numbers, grouped": "1,234.5 ",
    'abbreviations "Ab. "': "Ab. ",
    "titles": "Mr. ",
    "initials": "A. ",
    "dotted": "U.S. ",
    "straight quotes": '"',
    "curly quotes": "“",
    "quoted words": '"a" ',
    "capitalised words": "Word ",
    "capitalised sentences": "Word. ",
    "names and commas": "Ana Costa, ",
    "attributions": 'Ab said, "x." ',
    "dates": "June 3, 2024 ",
    "newlines": "\n",
    "short lines": "a\n",
    "bullets": "- a\n",
    "digits then a letter": "1" * 300 + "x ",
    "clauses on semicolons": "w 1; ",
    "clauses, strict": "a b c d e f 1, and ",
    "four-word claims": "Ab cd ef 12. ",
    "mixed": 'Ab. 12, "Word" ... ',
    "mixed 2": 'Dr. A. B. Costa said: "1.5%... of U.S. (e.g. x)?!" ',
}


def news_text() -> str:
    """The news dev set and the seed, one article after another."""
    parts = [read_article(p)[0] for p in sorted(NEWS_DIR.glob("*.txt"))]
    parts.append((ROOT / "seeds" / "000_5fe590b60e8f00fa.txt").read_text(encoding="utf-8"))
    return "\n\n".join(parts)


def repeat_to(unit: str, size: int) -> str:
    """``unit`` repeated to exactly ``size`` characters."""
    return (unit * (size // len(unit) + 1))[:size]


def cost_per_kb(text: str, repeat: int) -> float:
    """Best CPU milliseconds of ``extract_claims(text)`` per 1,000 characters."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.process_time()
        extract_claims(text)
        best = min(best, time.process_time() - t0)
    return best * 1e3 / (len(text) / 1000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,100,1000", help="sizes in KB (1,000 characters)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", default="", help="comma-separated pattern names")
    args = parser.parse_args()
    sizes = [int(float(s) * 1000) for s in args.sizes.split(",")]
    only = {n.strip() for n in args.only.split(",") if n.strip()}
    extract_claims("The model loads once. It is not timed here.")
    news = news_text()
    base = {n: cost_per_kb(repeat_to(news, n), args.repeat) for n in sizes}
    head = "".join(f"{n // 1000:>9} KB ratio" for n in sizes)
    print(f"{'pattern':30}{head}")
    print(f"{'news':30}" + "".join(f"{base[n]:9.3f} ms  1.0 " for n in sizes), flush=True)
    worst = 0.0
    for name, unit in PATTERNS.items():
        if only and name not in only:
            continue
        cells = []
        for n in sizes:
            c = cost_per_kb(repeat_to(unit, n), args.repeat)
            worst = max(worst, c / base[n])
            cells.append(f"{c:9.3f} ms{c / base[n]:5.1f} ")
        print(f"{name:30}" + "".join(cells), flush=True)
    print(f"worst ratio to news: {worst:.2f} (target: at most 3)")


if __name__ == "__main__":
    main()

"""The line diff under re-anchoring and the revisions page is linear in the lines however they
changed. ``difflib.SequenceMatcher`` costs the lines times the matching blocks: a revision that
changes every other line of a 600 KB body took 50 s in the request (re-anchoring, under the
article's lock) and again at every view of its diff. Counted with ``sys.setprofile`` (every
Python and C call), so the test holds on a loaded machine: quadratic work is 8x per line from
1,000 to 8,000 lines, linear about 1x."""

from __future__ import annotations

import random

import pytest

from claims.anchoring import LINE_DIFF_MAX_LINES, line_opcodes, matching_blocks
from frontend.diffview import inline_diff
from tests.calls import calls_made


def _bodies(lines: int, shape: str) -> tuple[str, str]:
    rng = random.Random(lines)
    old = [f"Line {i} says {rng.random():.8f}.\n" for i in range(lines)]
    if shape == "every other line":
        new = [line if i % 2 else f"Changed {i}.\n" for i, line in enumerate(old)]
    elif shape == "shuffled":
        new = rng.sample(old, len(old))
    else:  # blank lines between, the paragraphs each edited
        old = [x for line in old for x in (line, "\n")]
        new = [line.replace("says", "said") if i % 4 == 0 else line for i, line in enumerate(old)]
    return "".join(old), "".join(new)


@pytest.mark.parametrize("shape", ["every other line", "shuffled", "paragraphs"])
@pytest.mark.parametrize(
    "diff", [matching_blocks, inline_diff], ids=["re-anchoring", "revisions page"]
)
def test_the_line_diff_costs_the_same_per_line_at_1000_and_8000_lines(diff, shape):
    small, large = (_bodies(n, shape) for n in (1_000, 8_000))
    at_small = calls_made(lambda: diff(*small)) / 1_000
    at_large = calls_made(lambda: diff(*large)) / 8_000
    assert at_large < 2.5 * at_small, (at_small, at_large)


@pytest.mark.parametrize("shape", ["every other line", "shuffled", "paragraphs"])
def test_the_linear_line_diff_describes_the_new_text_exactly(shape):
    old, new = _bodies(LINE_DIFF_MAX_LINES, shape)
    a, b = old.splitlines(keepends=True), new.splitlines(keepends=True)
    rebuilt, equal = [], 0
    for tag, i1, i2, j1, j2 in line_opcodes(a, b):
        if tag == "equal":
            assert a[i1:i2] == b[j1:j2]
            equal += i2 - i1
        rebuilt += b[j1:j2]
    assert rebuilt == b
    assert equal >= {"every other line": 0.49, "shuffled": 0.0, "paragraphs": 0.74}[shape] * len(b)
    # and the matching blocks re-anchoring reads are the same text in both bodies
    for i, j, n, _sure in matching_blocks(old, new):
        assert old[i : i + n] == new[j : j + n]

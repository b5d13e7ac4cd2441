"""The line diff under re-anchoring and the revisions page is linear in the lines however they
changed. ``difflib.SequenceMatcher`` costs the lines times the matching blocks: a revision that
changes every other line of a 600 KB body took 50 s in the request (re-anchoring, under the
article's lock) and again at every view of its diff. Counted with ``sys.setprofile`` (every
Python and C call), so the test holds on a loaded machine: quadratic work is 8x per line from
1,000 to 8,000 lines, linear about 1x."""

from __future__ import annotations

import random

import pytest

from claims import anchoring
from claims.anchoring import LINE_DIFF_MAX_LINES, Anchor, line_opcodes, matching_blocks, reanchor
from frontend.diffview import inline_diff
from tests.calls import calls_made

SHAPES = ["every other line", "shuffled", "paragraphs", "repeated, a name corrected throughout"]


def _bodies(lines: int, shape: str) -> tuple[str, str]:
    rng = random.Random(lines)
    old = [f"Line {i} says {rng.random():.8f}.\n" for i in range(lines)]
    if shape == "every other line":
        new = [line if i % 2 else f"Changed {i}.\n" for i, line in enumerate(old)]
    elif shape == "shuffled":
        new = rng.sample(old, len(old))
    elif shape == "repeated, a name corrected throughout":
        # A text pasted many times (no line occurs once): one line of each copy corrected.
        copy = [f"Paragraph {i} says {rng.random():.8f}, Smith said.\n" for i in range(40)]
        old = copy * (lines // 40)
        new = [line.replace("Smith", "Smyth") if "Paragraph 7 " in line else line for line in old]
    else:  # blank lines between, the paragraphs each edited
        old = [x for line in old for x in (line, "\n")]
        new = [line.replace("says", "said") if i % 4 == 0 else line for i, line in enumerate(old)]
    return "".join(old), "".join(new)


@pytest.mark.parametrize("shape", SHAPES[:3])
@pytest.mark.parametrize(
    "diff", [matching_blocks, inline_diff], ids=["re-anchoring", "revisions page"]
)
def test_the_line_diff_costs_the_same_per_line_at_1000_and_8000_lines(diff, shape):
    small, large = (_bodies(n, shape) for n in (1_000, 8_000))
    at_small = calls_made(lambda: diff(*small)) / 1_000
    at_large = calls_made(lambda: diff(*large)) / 8_000
    assert at_large < 2.5 * at_small, (at_small, at_large)


@pytest.mark.parametrize(
    "diff", [matching_blocks, inline_diff], ids=["re-anchoring", "revisions page"]
)
def test_the_diff_of_repeated_lines_costs_the_same_per_line_at_8000_and_32000_lines(diff):
    """Past LINE_DIFF_MAX_LINES (both sizes here), lines repeated as often on each side anchor
    the diff: linear too (below it, SequenceMatcher is cheaper per line on this shape)."""
    shape = "repeated, a name corrected throughout"
    small, large = (_bodies(n, shape) for n in (8_000, 32_000))
    at_small = calls_made(lambda: diff(*small)) / 8_000
    at_large = calls_made(lambda: diff(*large)) / 32_000
    assert at_large < 1.5 * at_small, (at_small, at_large)


@pytest.mark.parametrize("shape", SHAPES)
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
    share = {"every other line": 0.49, "shuffled": 0.0, "paragraphs": 0.74}.get(shape, 0.97)
    assert equal >= share * len(b)
    # and the matching blocks re-anchoring reads are the same text in both bodies
    for i, j, n, _sure in matching_blocks(old, new):
        assert old[i : i + n] == new[j : j + n]


def test_a_correction_throughout_repeated_lines_searches_only_the_corrected_claims(monkeypatch):
    """Every line occurs many times, so no line anchors the diff by itself: the lines repeated
    as often in both bodies do, and the claims on untouched lines move with their block
    (confidence 1) instead of each being searched among every copy of its quote."""
    old, new = _bodies(8_000, "repeated, a name corrected throughout")
    anchors, at = [], 0
    for k, line in enumerate(old.splitlines(keepends=True)):
        end = at + line.index(" says")
        anchors.append(
            Anchor(k, at, end, old[at:end], old[max(0, at - 32) : at], old[end : end + 32])
        )
        at += len(line)
    searched = []
    exact = anchoring._exact
    monkeypatch.setattr(anchoring, "_exact", lambda *a: searched.append(1) or exact(*a))
    placements = reanchor(old, new, anchors)
    assert len(searched) <= 8_000 // 40  # the corrected lines' claims at most
    for anchor, place in zip(anchors, placements, strict=True):
        assert place.status == "moved" and place.confidence == 1.0
        assert new[place.start : place.end] == anchor.quote
        assert place.start == anchor.start  # the correction comes after the claim on its line

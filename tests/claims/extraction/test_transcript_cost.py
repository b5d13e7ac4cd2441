"""Reading and extracting a transcript costs the same per KB at 10 and 100 KB, whatever its shape
(CPU time, best of three: see test_linear_cost.py for why time and not a step count)."""

from __future__ import annotations

import time

import pytest

from claims.extraction.transcript import analyse_transcript, parse

TURN = "TOM BROOKS: The state lost 20,000 factory jobs in 2023, and wages fell.\n"
SHAPES = {
    "plain turns": TURN,
    # the shortest turns a transcript may hold on average (one per 20 characters); one-word turns
    # ("A: x") are refused: test_transcript.py
    "short turns": "ANA: Jobs rose again.\nTOM: No, they fell.\n",
    "continuation lines": "We added 80,000 jobs.\n",
    "label-like lines": "Ann Hale Ann Hale Ann Hale Ann Hale Ann\n",
    "webvtt cues of one speaker": "00:00:01.000 --> 00:00:02.000\n<v Ann>Jobs rose 3%\n\n",
    "webvtt tags": "00:00:01.000 --> 00:00:02.000\n<v Ann><i>a</i><b>b</b><c.x>c</c>\n\n",
    "srt cues": "1\n00:00:01,000 --> 00:00:02,000\nANN: Prices rose by 4 percent.\n\n",
    "many speakers": "".join(f"Speaker {chr(65 + i % 26)}{i}: Jobs rose.\n" for i in range(50)),
}


def _text(shape: str, size: int) -> str:
    unit = SHAPES[shape]
    head = "WEBVTT\n\n" if shape.startswith("webvtt") else ""
    return head + unit * max(1, (size - len(head)) // len(unit))


def _cpu_per_kb(text: str) -> float:
    best = float("inf")
    for _ in range(3):
        t0 = time.process_time()
        analyse_transcript(text, parse(text).as_list(), suggested_only=True)
        best = min(best, time.process_time() - t0)
    return best / (len(text) / 1000)


@pytest.mark.parametrize("shape", SHAPES, ids=list(SHAPES))
def test_a_transcript_costs_the_same_per_kb_at_10_and_100_kb(shape):
    parse("A: The model loads first.")
    small = _cpu_per_kb(_text(shape, 10_000))
    large = _cpu_per_kb(_text(shape, 100_000))
    assert large <= 3 * max(small, 1e-4), (shape, small, large)

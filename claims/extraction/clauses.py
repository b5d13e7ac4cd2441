"""Where a sentence splits into clauses that each hold a claim, in time linear in the sentence.

A cut (a semicolon, a colon before a capital or a quotation, a comma before a conjunction) is kept
when the text on each side stands alone: enough words and, unless the cut is a semicolon, a digit,
an attribution word or an event. Testing each side by reading it again would read a sentence of
n cuts n times; here the words, digits and cue tokens of the sentence are found once and each side
is answered from them (by bisection for counts, and a sweep for events on the left side).
"""

from __future__ import annotations

import re
from bisect import bisect_left

from . import cues

CLAUSE_SPLIT_RE = re.compile(
    r"(?:;\s+|:\s+(?=[A-Z\"“])|,\s+(?:and|but|while|whereas|although|though|yet)\s+(?=\S))"
)
WORD_RE = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*|\d[\d,.]*")
_ASCII_DIGIT_RE = re.compile(r"[0-9]")
_EVENT_WORDS = frozenset(
    word
    for word, (single, longer) in cues._SCAN_INDEX.items()
    if any(c == "event" for c, _ in single)
    or any(c == "event" for group in longer.values() for _, c, _ in group)
)


def clauses(text: str, masked: str) -> list[tuple[int, int]]:
    """Split a sentence where it holds two claims that each stand alone: (start, end) pieces.

    ``masked`` is ``text`` with its quotations blanked (``cues.mask_quotes``), the same length.
    """
    if ";" not in masked and ":" not in masked and "," not in masked:
        return [(0, len(text))]  # no place to cut: each cut starts with one of these
    cuts = [m.span() for m in CLAUSE_SPLIT_RE.finditer(masked)]
    if not cuts:
        return [(0, len(text))]
    index = _Index(text)
    pieces: list[tuple[int, int]] = []
    start = 0
    left = index.range_events(0)
    for a, b in cuts:
        strict = masked[a] != ";"
        # Both sides begin after a space or at 0 and end before the cut's mark, so a word of the
        # whole sentence that starts on a side lies within it.
        if index.stands_alone(start, a, strict, left) and index.stands_alone(b, None, strict):
            pieces.append((start, a))
            start = b
            left = index.range_events(b)
    pieces.append((start, len(text)))
    return pieces


class _Index:
    """The words, digits and cue tokens of one sentence, found once."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.n = len(text)
        self.words = [m.start() for m in WORD_RE.finditer(text)]
        self._digits: list[int] | None = None
        self._tokens: tuple[list[int], list[str]] | None = None
        self._suffix_event: list[bool] | None = None
        self._attribution: list[int] | None = None

    def count_words(self, start: int, end: int | None, need: int) -> bool:
        """Whether at least ``need`` words start in text[start:end]."""
        lo = bisect_left(self.words, start)
        hi = len(self.words) if end is None else bisect_left(self.words, end, lo)
        return hi - lo >= need

    def has_digit(self, start: int, end: int | None) -> bool:
        """``any(ch.isdigit() for ch in text[start:end])`` (which is ``\\d`` in ASCII text)."""
        if self._digits is None:
            if self.text.isascii():
                self._digits = [m.start() for m in _ASCII_DIGIT_RE.finditer(self.text)]
            else:
                self._digits = [i for i, ch in enumerate(self.text) if ch.isdigit()]
        i = bisect_left(self._digits, start)
        return i < len(self._digits) and (end is None or self._digits[i] < end)

    def tokens(self) -> tuple[list[int], list[str]]:
        """``cues.word_tokens`` of the whole text with where each starts in ``text``."""
        if self._tokens is None:
            lowered = self.text.lower()
            if len(lowered) == self.n:
                where = None
            else:  # a character that lower-cases to several: map back one character at a time
                parts = [ch.lower() for ch in self.text]
                where = []
                for i, part in enumerate(parts):
                    where.extend([i] * len(part))
                lowered = "".join(parts)
            starts, toks = [], []
            for m in cues._WORD_TOKEN_RE.finditer(lowered):
                starts.append(m.start() if where is None else where[m.start()])
                toks.append(m.group())
            self._tokens = (starts, toks)
        return self._tokens

    def _event_end(self, i: int) -> int:
        """The end (token index) of the shortest event phrase at token ``i``, or 0 if none."""
        toks = self._tokens[1]
        word = toks[i]
        if word not in _EVENT_WORDS:
            return 0
        single, longer = cues._SCAN_INDEX[word]
        if any(c == "event" for c, _ in single):
            return i + 1
        best = 0
        group = longer.get(toks[i + 1]) if i + 1 < len(toks) else None
        for more, category, _ in group or ():
            end = i + 2 + len(more)
            if category == "event" and tuple(toks[i + 2 : end]) == more:
                best = end if not best else min(best, end)
        return best

    def _under_modal(self, i: int, lo: int) -> bool:
        """``cues._under_modal`` over the tokens from ``lo`` on."""
        toks = self._tokens[1]
        j = i - 1
        while j >= lo and j >= i - 3 and toks[j] in cues._MODAL_FILLERS:
            j -= 1
        return j >= lo and j >= i - 3 and toks[j] in cues._MODALS

    @staticmethod
    def range_events(start: int) -> list:
        """The sweep state of a left side (``start`` is where it begins, for the reader): its
        first token, the next token to read, the earliest end of an event phrase read so far."""
        del start
        return [None, None, None]

    def _cue_in(self, start: int, end: int | None, left: list | None) -> bool:
        """Whether the tokens of text[start:end] hold an attribution word or, as ``cues.scan``
        finds it, an event."""
        starts, toks = self.tokens()
        lo = bisect_left(starts, start)
        hi = len(starts) if end is None else bisect_left(starts, end, lo)
        if self._attribution is None:
            self._attribution = [i for i, t in enumerate(toks) if t in cues.ATTRIBUTION_TOKENS]
        k = bisect_left(self._attribution, lo)
        if k < len(self._attribution) and self._attribution[k] < hi:
            return True
        if end is None:
            return self._event_in_suffix(lo)
        # The left side keeps its start while its end moves right: read each token once.
        if left[0] is None:
            left[0] = left[1] = lo
            left[2] = None
        first = left[0]
        while left[1] < hi:
            i = left[1]
            e = self._event_end(i)
            if e and not self._under_modal(i, first) and (left[2] is None or e < left[2]):
                left[2] = e
            left[1] += 1
        return left[2] is not None and left[2] <= hi

    def _event_in_suffix(self, lo: int) -> bool:
        toks = self._tokens[1]
        if self._suffix_event is None:
            # from each token on, whether an event (not under a modal) starts there or later
            flags = [False] * (len(toks) + 1)
            for i in range(len(toks) - 1, -1, -1):
                flags[i] = flags[i + 1] or (
                    bool(self._event_end(i)) and not self._under_modal(i, 0)
                )
            self._suffix_event = flags
        # Within three tokens of the side's start, a modal before the side does not count.
        for i in range(lo, min(lo + 3, len(toks))):
            if self._event_end(i) and not self._under_modal(i, lo):
                return True
        return self._suffix_event[min(lo + 3, len(toks))]

    def stands_alone(self, start: int, end: int | None, strict: bool, left=None) -> bool:
        """Whether text[start:end] holds a claim of its own (``end`` None: to the end)."""
        if not self.count_words(start, end, 6 if strict else 4):
            return False
        if not strict:
            return True
        return self.has_digit(start, end) or self._cue_in(start, end, left)

"""Find a reviewer's quoted passage in fetched text, forgiving typography and small slips.

Both sides are normalized the same way (NFKC, case folding, curly to straight quotes, dashes to
hyphen-minus, invisible characters dropped, whitespace runs folded to one space) while keeping a
map back to the original text, so the offsets returned point into the text as fetched.
An exact match of the normalized quote wins; otherwise a word-level alignment with a per-word
typo cost accepts a passage whose similarity reaches the threshold.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass

_FOLD = {
    **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u2035\u2039\u203a\uff07`\u00b4", "'"),
    **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u2036\u00ab\u00bb\uff02", '"'),
    **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d", "-"),
}
_INVISIBLE = frozenset("\u00ad\u200b\u200c\u200d\u2060\ufeff")
_WORD = re.compile(r"\w+")
MIN_FUZZY_WORDS = 4
# Bounds that keep the fuzzy match linear in the quote (once quadratic: 2,000 words took 50 s): a quote of up to EXACT_ALIGN_WORDS words is
# aligned against its whole window (the cost grows with the square of its length, at most
# 8 x 150 x 230 cells); a longer one only within ALIGN_BAND words of each candidate's diagonal (a
# passage that drifts further than that from the text is no quotation of it). Words longer than
# MAX_WORD_CHARS are compared whole, not by edit distance.
EXACT_ALIGN_WORDS = 150
ALIGN_BAND = 48
MAX_WORD_CHARS = 64
# A longer "quote" is matched exactly or not at all: nobody quotes a thousand words loosely.
MAX_FUZZY_WORDS = 1000


@dataclass(frozen=True)
class QuoteMatch:
    """Whether a quote was found and where, as code-point offsets into the original text."""

    found: bool
    start: int | None = None
    end: int | None = None
    score: float = 0.0
    exact: bool = False


@dataclass(frozen=True)
class _Normalized:
    text: str
    starts: list[int]  # original start index of each normalized character
    ends: list[int]  # original end index (exclusive) of each normalized character


def normalize(text: str) -> str:
    """The comparison form of a text (what the matcher compares)."""
    return _normalize(text).text


def _clusters(text: str):
    """A base character with its combining marks, so NFKC can compose them."""
    start = 0
    for index in range(1, len(text) + 1):
        if index == len(text) or not unicodedata.combining(text[index]):
            yield start, index
            start = index


@functools.lru_cache(maxsize=8)
def _normalize(text: str) -> _Normalized:
    # Cached: a source's text is normalized once for all the quotes checked against it.
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    pending_space = False
    for begin, finish in _clusters(text):
        piece = text[begin:finish]
        if finish - begin == 1 and "!" <= piece <= "~" and piece != "`":
            if pending_space:
                out.append(" ")
                starts.append(begin)
                ends.append(begin)
                pending_space = False
            out.append(piece.lower())
            starts.append(begin)
            ends.append(finish)
            continue
        folded = unicodedata.normalize("NFKC", piece).casefold()
        for char in folded:
            char = _FOLD.get(char, char)
            if char in _INVISIBLE:
                continue
            if char.isspace():
                pending_space = bool(out)
                continue
            if pending_space:
                out.append(" ")
                starts.append(begin)
                ends.append(begin)
                pending_space = False
            out.append(char)
            starts.append(begin)
            ends.append(finish)
    return _Normalized("".join(out), starts, ends)


def find_quote(quote: str, text: str, *, threshold: float = 0.85) -> QuoteMatch:
    """Locate `quote` in `text`; `found` is False when nothing is similar enough."""
    needle = _normalize(quote).text.strip()
    if not needle or not text:
        return QuoteMatch(found=False)
    haystack = _normalize(text)
    position = _find_aligned(haystack, needle)
    if position >= 0:
        return QuoteMatch(
            found=True,
            start=haystack.starts[position],
            end=haystack.ends[position + len(needle) - 1],
            score=1.0,
            exact=True,
        )
    return _fuzzy(needle, haystack, threshold)


def _find_aligned(haystack: _Normalized, needle: str) -> int:
    """The first occurrence that starts and ends on whole original characters, else the first.

    One original character can expand to several (NFKC turns "¼" into three); an occurrence inside
    such an expansion maps back to the whole character, so a true occurrence elsewhere is better.
    """
    first = position = haystack.text.find(needle)
    starts, ends = haystack.starts, haystack.ends
    while position >= 0:
        last = position + len(needle) - 1
        begins_whole = position == 0 or ends[position - 1] <= starts[position]
        ends_whole = last == len(starts) - 1 or starts[last + 1] >= ends[last]
        if begins_whole and ends_whole:
            return position
        position = haystack.text.find(needle, position + 1)
    return first


def _fuzzy(needle: str, haystack: _Normalized, threshold: float) -> QuoteMatch:
    words = _WORD.findall(needle)
    if not MIN_FUZZY_WORDS <= len(words) <= MAX_FUZZY_WORDS:
        return QuoteMatch(found=False)
    spans = [(m.start(), m.end()) for m in _WORD.finditer(haystack.text)]
    tokens = [haystack.text[s:e] for s, e in spans]
    best = (0.0, 0, 0)
    for candidate in _candidates(words, tokens):
        lo = max(candidate - len(words) // 4 - 2, 0)
        hi = min(candidate + len(words) + len(words) // 4 + 2, len(tokens))
        band = None if len(words) <= EXACT_ALIGN_WORDS else ALIGN_BAND
        cost, first, last = _align(words, tokens[lo:hi], band, candidate - lo)
        score = 1.0 - cost / len(words)
        if score > best[0]:
            best = (score, lo + first, lo + last)
    score, first, last = best
    if score < threshold or last <= first:
        return QuoteMatch(found=False, score=round(max(score, 0.0), 3))
    start_char, end_char = spans[first][0], spans[last - 1][1]
    return QuoteMatch(
        found=True,
        start=haystack.starts[start_char],
        end=haystack.ends[end_char - 1],
        score=round(score, 3),
        exact=False,
    )


def _candidates(words: list[str], tokens: list[str], limit: int = 8) -> list[int]:
    """Start positions in the text that many quote words vote for."""
    wanted = set(words)
    where: dict[str, list[int]] = defaultdict(list)
    for index, token in enumerate(tokens):
        if token in wanted:
            where[token].append(index)
    votes: Counter[int] = Counter()
    for offset, word in enumerate(words):
        positions = where.get(word, ())
        if len(positions) > 500:  # a stop word votes for everything
            continue
        for position in positions:
            votes[(position - offset) // 4] += 1
    floor = max(2, len(words) // 4)
    buckets = [b for b, n in votes.most_common(limit) if n >= floor]
    return [b * 4 for b in buckets]


def _align(
    words: list[str], window: list[str], band: int | None = None, diagonal: int = 0
) -> tuple[float, int, int]:
    """Semi-global word alignment: the cheapest span of `window` matching all of `words`.

    With a ``band``, only the cells within ``band`` of the diagonal through ``diagonal`` (where
    the candidate puts the quote's first word) are computed: the others cost more than any
    passage worth finding, and leaving them out keeps the work linear in the quote."""
    n = len(window)
    inf = float("inf")
    previous = [0.0] * (n + 1)  # free start anywhere in the window
    if band is not None:
        previous = [0.0 if abs(j - diagonal) <= band else inf for j in range(n + 1)]
    origin = list(range(n + 1))
    for i, word in enumerate(words, start=1):
        current = [float(i)] + [inf if band is not None else 0.0] * n
        current_origin = [0] + [0] * n
        columns = range(1, n + 1)
        if band is not None:
            columns = range(max(1, diagonal + i - band), min(n, diagonal + i + band) + 1)
        for j in columns:
            substitute = previous[j - 1] + _word_cost(word, window[j - 1])
            delete = previous[j] + 1.0  # quote word missing from the text
            insert = current[j - 1] + 1.0  # extra word in the text
            best = min(substitute, delete, insert)
            current[j] = best
            if best == substitute:
                current_origin[j] = origin[j - 1]
            elif best == delete:
                current_origin[j] = origin[j]
            else:
                current_origin[j] = current_origin[j - 1]
        previous, origin = current, current_origin
    end = min(range(1, n + 1), key=lambda j: previous[j], default=0)
    return previous[end], origin[end], end


def _word_cost(a: str, b: str) -> float:
    if a == b:
        return 0.0
    longest = max(len(a), len(b))
    if abs(len(a) - len(b)) * 2 > longest or longest > MAX_WORD_CHARS:
        return 1.0
    return min(_levenshtein(a, b) / longest, 1.0)


def _levenshtein(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]

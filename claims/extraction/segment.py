"""Sentence segmentation of news text with exact code-point offsets.

Lines are grouped into blocks (paragraphs, headlines, list items); blocks are split into sentences
at terminal punctuation unless the full stop belongs to an abbreviation, an initial, a number or a
quotation that closes later in the same paragraph. Every span satisfies ``text[start:end]`` being
the sentence, trimmed of surrounding whitespace.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

# A sentence longer than this is cut at whitespace so that work per segment stays bounded.
MAX_SEGMENT = 2000
# A quotation that closes within this many characters holds its sentences together.
MAX_QUOTE_HOLD = 600

_QUOTE_CHAR_RE = re.compile(r'["“”«»]')
_LINE_RE = re.compile(r"[^\n\r\u2028\u2029\x85\x0b\x0c]+")
_BULLET_RE = re.compile(r"[ \t]*(?:[-*•‣▪◦–—]|\d{1,2}[.)]|[a-z][.)])[ \t]+(?=\S)")
_TERMINAL = ".!?…"
# Starts with a character class so that the regex engine skips ahead to the next candidate. The
# look-behind starts a match only at the first mark of a run, and the possessive repeats never give
# back: a run of n marks not followed by a space costs n steps, not n squared (only a whole run can
# be followed by a closing mark or a space, so the matches are the same).
_BOUNDARY_RE = re.compile(r"(?<![.!?…])[.!?…]++[\"”’»)\]']*+(?=\s)")
_DATELINE_RE = re.compile(
    r"(?:(?:[A-Z][A-Z'.-]+(?: [A-Z][A-Z'.-]+){0,3}"  # KYIV / NEW YORK / WASHINGTON, D.C.
    r"(?:, [A-Z][A-Za-z.]+(?: [A-Z][a-z]+)?)?"  # , Ukraine / , Nov. 20
    r"(?:,? [A-Z][a-z]{2,8}\.? \d{1,2}(?:, \d{4})?)?"  # , Nov 20, 2024
    r"(?: ?\([A-Za-z.&' ]{2,30}\))?"  # (Reuters)
    # or a live blog entry's time: 01:55 / 14:05 GMT / 9:30 a.m. / 10.42am
    r"|\d{1,2}(?::\d{2}(?: ?[ap]\.?m\.?)?|\.\d{2} ?[ap]\.?m\.?)(?: [A-Z]{2,4})?)"
    r" ?[-–—]{1,2} )"
)
_WORD_BEFORE_RE = re.compile(r"(\S+)$")
_ASCII_WORD_RE = re.compile(r"[A-Za-z]+")
_ALNUM_RE = re.compile(r"[^\W_]")
_DOTTED_RE = re.compile(r"(?:[A-Za-z]{1,2}\.)+[A-Za-z]{1,2}")  # U.S., e.g., a.m.

# Full stops after these never end a sentence (titles, months, references).
_ABBREV_NEVER_END = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "mx",
        "dr",
        "prof",
        "gen",
        "sen",
        "rep",
        "gov",
        "lt",
        "col",
        "capt",
        "cmdr",
        "sgt",
        "maj",
        "adm",
        "pres",
        "supt",
        "insp",
        "det",
        "st",
        "mt",
        "ft",
        "fig",
        "figs",
        "no",
        "nos",
        "vol",
        "vols",
        "pp",
        "sec",
        "art",
        "ch",
        "para",
        "approx",
        "est",
        "dept",
        "univ",
        "assn",
        "bros",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "mon",
        "tue",
        "tues",
        "wed",
        "thu",
        "thur",
        "thurs",
        "fri",
        "sat",
        "sun",
        "rev",
        "hon",
        "fr",
        "sr",
        "jr",
        "messrs",
        "mme",
        "mlle",
        "vs",
        "v",
        "cf",
        "al",
    ]
)
# These may end a sentence; they do when a typical sentence opener follows.
_ABBREV_MAY_END = frozenset(["inc", "ltd", "co", "corp", "plc", "llc", "etc", "bn", "mln", "pct"])
# A line ending in one of these words was wrapped mid-sentence.
_GLUE_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "on",
        "in",
        "at",
        "to",
        "for",
        "from",
        "by",
        "with",
        "and",
        "or",
        "but",
        "that",
        "than",
        "as",
        "about",
        "into",
        "over",
        "under",
        "after",
        "before",
        "his",
        "her",
        "its",
        "their",
        "our",
        "is",
        "are",
        "was",
        "were",
        "has",
        "have",
        "had",
        "be",
        "will",
        "would",
    ]
)
_STARTERS = frozenset(
    [
        "the",
        "a",
        "an",
        "he",
        "she",
        "it",
        "they",
        "we",
        "i",
        "in",
        "on",
        "at",
        "but",
        "and",
        "this",
        "that",
        "these",
        "those",
        "there",
        "his",
        "her",
        "its",
        "their",
        "our",
        "after",
        "before",
        "during",
        "when",
        "while",
        "as",
        "if",
        "however",
        "meanwhile",
        "according",
        "officials",
        "police",
        "critics",
        "analysts",
        "experts",
        "yet",
        "so",
        "for",
        "last",
        "earlier",
        "later",
        "then",
        "now",
        "also",
        "some",
        "many",
        "most",
        "one",
        "two",
        "three",
        "according",
    ]
)


class Span(NamedTuple):
    """A segment of the text: half-open code-point interval and where it came from."""

    start: int
    end: int
    kind: str  # "sentence", "headline", "list_item", "dateline"
    block: int  # index of the block (paragraph, headline, list item) it belongs to


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _lines(text: str) -> Iterator[tuple[int, int]]:
    """Non-blank lines as trimmed (start, end); a blank line yields (-1, -1) as a separator."""
    pos = 0
    for m in _LINE_RE.finditer(text):
        gap = text[pos : m.start()]
        if (
            gap.count("\n") + gap.count("\r") - gap.count("\r\n") >= 2
            or "\u2029" in gap
            or "\x0c" in gap
        ):
            yield -1, -1
        pos = m.end()
        s, e = _trim(text, m.start(), m.end())
        if s < e:
            yield s, e
        else:
            yield -1, -1


def blocks(text: str) -> Iterator[tuple[int, int, str]]:
    """Paragraph-like blocks as (start, end, kind) with kind "para", "line" or "list_item"."""
    cur_s = cur_e = -1
    cur_kind = "para"
    cur_lines = 0
    for s, e in _lines(text):
        if s < 0:
            if cur_s >= 0:
                yield cur_s, cur_e, cur_kind if cur_lines > 1 else _single_kind(text, cur_s, cur_e)
                cur_s = -1
            continue
        bullet = _BULLET_RE.match(text, s, e)
        if bullet:
            if cur_s >= 0:
                yield cur_s, cur_e, cur_kind if cur_lines > 1 else _single_kind(text, cur_s, cur_e)
            yield bullet.end(), e, "list_item"
            cur_s = -1
            continue
        if cur_s >= 0 and _continues(text, cur_e, s):
            cur_e = e
            cur_lines += 1
            continue
        if cur_s >= 0:
            yield cur_s, cur_e, cur_kind if cur_lines > 1 else _single_kind(text, cur_s, cur_e)
        cur_s, cur_e, cur_kind, cur_lines = s, e, "para", 1
    if cur_s >= 0:
        yield cur_s, cur_e, cur_kind if cur_lines > 1 else _single_kind(text, cur_s, cur_e)


def _single_kind(text: str, s: int, e: int) -> str:
    last = text[e - 1]
    if last in _TERMINAL or (last in '"”’»)' and e - 2 >= s and text[e - 2] in _TERMINAL):
        return "para"
    return "line"


def _continues(text: str, prev_end: int, start: int) -> bool:
    """A hard-wrapped paragraph: the previous line does not end a sentence, this one is lowercase."""
    prev = text[prev_end - 1]
    if prev in _TERMINAL or prev == ":":
        return False
    first = text[start]
    if first.islower() or (prev in ",;-–(" and first.isalnum()):
        return True
    w = _WORD_BEFORE_RE.search(text, max(0, prev_end - 20), prev_end)
    return bool(w) and w.group(1) in _GLUE_WORDS


def _quote_intervals(text: str, s: int, e: int) -> list[tuple[int, int]]:
    """Closed quotations in text[s:e] as (open, close) positions."""
    out: list[tuple[int, int]] = []
    straight_open = -1
    curly: list[int] = []
    chunk = text[s:e]
    if '"' not in chunk and "“" not in chunk and "«" not in chunk:
        return out
    for m in _QUOTE_CHAR_RE.finditer(text, s, e):
        i = m.start()
        c = m.group()
        if c == '"':
            if straight_open < 0:
                straight_open = i
            else:
                out.append((straight_open, i))
                straight_open = -1
        elif c in "“«":
            curly.append(i)
        elif curly:
            out.append((curly.pop(), i))
    return [(a, b) for a, b in out if b - a <= MAX_QUOTE_HOLD]


def _is_boundary(text: str, m: re.Match, block_start: int, block_end: int, quoted_to: int) -> bool:
    """Whether the terminal punctuation ``m`` ends a sentence; ``quoted_to`` is the furthest close
    of the quotations opened before it (a full stop inside one that closes later does not)."""
    end = m.end()
    nxt = end
    while nxt < block_end and text[nxt].isspace():
        nxt += 1
    if nxt >= block_end:
        return False
    follow = nxt
    while follow < block_end and text[follow] in "\"“‘'«([":
        follow += 1
    if follow < block_end and text[follow].islower():
        return False
    if end <= quoted_to:
        return False
    punct = m.group()
    if not punct.startswith(".") or punct.startswith("..."):
        return True
    at = m.start()
    lo = at - 40 if at - 40 > block_start else block_start
    if lo < at and not text[at - 1].isspace():
        word = text[lo:at].rsplit(None, 1)[-1]  # _word_before's common case, inline
    else:
        word = _word_before(text, lo, at)
        if word is None:
            return True
    word = word.lstrip("\"“‘'«([")
    low = word.lower()
    if low in _ABBREV_NEVER_END:
        return False
    if len(word) == 1 and word.isupper():
        return False  # an initial: John F. Kennedy
    if ("." in word and _DOTTED_RE.fullmatch(word)) or low in _ABBREV_MAY_END:
        # U.S., e.g., a.m., Inc. end a sentence only before a typical opener
        next_word = _ASCII_WORD_RE.match(text, follow, follow + 20)
        return bool(next_word) and next_word.group().lower() in _STARTERS
    return True


def _word_before(text: str, start: int, end: int) -> str | None:
    """``_WORD_BEFORE_RE.search(text, start, end).group(1)``: the run of non-space characters
    that ends at ``end``, or None."""
    if start >= end or text[end - 1].isspace():
        w = _WORD_BEFORE_RE.search(text, start, end)  # $ also matches before a final newline
        return w.group(1) if w else None
    return text[start:end].rsplit(None, 1)[-1]


def _sentences(text: str, s: int, e: int) -> Iterator[tuple[int, int]]:
    # A sweep: the quotations sorted by where they open, and the furthest close among those opened
    # before the current mark, so that each mark is checked against all of them at once.
    quotes = sorted(_quote_intervals(text, s, e))
    opened = 0
    quoted_to = -1
    cur = s
    # A sentence holds a letter or digit: marks alone (". . . .") join the next sentence instead of
    # making thousands of empty ones. The first one at or after cur, searched once per sentence.
    word_at = -1
    for m in _BOUNDARY_RE.finditer(text, s, e):
        if m.end() <= cur:
            continue
        if word_at < cur:
            w = _ALNUM_RE.search(text, cur, e)
            word_at = w.start() if w else e
        if word_at >= m.start():
            continue
        while opened < len(quotes) and quotes[opened][0] < m.start():
            quoted_to = max(quoted_to, quotes[opened][1])
            opened += 1
        if _is_boundary(text, m, s, e, quoted_to):
            yield cur, m.end()
            cur = m.end()
    yield cur, e


def _cap(text: str, s: int, e: int) -> Iterator[tuple[int, int]]:
    """Cut an overlong span at whitespace so that no segment exceeds MAX_SEGMENT."""
    while e - s > MAX_SEGMENT:
        cut = s + MAX_SEGMENT
        back = cut
        while back > s + MAX_SEGMENT // 2 and not text[back].isspace():
            back -= 1
        if back > s + MAX_SEGMENT // 2:
            cut = back
        a, b = _trim(text, s, cut)
        if a < b:
            yield a, b
        s = cut
    a, b = _trim(text, s, e)
    if a < b:
        yield a, b


_new_span = tuple.__new__


def segment(text: str) -> list[Span]:
    """Split ``text`` into trimmed, non-overlapping spans in text order."""
    return [_new_span(Span, t) for t in spans(text)]


def spans(text: str) -> list[tuple[int, int, str, int]]:
    """``segment(text)`` as plain tuples ``(start, end, kind, block)``.

    Extraction keeps every span of a text alive while it reads them. A plain tuple of ints and a
    str is untracked by CPython's cyclic garbage collector at the first collection it meets; a
    NamedTuple (a tuple subclass) stays tracked, so on a text of many short sentences each full
    collection walked every span again."""
    out: list[tuple[int, int, str, int]] = []
    for index, (bs, be, kind) in enumerate(blocks(text)):
        if kind == "list_item":
            out.extend((a, b, "list_item", index) for a, b in _cap(text, bs, be))
            continue
        d = _DATELINE_RE.match(text, bs, be) if kind == "para" else None
        if d and d.end() < be:
            a, b = _trim(text, bs, d.end())
            if a < b:
                out.append((a, b, "dateline", index))
            bs = d.end()
        for s, e in _sentences(text, bs, be):
            if e - s <= MAX_SEGMENT:  # the common case of _cap, inline
                a, b = s, e  # _trim, inline
                while a < b and text[a].isspace():
                    a += 1
                while b > a and text[b - 1].isspace():
                    b -= 1
                if a < b:
                    headline = kind == "line" and _single_kind(text, a, b) == "line"
                    out.append((a, b, "headline" if headline else "sentence", index))
                continue
            for a, b in _cap(text, s, e):
                headline = kind == "line" and _single_kind(text, a, b) == "line"
                out.append((a, b, "headline" if headline else "sentence", index))
    return out

"""Re-anchoring: where each claim of an old body lies in a new body. Pure Python, no Django.

Three steps, each bounded:

1. **Diff.** The common head and tail of the two bodies are cut off first (one comparison each,
   done by bisection on slices, so C compares the text), and only the middle is diffed: by lines
   (``line_opcodes``: ``difflib.SequenceMatcher``, autojunk on, up to ``LINE_DIFF_MAX_LINES``
   lines, whose cost is the lines times the blocks they share; past that a linear diff anchored
   on the lines that occur once in each body, then on those repeated alike), then, inside each replaced run of lines that is
   small enough (``WORD_DIFF_MAX_TOKENS``), by words. The result is a list of matching blocks
   (old start, new start, length). A claim that lies inside one block did not change: its new span
   is its old one shifted by the block's offset (``moved``, confidence 1). Word blocks found
   inside rewritten lines are checked against the claim's context first, since the same words may
   have been matched in another sentence. A small edit of a long
   body therefore costs the length of the body once, not its square.
2. **Search.** Every other claim is looked for: first its quote verbatim (each occurrence, up to
   ``MAX_EXACT_HITS``), then, when that fails, the span the diff projects it to and spans bounded
   by short pieces of its quote and context found in the new body (at most ``MAX_CANDIDATES``).
   Each candidate is scored on quote, prefix, suffix and position (``score``). A verbatim quote is
   ``moved``; a different one ``changed``; the score is the confidence.
3. **Lost.** A claim with no candidate scoring at least ``MIN_CONFIDENCE`` (or, verbatim,
   ``MIN_CONTEXT`` of context) is ``lost``: no span, its quote kept.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from difflib import SequenceMatcher

# A replaced run of lines is re-diffed by words when both sides have at most this many tokens.
WORD_DIFF_MAX_TOKENS = 4_000
# Up to this many lines (both sides) SequenceMatcher diffs them; past it, the linear diff.
LINE_DIFF_MAX_LINES = 4_000
# Characters re-diffed by words in one diff, all replaced runs together: each run's word diff is
# bounded, and this bounds their number (a shuffled body has a replaced run every few lines).
WORD_DIFF_BUDGET_CHARS = 4 * 8 * WORD_DIFF_MAX_TOKENS
MAX_EXACT_HITS = 200  # verbatim occurrences scored per claim
MAX_CANDIDATES = 12  # fuzzy spans scored per claim
PIECE = 24  # characters of a quote's head/tail (and the context's) searched for verbatim
MIN_CONFIDENCE = 0.62  # below this a changed claim is lost
MIN_CONTEXT = 0.34  # a verbatim quote whose context matches less than this is not the claim
SIMILARITY_MAX_CHARS = 3_000  # longer texts are compared on words, not characters
# The weights of a candidate's score (the quote dominates; context and position decide ties).
W_QUOTE, W_PREFIX, W_SUFFIX, W_POSITION = 0.6, 0.15, 0.15, 0.1

_TOKEN = re.compile(r"\w+|\s+|[^\w\s]", re.UNICODE)
_WORD_START = re.compile(r"(?<!\w)\w")
# str.find scans the body until it has read FIND_SCANS bodies (at least FIND_BUDGET characters);
# then the word-start index is built once (it costs about as much as a few dozen scans).
FIND_BUDGET = 20_000_000
FIND_SCANS = 30
KEY = 12  # the fewest characters from a word start the index looks up (about two words)
SORT_KEY = 32  # the characters after a word start the index is sorted on


@dataclass(frozen=True)
class Anchor:
    """A claim as the old body saw it: span (None when it was already lost) and its texts."""

    id: int
    start: int | None
    end: int | None
    quote: str
    prefix: str = ""
    suffix: str = ""


@dataclass(frozen=True)
class Placement:
    """Where a claim lies in the new body: status moved | changed | lost, and the confidence."""

    id: int
    status: str
    start: int | None = None
    end: int | None = None
    confidence: float = 0.0


# --- 1. the diff ----------------------------------------------------------------------------


def _common_prefix(a: str, b: str) -> int:
    lo, hi = 0, min(len(a), len(b))
    while lo < hi:  # bisection on slices: O(n log n) character compares, all in C
        mid = (lo + hi + 1) // 2
        if a[:mid] == b[:mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _common_suffix(a: str, b: str, limit: int) -> int:
    lo, hi = 0, limit
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[len(a) - mid :] == b[len(b) - mid :]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _pieces(text: str, pattern: re.Pattern[str] | None) -> tuple[list[str], list[int]]:
    """``text`` cut into lines (keeping their ends) or tokens, and each piece's start offset."""
    parts = text.splitlines(keepends=True) if pattern is None else pattern.findall(text)
    offsets, at = [], 0
    for part in parts:
        offsets.append(at)
        at += len(part)
    offsets.append(at)
    return parts, offsets


Block = tuple[int, int, int, bool]  # old start, new start, length, sure
Opcode = tuple[str, int, int, int, int]  # as SequenceMatcher.get_opcodes() writes them


def line_opcodes(a: list[str], b: list[str]) -> list[Opcode]:
    """How lines ``b`` differ from lines ``a``, as ``SequenceMatcher.get_opcodes()``. Its cost is
    the lines times the blocks they share (a revision changing every other line of 600 KB took
    50 s), so past ``LINE_DIFF_MAX_LINES`` the blocks come from a linear diff instead: the lines
    found once in each text, in the longest order both agree on (patience diffing's anchors, in
    n log n), each grown over the equal lines around it. Between those blocks, where lines repeat
    (a text pasted twice, a transcript's "Thank you."), a second pass anchors on the lines found
    as many times in the old gap as in the new one, the k-th with the k-th: a name corrected
    throughout a text made of repeated lines still aligns every line it did not touch. Coarser
    where lines repeat unevenly, never wrong."""
    if len(a) + len(b) <= LINE_DIFF_MAX_LINES:
        return SequenceMatcher(None, a, b, autojunk=True).get_opcodes()
    blocks: list[tuple[int, int, int]] = []
    i = j = 0
    for bi, bj, n in [
        *_anchored_blocks(a, b, 0, len(a), 0, len(b), once=True),
        (len(a), len(b), 0),
    ]:
        if i < bi and j < bj:  # a gap on both sides: anchor on lines repeated alike
            blocks.extend(_anchored_blocks(a, b, i, bi, j, bj, once=False))
        if n:
            blocks.append((bi, bj, n))
        i, j = bi + n, bj + n
    opcodes: list[Opcode] = []
    i = j = 0
    for bi, bj, n in [*blocks, (len(a), len(b), 0)]:
        if i < bi or j < bj:
            tag = "replace" if i < bi and j < bj else "delete" if i < bi else "insert"
            opcodes.append((tag, i, bi, j, bj))
        if n:
            opcodes.append(("equal", bi, bi + n, bj, bj + n))
        i, j = bi + n, bj + n
    return opcodes


def _anchored_blocks(
    a: list[str], b: list[str], a0: int, a1: int, b0: int, b1: int, *, once: bool
) -> list[tuple[int, int, int]]:
    """Blocks of equal lines of a[a0:a1] and b[b0:b1], in order, grown from anchors: lines that
    occur once on each side (``once``), or as many times on each side, paired by rank."""
    seen_a: dict[str, list[int]] = {}
    for i in range(a0, a1):
        seen_a.setdefault(a[i], []).append(i)
    seen_b: dict[str, list[int]] = {}
    for j in range(b0, b1):
        seen_b.setdefault(b[j], []).append(j)
    pairs = []
    for line, where_a in seen_a.items():
        where_b = seen_b.get(line)
        if where_b is None or len(where_a) != len(where_b) or (once and len(where_a) > 1):
            continue
        pairs.extend(zip(where_a, where_b, strict=True))
    pairs.sort()
    blocks: list[tuple[int, int, int]] = []
    done_a, done_b = a0, b0
    for i, j in _increasing(pairs):
        if i < done_a or j < done_b:
            continue  # inside the block grown from the anchor before
        start_i, start_j = i, j
        while start_i > done_a and start_j > done_b and a[start_i - 1] == b[start_j - 1]:
            start_i, start_j = start_i - 1, start_j - 1
        end_i, end_j = i + 1, j + 1
        while end_i < a1 and end_j < b1 and a[end_i] == b[end_j]:
            end_i, end_j = end_i + 1, end_j + 1
        blocks.append((start_i, start_j, end_i - start_i))
        done_a, done_b = end_i, end_j
    return blocks


def _increasing(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The longest run of ``pairs`` (in order of their first item) whose second items increase:
    patience sorting, n log n."""
    tops: list[int] = []  # the second item ending the best run of each length
    ends: list[int] = []  # the index in pairs of that run's last pair
    before = [-1] * len(pairs)
    for k, (_, j) in enumerate(pairs):
        at = bisect.bisect_left(tops, j)
        if at:
            before[k] = ends[at - 1]
        if at == len(tops):
            tops.append(j)
            ends.append(k)
        else:
            tops[at], ends[at] = j, k
    run, k = [], ends[-1] if ends else -1
    while k >= 0:
        run.append(pairs[k])
        k = before[k]
    return run[::-1]


def _diff(a: str, b: str, a0: int, b0: int, out: list[Block], *, words: bool, budget: list[int]):
    """Append the matching blocks of a and b (offsets shifted by a0, b0) to ``out``. Blocks of
    whole lines are sure; blocks of words inside replaced lines are not (the same words may have
    been matched in another sentence), so a claim in one is checked against its context."""
    pa, oa = _pieces(a, _TOKEN if words else None)
    pb, ob = _pieces(b, _TOKEN if words else None)
    opcodes = (
        SequenceMatcher(None, pa, pb, autojunk=True).get_opcodes()
        if words
        else line_opcodes(pa, pb)
    )
    for tag, i1, i2, j1, j2 in opcodes:
        if tag == "equal":
            out.append((a0 + oa[i1], b0 + ob[j1], oa[i2] - oa[i1], not words))
        elif tag == "replace" and not words:
            sa, sb = a[oa[i1] : oa[i2]], b[ob[j1] : ob[j2]]
            size = len(sa) + len(sb)
            if size <= min(WORD_DIFF_MAX_TOKENS * 8, budget[0]):  # a size bound before tokenising
                budget[0] -= size
                _diff(sa, sb, a0 + oa[i1], b0 + ob[j1], out, words=True, budget=budget)


def matching_blocks(old: str, new: str) -> list[Block]:
    """(old start, new start, length, sure) of the text the two bodies share, in order,
    adjacent blocks merged; every block is old[i:i+n] == new[j:j+n]."""
    head = _common_prefix(old, new)
    if head < min(len(old), len(new)):
        head = old.rfind("\n", 0, head) + 1  # whole lines only, so the middle's lines align
    tail = _common_suffix(old, new, min(len(old), len(new)) - head)
    if tail and tail < len(old) and old[len(old) - tail - 1] != "\n":
        cut = old.find("\n", len(old) - tail)
        tail = len(old) - cut - 1 if cut >= 0 else 0
    blocks: list[Block] = []
    if head:
        blocks.append((0, 0, head, True))
    mid_old, mid_new = old[head : len(old) - tail], new[head : len(new) - tail]
    if mid_old and mid_new:
        _diff(mid_old, mid_new, head, head, blocks, words=False, budget=[WORD_DIFF_BUDGET_CHARS])
    if tail:
        blocks.append((len(old) - tail, len(new) - tail, tail, True))
    merged: list[Block] = []
    for i, j, n, sure in blocks:
        if not n:
            continue
        last = merged[-1] if merged else None
        if last and last[0] + last[2] == i and last[1] + last[2] == j and last[3] == sure:
            merged[-1] = (last[0], last[1], last[2] + n, sure)
        else:
            merged.append((i, j, n, sure))
    return merged


class Mapping:
    """Old offsets to new ones through the matching blocks."""

    def __init__(self, blocks: list[Block]):
        self.blocks = blocks
        self.starts = [b[0] for b in blocks]

    def block_of(self, start: int, end: int) -> Block | None:
        """The block holding all of old [start, end), if one does."""
        k = bisect.bisect_right(self.starts, start) - 1
        if k < 0:
            return None
        i, _j, n, _sure = self.blocks[k]
        return self.blocks[k] if start >= i and end <= i + n else None

    def project(self, offset: int) -> int:
        """Where an old offset falls in the new body: exact inside a block, else the new offset
        just after the last block before it (the start of what replaced that text)."""
        k = bisect.bisect_right(self.starts, offset) - 1
        if k < 0:
            return 0
        i, j, n, _sure = self.blocks[k]
        return j + min(offset - i, n)


# --- 2. the search ------------------------------------------------------------------------------


def similarity(a: str, b: str) -> float:
    """0..1: how alike two texts are (difflib's ratio; on words for long texts, so the cost
    stays bounded)."""
    if a == b:
        return 1.0
    if not a or not b:
        return 0.0
    if len(a) + len(b) > SIMILARITY_MAX_CHARS:
        a_parts, b_parts = _TOKEN.findall(a), _TOKEN.findall(b)
        return SequenceMatcher(None, a_parts, b_parts, autojunk=True).ratio()
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def _tail_alike(expected: str, found: str) -> float:
    """How much of a prefix matches, read backwards from the span (the nearest text counts)."""
    if not expected:
        return 1.0 if not found else 0.5
    n = 0
    for x, y in zip(reversed(expected), reversed(found), strict=False):
        if x != y:
            break
        n += 1
    return max(n / len(expected), similarity(expected, found) * 0.9)


def _head_alike(expected: str, found: str) -> float:
    if not expected:
        return 1.0 if not found else 0.5
    n = 0
    for x, y in zip(expected, found, strict=False):
        if x != y:
            break
        n += 1
    return max(n / len(expected), similarity(expected, found) * 0.9)


def _context(anchor: Anchor, new: str, start: int, end: int) -> tuple[float, float]:
    prefix = new[max(0, start - len(anchor.prefix)) : start]
    suffix = new[end : end + len(anchor.suffix)]
    return _tail_alike(anchor.prefix, prefix), _head_alike(anchor.suffix, suffix)


def _position(expected: int | None, start: int, length: int) -> float:
    if expected is None:
        return 0.5
    return 1.0 / (1.0 + abs(start - expected) / max(length, 1_000))


def score(
    anchor: Anchor, new: str, start: int, end: int, expected: int | None
) -> tuple[float, float]:
    """(score, context) of the candidate span [start, end) for ``anchor``, each 0..1."""
    quote_sim = similarity(anchor.quote, new[start:end])
    pre, suf = _context(anchor, new, start, end)
    pos = _position(expected, start, len(new))
    total = W_QUOTE * quote_sim + W_PREFIX * pre + W_SUFFIX * suf + W_POSITION * pos
    return min(1.0, total), (pre + suf) / 2


class Finder:
    """Verbatim look-ups in the new body. The first ones scan it (``str.find``); once they have
    read ``FIND_BUDGET`` characters, an index of the body's word starts is built once: their
    offsets sorted by the ``SORT_KEY`` characters that follow each (a stable sort, so offsets
    ascend among equal keys). A piece holding a word start at k is then found by bisecting for
    its text from k on: the range holds only the word starts followed by that text (up to
    ``SORT_KEY`` characters), and each is checked against the whole piece. So n look-ups in a
    long body cost the body once (sorting it) plus n bisections and their matches, not n bodies
    (a body replaced by unrelated text sends every claim here). An index of ``KEY`` characters
    would not do: a two-word key recurs in proportion to the body, and a piece that is not
    there had all its recurrences checked, so the cost grew with the square of the body."""

    def __init__(self, text: str):
        self.text = text
        self.scanned = 0
        self.order: list[int] | None = None

    def _build(self) -> None:
        text = self.text
        order = [m.start() for m in _WORD_START.finditer(text)]
        order.sort(key=lambda p: text[p : p + SORT_KEY])
        self.order = order

    def _range(self, key: str) -> tuple[int, int]:
        """The slice of the index whose word starts are followed by ``key``."""
        text, n = self.text, len(key)

        def head(p: int) -> str:
            return text[p : p + n]

        lo = bisect.bisect_left(self.order, key, key=head)
        return lo, bisect.bisect_right(self.order, key, lo=lo, key=head)

    def find_all(self, piece: str, limit: int) -> list[int]:
        text = self.text
        if not piece.strip():
            return []
        starts = self._word_starts(piece)
        budget = max(FIND_BUDGET, FIND_SCANS * len(text))
        if starts and self.order is None and self.scanned >= budget:
            self._build()
        if starts and self.order is not None:
            # The word start followed by the rarest text: the fewest offsets to verify. The first
            # ones are followed by the most of the piece; a few bisections settle it.
            k, lo, hi = starts[0], 0, len(self.order) + 1
            for start in starts[:3]:
                found = self._range(piece[start : start + SORT_KEY])
                if found[1] - found[0] < hi - lo:
                    k, (lo, hi) = start, found
                if hi - lo <= 16:
                    break
            # A whole sort key is one run of equal keys, in offset order: stop at the limit.
            in_order = len(piece) - k >= SORT_KEY
            out = []
            for i in range(lo, hi):
                at = self.order[i] - k
                if at >= 0 and text.startswith(piece, at):
                    out.append(at)
                    if in_order and len(out) == limit:
                        break
            return sorted(out)[:limit]
        out, at = [], text.find(piece)
        while at >= 0 and len(out) < limit:
            out.append(at)
            at = text.find(piece, at + 1)
        self.scanned += len(text) if len(out) < limit else at
        return out

    @staticmethod
    def _word_starts(piece: str) -> list[int]:
        """Offsets k >= 1 in ``piece`` where a word starts whatever comes before the piece, with
        KEY characters after them (at most 8)."""
        out = []
        for m in _WORD_START.finditer(piece, 1):
            if m.start() + KEY > len(piece) or len(out) == 8:
                break
            out.append(m.start())
        return out


def _exact(anchor: Anchor, new: str, expected: int | None, finder: Finder) -> Placement | None:
    quote = anchor.quote
    hits = finder.find_all(quote, MAX_EXACT_HITS)
    best: tuple[float, float, int] | None = None
    second = 0.0
    for at in hits:
        total, context = score(anchor, new, at, at + len(quote), expected)
        if best is None or total > best[0]:
            second = best[0] if best else 0.0
            best = (total, context, at)
        elif total > second:
            second = total
    if best is None:
        return None
    total, context, at = best
    if context < MIN_CONTEXT and len(quote) < 60:
        return None  # the same words elsewhere, in other surroundings: not this claim
    if second and total - second < 0.02:
        total = min(total, 0.5 + context / 2) * 0.9  # a tie the context could not break
    return Placement(anchor.id, "moved", at, at + len(quote), round(total, 4))


def _candidates(
    anchor: Anchor, new: str, projected: tuple[int, int] | None, finder: Finder
) -> set[tuple[int, int]]:
    length = len(anchor.quote)
    low, high = max(1, int(length * 0.5)), int(length * 1.6) + 8
    starts: set[int] = set()
    ends: set[int] = set()
    q = anchor.quote
    for at in finder.find_all(q[:PIECE], 6):
        starts.add(at)
    for at in finder.find_all(q[-PIECE:], 6):
        ends.add(at + min(PIECE, length))
    if len(anchor.prefix) >= 8:
        for at in finder.find_all(anchor.prefix[-PIECE:], 6):
            starts.add(at + len(anchor.prefix[-PIECE:]))
    if len(anchor.suffix) >= 8:
        for at in finder.find_all(anchor.suffix[:PIECE], 6):
            ends.add(at)
    spans: set[tuple[int, int]] = set()
    if projected is not None and projected[1] > projected[0]:
        spans.add(projected)
        starts.add(projected[0])
        ends.add(projected[1])
    for s in starts:
        for e in ends:
            if low <= e - s <= high:
                spans.add((s, e))
        if not any(low <= e - s <= high for e in ends):
            spans.add((s, min(len(new), s + length)))
    for e in ends:
        if not any(low <= e - s <= high for s in starts):
            spans.add((max(0, e - length), e))
    spans = {(s, e) for s, e in spans if 0 <= s < e <= len(new)}
    if len(spans) > MAX_CANDIDATES:
        centre = projected[0] if projected else 0
        spans = set(sorted(spans, key=lambda se: abs(se[0] - centre))[:MAX_CANDIDATES])
    return spans


def _fuzzy(
    anchor: Anchor,
    new: str,
    projected: tuple[int, int] | None,
    expected: int | None,
    finder: Finder,
) -> Placement | None:
    best: tuple[float, int, int] | None = None
    for s, e in _candidates(anchor, new, projected, finder):
        total, _context_score = score(anchor, new, s, e, expected)
        if best is None or total > best[0]:
            best = (total, s, e)
    if best is None or best[0] < MIN_CONFIDENCE:
        return None
    total, s, e = best
    s, e = _trim(new, s, e)
    if s >= e:
        return None
    status = "moved" if new[s:e] == anchor.quote else "changed"
    return Placement(anchor.id, status, s, e, round(total, 4))


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """A span without leading or trailing white space (a projection can take some in)."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


# --- the whole ----------------------------------------------------------------------------------


def reanchor(old: str, new: str, anchors: list[Anchor]) -> list[Placement]:
    """Where each anchor lies in ``new``: one Placement per anchor, in the same order."""
    mapping = Mapping(matching_blocks(old, new))
    finder = Finder(new)
    out = []
    for anchor in anchors:
        if anchor.start is not None and anchor.end is not None:
            block = mapping.block_of(anchor.start, anchor.end)
            if block is not None:
                start = anchor.start + block[1] - block[0]
                end = start + (anchor.end - anchor.start)
                if not block[3]:  # words matched inside rewritten lines: the context decides
                    found = _exact(anchor, new, start, finder)
                    if found is not None and found.start != start:
                        out.append(found)
                        continue
                out.append(Placement(anchor.id, "moved", start, end, 1.0))
                continue
            expected = mapping.project(anchor.start)
            projected = (expected, mapping.project(anchor.end))
            if projected[1] <= projected[0]:
                projected = None
        else:
            expected = projected = None
        found = _exact(anchor, new, expected, finder) if anchor.quote else None
        if found is None and anchor.quote:
            found = _fuzzy(anchor, new, projected, expected, finder)
        out.append(found or Placement(anchor.id, "lost"))
    return out

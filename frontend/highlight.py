"""The article body as HTML with every claim marked in place, built from code-point offsets.

Claims may overlap. The body is cut at every claim boundary into segments; each segment is wrapped
in one ``<mark>`` per claim covering it (outermost first), up to ``MAX_NEST`` of them: the innermost
ones, and always the claims that begin there. Each claim gets a lane (the lowest one free where it
starts) that sets how far below the text its underline sits, so overlapping claims draw separate
lines. The first fragment of each claim carries its visible label and its id.

One sweep over the sorted boundaries: the claims covering a segment are kept in a linked list in
the order they began, so a segment costs the marks it writes, and the page is linear in claims plus
text. Wrapping every segment in all the claims covering it would make 2,000 nested claims two
million marks; past the sixth lane the underlines are drawn at the same depth anyway.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape  # what django.utils.html.escape calls, without its SafeString per call

MAX_LANE = 5
# The most marks around one segment (more only where more claims begin there).
MAX_NEST = 8


@dataclass(frozen=True)
class Span:
    """What the highlighter needs to know about a claim."""

    id: int
    number: int
    start: int
    end: int
    status: str
    status_label: str


def assign_lanes(spans: Sequence[Span]) -> dict[int, int]:
    """Give each span the lowest lane not used by a span still open where it starts."""
    lanes: dict[int, int] = {}
    busy: list[tuple[int, int]] = []  # (end, lane) of the spans holding a lane
    free: list[int] = []  # lanes given back, lowest first
    for span in sorted(spans, key=lambda s: (s.start, -s.end, s.id)):
        while busy and busy[0][0] <= span.start:
            heapq.heappush(free, heapq.heappop(busy)[1])
        lane = heapq.heappop(free) if free else len(busy)  # every lane is busy: a new one
        lanes[span.id] = lane
        heapq.heappush(busy, (span.end, lane))
    return lanes


def _text(text: str) -> str:
    # HTML parsing turns CR and CRLF into LF: a character reference keeps the offsets exact.
    return escape(text).replace("\r", "&#13;")


def _open_tag(span: Span, lane: int, first: bool) -> str:
    name = escape(f"Claim {span.number}, {span.status_label}")
    attrs = (
        f'class="claim st-{escape(str(span.status))} lane-{min(lane, MAX_LANE)}"'
        f' data-claim="{span.id}" aria-label="{name}" title="{name}"'
    )
    if first:
        label = (
            f'<span class="claim-label" aria-hidden="true">'
            f"{span.number}\u00a0{escape(str(span.status_label))}</span>"
        )
        return f'<mark id="claim-{span.id}" {attrs}>{label}'
    return f"<mark {attrs}>"


def render_body(body: str, spans: Iterable[Span]) -> str:
    """The body as escaped HTML with nested ``<mark>`` elements for the spans (pre-wrap text)."""
    spans = [s for s in spans if 0 <= s.start < s.end <= len(body)]
    if not spans:
        return _text(body)
    lanes = assign_lanes(spans)
    spans.sort(key=lambda s: (s.start, -s.end, s.id))  # outermost first where they start together
    ends: dict[int, list[Span]] = {}
    cuts = {0, len(body)}
    for span in spans:
        ends.setdefault(span.end, []).append(span)
        cuts.add(span.start)
        cuts.add(span.end)
    # The open spans in the order they began, as a doubly linked list (span id -> neighbours).
    prev: dict[int, Span | None] = {}
    nxt: dict[int, Span | None] = {}
    head: Span | None = None
    tail: Span | None = None
    begun = 0
    later: dict[int, str] = {}  # the tag of each span's later fragments, escaped once
    parts: list[str] = []
    for left, right in itertools.pairwise(sorted(cuts)):
        for span in ends.pop(left, ()):
            before, after = prev.pop(span.id), nxt.pop(span.id)
            if before is None:
                head = after
            else:
                nxt[before.id] = after
            if after is None:
                tail = before
            else:
                prev[after.id] = before
        starting = 0
        while begun < len(spans) and spans[begun].start == left:
            span = spans[begun]
            prev[span.id], nxt[span.id] = tail, None
            if tail is None:
                head = span
            else:
                nxt[tail.id] = span
            tail = span
            begun += 1
            starting += 1
        text = _text(body[left:right])
        if head is None:
            parts.append(text)
            continue
        wrapped: list[Span] = []
        span = tail
        while span is not None and len(wrapped) < max(MAX_NEST, starting):
            wrapped.append(span)
            span = prev[span.id]
        for i, span in enumerate(reversed(wrapped)):
            if i >= len(wrapped) - starting:  # the claims that begin here: their first fragment
                parts.append(_open_tag(span, lanes[span.id], True))
            else:
                tag = later.get(span.id)
                if tag is None:
                    tag = later[span.id] = _open_tag(span, lanes[span.id], False)
                parts.append(tag)
        parts.append(text)
        parts.append("</mark>" * len(wrapped))
    return "".join(parts)

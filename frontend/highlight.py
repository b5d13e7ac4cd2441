"""The article body as HTML with every claim marked in place, built from code-point offsets.

Claims may overlap. The body is cut at every claim boundary into segments; each segment is wrapped
in one ``<mark>`` per claim covering it (outermost first). Each claim gets a lane (the lowest one
free where it starts) that sets how far below the text its underline sits, so overlapping claims
draw separate lines. The first fragment of each claim carries its visible label and its id.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils.html import escape

MAX_LANE = 5


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
    lane_end: list[int] = []
    for span in sorted(spans, key=lambda s: (s.start, -s.end, s.id)):
        for lane, end in enumerate(lane_end):
            if end <= span.start:
                lane_end[lane] = span.end
                lanes[span.id] = lane
                break
        else:
            lanes[span.id] = len(lane_end)
            lane_end.append(span.end)
    return lanes


def _text(text: str) -> str:
    # HTML parsing turns CR and CRLF into LF: a character reference keeps the offsets exact.
    return escape(text).replace("\r", "&#13;")


def _open_tag(span: Span, lane: int, first: bool) -> str:
    name = f"Claim {span.number}, {span.status_label}"
    attrs = (
        f'class="claim st-{escape(span.status)} lane-{min(lane, MAX_LANE)}"'
        f' data-claim="{span.id}" aria-label="{escape(name)}" title="{escape(name)}"'
    )
    if first:
        label = (
            f'<span class="claim-label" aria-hidden="true">'
            f"{span.number}\u00a0{escape(span.status_label)}</span>"
        )
        return f'<mark id="claim-{span.id}" {attrs}>{label}'
    return f"<mark {attrs}>"


def render_body(body: str, spans: Iterable[Span]) -> str:
    """The body as escaped HTML with nested ``<mark>`` elements for the spans (pre-wrap text)."""
    spans = [s for s in spans if 0 <= s.start < s.end <= len(body)]
    if not spans:
        return _text(body)
    lanes = assign_lanes(spans)
    starts: dict[int, list[Span]] = {}
    cuts = {0, len(body)}
    for span in spans:
        starts.setdefault(span.start, []).append(span)
        cuts.add(span.start)
        cuts.add(span.end)
    order = sorted(cuts)
    active: list[Span] = []
    seen: set[int] = set()
    parts: list[str] = []
    for left, right in itertools.pairwise(order):
        active = [s for s in active if s.end > left]
        active.extend(starts.get(left, ()))
        text = _text(body[left:right])
        if not active:
            parts.append(text)
            continue
        covering = sorted(active, key=lambda s: (s.start, -s.end, s.id))
        for span in covering:
            first = span.id not in seen
            seen.add(span.id)
            parts.append(_open_tag(span, lanes[span.id], first))
        parts.append(text)
        parts.append("</mark>" * len(covering))
    return "".join(parts)

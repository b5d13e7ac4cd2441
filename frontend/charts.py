"""Small bar charts as SVG geometry, drawn by the template (no script, no CDN, CSP-safe)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.html import format_html_join

WIDTH, HEIGHT, GAP = 600, 120, 2


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: float


def bar_chart(points: list[tuple[str, float | None]], *, title: str) -> dict:
    """Bars scaled to the largest value; a missing value draws no bar but keeps its place."""
    top = max((v for _, v in points if v), default=0) or 1
    step = WIDTH / max(len(points), 1)
    bars = []
    for n, (label, value) in enumerate(points):
        height = 0 if not value else HEIGHT * value / top
        bars.append(
            Bar(
                x=round(n * step, 2),
                y=round(HEIGHT - height, 2),
                width=round(max(step - GAP, 1), 2),
                height=round(height, 2),
                label=label,
                value=value if value is not None else 0,
            )
        )
    return {
        "title": title,
        "bars": bars,
        "width": WIDTH,
        "height": HEIGHT,
        "top": top,
        # The bars' markup, escaped, built here in one pass: a template loop over every bar of
        # every chart cost more than the figures themselves for a year (bench/desk_stats.py).
        "svg_bars": format_html_join(
            "",
            '<rect x="{}" y="{}" width="{}" height="{}" fill="#3465a4"><title>{}: {}</title></rect>',
            ((b.x, b.y, b.width, b.height, b.label, _number(b.value)) for b in bars),
        ),
    }


def _number(value: float) -> str:
    """At most two decimals, none for a whole number (as the template's floatformat:"-2")."""
    text = f"{value:.2f}"
    return text[:-3] if text.endswith(".00") else text

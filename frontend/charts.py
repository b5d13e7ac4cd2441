"""Small bar charts as SVG geometry, drawn by the template (no script, no CDN, CSP-safe)."""

from __future__ import annotations

from dataclasses import dataclass

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
    return {"title": title, "bars": bars, "width": WIDTH, "height": HEIGHT, "top": top}

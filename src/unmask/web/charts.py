"""Bar-chart geometry for the server-drawn SVG timelines (no chart library, no inline styles).

Templates draw what this returns: each bar's rectangle and CSS class (burst, before/after a hijack,
language), so the pages need no script to show a timeline and colours live in the stylesheet.
"""

from __future__ import annotations

from dataclasses import dataclass

WIDTH = 900
HEIGHT = 180
PAD_LEFT = 36
PAD_BOTTOM = 22
PAD_TOP = 8


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: int
    css: str


@dataclass(frozen=True)
class Chart:
    bars: list[Bar]
    width: int
    height: int
    max_value: int
    first_label: str
    last_label: str
    baseline: float
    marker_x: float | None = None  # a vertical line, e.g. where a hijacked account resumed posting


def bar_chart(points: list[tuple[str, int, str]], marker_index: int | None = None) -> Chart:
    """One bar per (label, value, css class) point, scaled to the tallest."""
    top = max((value for _, value, _ in points), default=0) or 1
    plot_w = WIDTH - PAD_LEFT
    plot_h = HEIGHT - PAD_BOTTOM - PAD_TOP
    slot = plot_w / max(len(points), 1)
    gap = min(2.0, slot * 0.2)
    bars = []
    for i, (label, value, css) in enumerate(points):
        h = plot_h * value / top
        bars.append(
            Bar(
                x=round(PAD_LEFT + i * slot, 2),
                y=round(PAD_TOP + plot_h - h, 2),
                width=round(max(slot - gap, 0.5), 2),
                height=round(h, 2),
                label=label,
                value=value,
                css=css,
            )
        )
    marker = round(PAD_LEFT + marker_index * slot, 2) if marker_index is not None else None
    return Chart(
        bars=bars,
        width=WIDTH,
        height=HEIGHT,
        max_value=top,
        first_label=points[0][0] if points else "",
        last_label=points[-1][0] if points else "",
        baseline=PAD_TOP + plot_h,
        marker_x=marker,
    )

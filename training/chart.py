"""The compliance trend: the share of required training held (current or due) at the end of
each month, as numbers an inline SVG draws with attributes only (the CSP allows no inline
styles or scripts, so no JavaScript charting). The page puts the same figures in a table
beside it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from training.compliance import Counts

WIDTH, HEIGHT = 560, 220
_LEFT, _RIGHT, _TOP, _BOTTOM = 44, 10, 12, 34
# Dark enough for 3:1 against white (WCAG 1.4.11, graphical objects).
BAR_COLOUR = "#1d3557"


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str  # "Mar 2026"
    value: str  # "72%"
    title: str  # for the tooltip and screen readers


@dataclass(frozen=True)
class TrendChart:
    width: int
    height: int
    left: int
    right: int
    baseline: float
    bars: list[Bar]
    gridlines: list[tuple[float, str]]
    description: str


def trend_chart(trend: list[tuple[date, Counts]]) -> TrendChart | None:
    """One bar per month: the percentage compliant. None when nothing is required yet."""
    if not trend or not any(counts.total for _, counts in trend):
        return None
    plot_width = WIDTH - _LEFT - _RIGHT
    plot_height = HEIGHT - _TOP - _BOTTOM
    baseline = _TOP + plot_height
    slot = plot_width / len(trend)
    bars: list[Bar] = []
    for index, (day, counts) in enumerate(trend):
        percent = counts.percent or 0
        height = plot_height * percent / 100
        label = day.strftime("%b %Y")
        bars.append(
            Bar(
                x=round(_LEFT + index * slot + slot * 0.15, 1),
                y=round(baseline - height, 1),
                width=round(slot * 0.7, 1),
                height=round(height, 1),
                label=day.strftime("%b"),
                value=f"{percent}%" if counts.total else "-",
                title=f"{label}: {percent}% compliant ({counts.compliant} of {counts.total})",
            )
        )
    gridlines = [
        (round(baseline - plot_height * p / 100, 1), f"{p}%") for p in (0, 25, 50, 75, 100)
    ]
    return TrendChart(
        width=WIDTH,
        height=HEIGHT,
        left=_LEFT,
        right=WIDTH - _RIGHT,
        baseline=baseline,
        bars=bars,
        gridlines=gridlines,
        description="; ".join(bar.title for bar in bars),
    )

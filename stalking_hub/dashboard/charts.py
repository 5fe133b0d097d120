"""Server-rendered SVG charts: geometry computed here, drawn by the template with attributes
only (the CSP allows no inline script or style). Each chart has its data table beside it on
the page, so the SVG is a picture of the table, never the only way to read it."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

WIDTH, HEIGHT = 600, 240
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 16, 40
# Dark enough for 3:1 against white (WCAG 1.4.11), told apart by dash pattern as well as colour.
PALETTE = (("#1d3557", ""), ("#b5179e", "6 3"), ("#2a6f2b", "2 3"), ("#8a4b08", "9 3 2 3"))
MARKER_FILL = "#e9ecef"


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    title: str


@dataclass(frozen=True)
class Line:
    label: str
    colour: str
    dash: str
    points: str  # the polyline's "x,y x,y ..."
    dots: list[Point]


@dataclass(frozen=True)
class Band:
    x: float
    width: float
    title: str


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True)
class SvgChart:
    width: int
    height: int
    left: int
    right_edge: int
    top: int
    baseline: int
    lines: list[Line]
    bands: list[Band]
    x_ticks: list[Tick]
    gridlines: list[tuple[float, str]]
    description: str


def nice_ceiling(value: int) -> int:
    """The next round number at or above `value` (1, 2 or 5 times a power of ten)."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power


def line_chart(
    months: Sequence[date],
    series: Sequence[tuple[str, Sequence[int]]],
    *,
    marker: tuple[str, Sequence[int]] | None = None,
) -> SvgChart:
    """One line per series over the months; months where the marker series is above zero are
    shaded (training delivered, drawn behind every chart)."""
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = HEIGHT - TOP - BOTTOM
    baseline = TOP + plot_height
    top_value = nice_ceiling(max((max(values, default=0) for _, values in series), default=0))
    slot = plot_width / max(len(months), 1)

    def x_of(index: int) -> float:
        return round(LEFT + slot * (index + 0.5), 1)

    def y_of(value: int) -> float:
        return round(baseline - plot_height * value / top_value, 1)

    lines: list[Line] = []
    for number, (label, values) in enumerate(series):
        colour, dash = PALETTE[number % len(PALETTE)]
        dots = [
            Point(x_of(i), y_of(v), f"{label}, {months[i]:%b %Y}: {v}")
            for i, v in enumerate(values)
        ]
        lines.append(
            Line(
                label=label,
                colour=colour,
                dash=dash,
                points=" ".join(f"{dot.x},{dot.y}" for dot in dots),
                dots=dots,
            )
        )
    bands: list[Band] = []
    if marker is not None:
        marker_label, marker_values = marker
        bands = [
            Band(
                round(LEFT + slot * i, 1),
                round(slot, 1),
                f"{marker_label}, {months[i]:%b %Y}: {value}",
            )
            for i, value in enumerate(marker_values)
            if value > 0
        ]
    every = 1 if len(months) <= 6 else 2
    ticks = [Tick(x_of(i), f"{month:%b %y}") for i, month in enumerate(months) if i % every == 0]
    gridlines = [
        (y_of(top_value * step // 4), f"{top_value * step // 4:,}") for step in range(0, 5)
    ]
    names = ", ".join(label for label, _ in series)
    description = (
        f"Line chart by month, {months[0]:%B %Y} to {months[-1]:%B %Y}: {names}."
        if months
        else names
    )
    if bands:
        description += f" Shaded months: {marker[0] if marker else ''}."
    return SvgChart(
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        right_edge=WIDTH - RIGHT,
        top=TOP,
        baseline=baseline,
        lines=lines,
        bands=bands,
        x_ticks=ticks,
        gridlines=gridlines,
        description=description,
    )

"""The risk history chart: final level over time, as numbers an inline SVG can draw.

Server-rendered on purpose: the CSP allows no inline styles or scripts, so there is no JS
charting library; the template draws lines and points with SVG attributes.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from risk.models import RiskAssessment

# Fill colours per level (SVG attributes, not styles: the CSP forbids inline styles). Dark
# enough for a 3:1 contrast with the white background (WCAG 1.4.11, graphical objects).
LEVEL_COLOURS = {"standard": "#6c757d", "medium": "#a05a00", "high": "#b02a37"}


@dataclass(frozen=True)
class ChartPoint:
    x: float
    y: float
    level: str
    label: str

    @property
    def colour(self) -> str:
        return LEVEL_COLOURS.get(self.level, "#6c757d")


@dataclass(frozen=True)
class RiskChart:
    """A step chart of the final level over time, drawn as inline SVG by the template."""

    width: int
    height: int
    left: int  # x of the plot's left edge (level labels sit to its left)
    right: int  # x of the plot's right edge
    axis_y: int  # y of the date labels
    points: list[ChartPoint]
    path: str  # the SVG polyline "x,y x,y …"
    gridlines: list[tuple[float, str]]  # (y, level label)
    first_label: str
    last_label: str
    description: str


CHART_WIDTH, CHART_HEIGHT = 560, 150
_LEFT, _RIGHT, _TOP, _BOTTOM = 80, 20, 15, 30
_LEVEL_ROWS = {"standard": 0, "medium": 1, "high": 2}
_LEVEL_LABELS = {"standard": "Standard", "medium": "Medium", "high": "High"}


def risk_chart(assessments: list[RiskAssessment]) -> RiskChart | None:
    """The final level of each assessment against its completion date; None if there are none.

    Dates are spaced by time (a single assessment sits in the middle); the line steps, since a
    level holds until the next assessment changes it.
    """
    if not assessments:
        return None
    plot_width = CHART_WIDTH - _LEFT - _RIGHT
    plot_height = CHART_HEIGHT - _TOP - _BOTTOM
    first = assessments[0].completed_at
    span = (assessments[-1].completed_at - first).total_seconds()

    def y_of(level: str) -> float:
        return _TOP + plot_height - _LEVEL_ROWS.get(level, 0) * plot_height / 2

    points: list[ChartPoint] = []
    for assessment in assessments:
        offset = (assessment.completed_at - first).total_seconds()
        x = _LEFT + (plot_width * offset / span if span else plot_width / 2)
        when = timezone.localdate(assessment.completed_at).isoformat()
        level = assessment.final_level
        points.append(
            ChartPoint(
                x=round(x, 1),
                y=round(y_of(level), 1),
                level=level,
                label=f"{when}: {assessment.instrument.name}, {_LEVEL_LABELS.get(level, level)}",
            )
        )
    steps: list[str] = []
    for index, point in enumerate(points):
        if index:
            steps.append(f"{point.x},{points[index - 1].y}")
        steps.append(f"{point.x},{point.y}")
    # Hold the last level to the right edge: it is the current risk.
    steps.append(f"{_LEFT + plot_width},{points[-1].y}")
    return RiskChart(
        width=CHART_WIDTH,
        height=CHART_HEIGHT,
        left=_LEFT,
        right=CHART_WIDTH - _RIGHT,
        axis_y=CHART_HEIGHT - 8,
        points=points,
        path=" ".join(steps),
        gridlines=[(round(y_of(level), 1), label) for level, label in _LEVEL_LABELS.items()],
        first_label=timezone.localdate(first).isoformat(),
        last_label=timezone.localdate(assessments[-1].completed_at).isoformat(),
        description="; ".join(point.label for point in points),
    )

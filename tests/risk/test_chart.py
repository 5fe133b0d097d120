"""The server-rendered risk chart: positions by date, steps between levels."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from risk.chart import CHART_WIDTH, risk_chart
from tests.factories import RiskAssessmentFactory

START = datetime(2026, 3, 2, 10, tzinfo=UTC)


def test_no_assessments_no_chart():
    assert risk_chart([]) is None


def test_points_are_spaced_by_time_and_the_line_steps(case):
    first = RiskAssessmentFactory(case=case, completed_at=START)  # FOUR: medium
    second = RiskAssessmentFactory(case=case, dash_high=True, completed_at=START + timedelta(3))
    third = RiskAssessmentFactory(case=case, completed_at=START + timedelta(4))
    chart = risk_chart([first, second, third])
    assert chart is not None
    xs = [point.x for point in chart.points]
    assert xs[0] == chart.left
    assert xs[2] == chart.right
    assert round((xs[1] - xs[0]) / (xs[2] - xs[0]), 2) == 0.75
    medium, high, medium_again = (point.y for point in chart.points)
    assert high < medium == medium_again  # SVG y grows downwards
    # Horizontal then vertical: a level holds until the next assessment.
    assert chart.path.split()[1] == f"{xs[1]},{medium}"
    assert chart.points[1].colour == "#b02a37"
    assert chart.first_label == "2026-03-02"
    assert chart.last_label == "2026-03-06"
    assert "2026-03-05: DASH risk identification checklist, High" in chart.description


def test_a_single_assessment_sits_in_the_middle(case):
    chart = risk_chart([RiskAssessmentFactory(case=case, completed_at=START)])
    assert chart is not None
    assert chart.points[0].x == chart.left + (chart.right - chart.left) / 2
    assert chart.width == CHART_WIDTH

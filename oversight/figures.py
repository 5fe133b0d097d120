"""Oversight's figures for the coordinator's dashboard (foundation/lib/figures.py): directions
to officers by due date, and detections of stalking logs by the month they were recorded."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

from foundation.lib.figures import (
    DeadlineCount,
    DeadlineFigure,
    FigureLink,
    TrendFigure,
    add_months,
    deadline_count,
    register_figure,
)
from oversight.models import Direction
from oversight.permissions import can_read_oversight
from oversight.selectors import STALKING, detection_outcome_rates

_OPEN_DIRECTIONS = (Direction.Status.OPEN, Direction.Status.ACKNOWLEDGED)


def directions_due_figure(now: datetime) -> DeadlineCount:
    return deadline_count(Direction.objects.filter(status__in=_OPEN_DIRECTIONS), "due_on", now)


def detections_by_month(first: date, last: date) -> Mapping[date, int]:
    """Stalking logs (on a hub case or under a stalking code) detected — a charge or an
    out-of-court outcome — by the month recorded (oversight's detection-rate selector)."""
    counted: dict[date, int] = {}
    for row in detection_outcome_rates(since=first, until=add_months(last, 1)):
        if row.group == STALKING:
            counted[row.month] = counted.get(row.month, 0) + row.detected
    return counted


def register_oversight_figures() -> None:
    register_figure(
        DeadlineFigure(
            key="oversight.directions",
            label="Directions to officers",
            order=50,
            count=directions_due_figure,
            link=FigureLink("oversight:list", may_open=can_read_oversight),
        )
    )
    register_figure(
        TrendFigure(
            key="oversight.detections",
            label="Stalking logs detected (charge or out of court), by month recorded",
            order=50,
            chart="outcomes",
            monthly=detections_by_month,
            link=FigureLink("oversight:list", may_open=can_read_oversight),
        ),
        chart_title="Outcomes: detections, SPOs and breaches",
    )

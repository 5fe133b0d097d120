"""Training's figure for the coordinator's dashboard (foundation/lib/figures.py): people
trained per month, drawn on every chart so a training push shows against the logs found."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

from foundation.lib.figures import FigureLink, TrendFigure, add_months, register_figure
from training.permissions import can_manage_training
from training.selectors import completions_by_month


def trained_by_month(first: date, last: date) -> Mapping[date, int]:
    """Course completions, by the month the session started (training's own selector)."""
    return completions_by_month(start=first, end=add_months(last, 1) - timedelta(days=1))


def register_training_figures() -> None:
    register_figure(
        TrendFigure(
            key="training.delivered",
            label="Course completions",
            order=90,
            chart="training",
            monthly=trained_by_month,
            link=FigureLink("training:sessions", may_open=can_manage_training),
            marker=True,
        ),
        chart_title="Training delivered",
    )

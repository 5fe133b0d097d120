"""Risk's figures for the coordinator's dashboard (foundation/lib/figures.py): reviews due."""

from __future__ import annotations

from datetime import datetime

from cases.models import Case
from foundation.lib.figures import DeadlineCount, DeadlineFigure, deadline_count, register_figure
from risk.models import RiskAssessment


def reviews_due_figure(now: datetime) -> DeadlineCount:
    """Current assessments of open cases by review date: overdue, today, this week."""
    return deadline_count(
        RiskAssessment.objects.filter(superseded_at__isnull=True, case__status=Case.Status.OPEN),
        "review_date",
        now,
    )


def register_risk_figures() -> None:
    # No link: reviews are listed on each case's risk history, not in one list.
    register_figure(
        DeadlineFigure(
            key="risk.reviews_due", label="Risk reviews", order=30, count=reviews_due_figure
        )
    )

"""Legal's figures for the coordinator's dashboard (foundation/lib/figures.py): SPO
applications, orders granted and breaches by month (the "outcomes" chart), and the solicitor's
deadlines — hearings and notification deadlines — overdue, today and this week."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta

from foundation.lib.figures import (
    DeadlineCount,
    DeadlineFigure,
    FigureLink,
    TrendFigure,
    add_months,
    deadline_count,
    month_start,
    register_figure,
)
from legal import selectors
from legal.models import Hearing, Notification
from legal.permissions import can_manage_legal


def _last_day(month: date) -> date:
    return add_months(month_start(month), 1) - timedelta(days=1)


def _monthly(
    pick: Callable[[selectors.SpoFigures], int],
) -> Callable[[date, date], dict[date, int]]:
    """One of the SPO series from `spo_figures_by_month` (four queries for every month)."""

    def monthly(first: date, last: date) -> dict[date, int]:
        months = selectors.spo_figures_by_month(start=month_start(first), end=_last_day(last))
        return {month: pick(figures) for month, figures in months.items() if pick(figures)}

    return monthly


spo_applied_by_month = _monthly(lambda figures: figures.applied)
spo_granted_by_month = _monthly(lambda figures: figures.interim + figures.full)


def breaches_by_month(first: date, last: date) -> Mapping[date, int]:
    """Breaches of SPOs and interim SPOs by the month they happened."""
    return selectors.breaches_by_month(start=month_start(first), end=_last_day(last), spo_only=True)


def hearings_figure(now: datetime) -> DeadlineCount:
    """Hearings without an outcome: overdue (held but not recorded), today, this week."""
    return deadline_count(Hearing.objects.filter(outcome=""), "starts_at", now)


def notifications_figure(now: datetime) -> DeadlineCount:
    """Notification deadlines (the Act's notification requirements) not yet met."""
    return deadline_count(
        Notification.objects.filter(notified_on__isnull=True, due_on__isnull=False), "due_on", now
    )


def register_legal_figures() -> None:
    home = FigureLink("legal:home", may_open=can_manage_legal)
    register_figure(
        DeadlineFigure(
            key="legal.hearings", label="Court hearings", order=50, count=hearings_figure, link=home
        )
    )
    register_figure(
        DeadlineFigure(
            key="legal.notifications",
            label="SPO notification deadlines",
            order=51,
            count=notifications_figure,
            link=home,
        )
    )
    for key, label, order, monthly in (
        ("legal.spo_applied", "SPOs applied for", 30, spo_applied_by_month),
        ("legal.spo_granted", "SPOs granted (interim or full)", 31, spo_granted_by_month),
        ("legal.breaches", "SPO breaches", 32, breaches_by_month),
    ):
        register_figure(
            TrendFigure(
                key=key, label=label, order=order, chart="outcomes", monthly=monthly, link=home
            )
        )

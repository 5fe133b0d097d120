"""Legal's figures for the coordinator's dashboard (foundation/lib/figures.py): SPO
applications, orders granted and breaches by month (the "outcomes" chart), and the solicitor's
deadlines — hearings and notification deadlines — overdue, today and this week."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta

from foundation.lib.figures import (
    DeadlineCount,
    DeadlineFigure,
    FigureLink,
    TrendFigure,
    add_months,
    count_by_month,
    deadline_count,
    month_start,
    register_figure,
)
from legal import selectors
from legal.models import (
    SPO_KINDS,
    FileState,
    Hearing,
    LegalEvent,
    Notification,
    ProtectiveOrder,
)
from legal.permissions import can_manage_legal


def _last_day(month: date) -> date:
    return add_months(month_start(month), 1) - timedelta(days=1)


def spo_applied_by_month(first: date, last: date) -> Mapping[date, int]:
    """SPO applications by the month of the step to *applied* (as `spo_figures_by_month`)."""
    applications = LegalEvent.objects.filter(
        kind=LegalEvent.Kind.STATE, to_state=FileState.APPLIED, file__kind__in=SPO_KINDS
    )
    return count_by_month(applications, "on", first, last)


def spo_granted_by_month(first: date, last: date) -> Mapping[date, int]:
    """Interim and full SPOs made, by the month the court made them."""
    orders = ProtectiveOrder.objects.filter(file__kind__in=SPO_KINDS)
    return count_by_month(orders, "made_on", first, last)


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

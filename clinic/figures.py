"""The clinic's figures for the coordinator's dashboard (foundation/lib/figures.py): the
waiting list, open actions by due date, and clinic referrals by month."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

from clinic.models import Action, ClinicReferral
from clinic.permissions import can_list_actions, can_list_clinic_referrals, can_manage_clinic
from foundation.lib.figures import (
    DeadlineCount,
    DeadlineFigure,
    FigureLink,
    QueueCount,
    QueueFigure,
    TrendFigure,
    count_by_month,
    deadline_count,
    queue_count,
    register_figure,
)


def waiting_figure(now: datetime) -> QueueCount:
    """Accepted referrals waiting for a clinic, and the longest-waiting by referral time."""
    return queue_count(
        ClinicReferral.objects.filter(state=ClinicReferral.State.ACCEPTED), "referred_at"
    )


def actions_due_figure(now: datetime) -> DeadlineCount:
    return deadline_count(Action.objects.filter(status__in=Action.OPEN_STATUSES), "due_on", now)


def referrals_by_month(first: date, last: date) -> Mapping[date, int]:
    return count_by_month(ClinicReferral.objects.all(), "referred_at", first, last)


def register_clinic_figures() -> None:
    register_figure(
        QueueFigure(
            key="clinic.waiting",
            label="Clinic waiting list",
            order=40,
            count=waiting_figure,
            link=FigureLink("clinic:waiting", may_open=can_manage_clinic),
        )
    )
    register_figure(
        DeadlineFigure(
            key="clinic.actions",
            label="Clinic actions",
            order=40,
            count=actions_due_figure,
            link=FigureLink("clinic:action_list", may_open=can_list_actions, query="status=open"),
        )
    )
    register_figure(
        TrendFigure(
            key="clinic.referrals",
            label="Clinic referrals",
            order=20,
            chart="demand",
            monthly=referrals_by_month,
            link=FigureLink("clinic:referral_list", may_open=can_list_clinic_referrals),
        ),
        chart_title="Demand: clinic referrals, advice requests and ISAC referrals",
    )

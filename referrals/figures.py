"""Referrals' and advice requests' figures for the coordinator's dashboard
(foundation/lib/figures.py): referrals awaiting an answer, ISAC referrals waiting for a
caseworker, advice requests open and their SLAs, and monthly demand."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

from foundation.accounts.models import Agency
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
from referrals.models import AdviceRequest, Referral
from referrals.permissions import can_list_referrals, can_use_advice_queue


def awaiting_answer_figure(now: datetime) -> QueueCount:
    """Referrals sent and not yet accepted or declined; the oldest by when it was sent."""
    return queue_count(Referral.objects.filter(state=Referral.State.SENT), "sent_at")


def isac_waiting_figure(now: datetime) -> QueueCount:
    """ISAC referrals accepted but not yet given a caseworker; the oldest by its decision."""
    return queue_count(
        Referral.objects.filter(
            agency__kind=Agency.Kind.ISAC_SERVICE,
            state=Referral.State.ACCEPTED,
            caseworker__isnull=True,
        ),
        "decided_at",
    )


def open_advice_figure(now: datetime) -> QueueCount:
    return queue_count(AdviceRequest.objects.filter(answered_at__isnull=True), "submitted_at")


def advice_sla_figure(now: datetime) -> DeadlineCount:
    """Unanswered requests by SLA due time: past it, due before midnight, due this week."""
    return deadline_count(AdviceRequest.objects.filter(answered_at__isnull=True), "due_at", now)


def advice_by_month(first: date, last: date) -> Mapping[date, int]:
    return count_by_month(AdviceRequest.objects.all(), "submitted_at", first, last)


def isac_referrals_by_month(first: date, last: date) -> Mapping[date, int]:
    return count_by_month(
        Referral.objects.filter(agency__kind=Agency.Kind.ISAC_SERVICE, sent_at__isnull=False),
        "sent_at",
        first,
        last,
    )


def register_referral_figures() -> None:
    register_figure(
        QueueFigure(
            key="referrals.awaiting_answer",
            label="Referrals awaiting an answer",
            order=20,
            count=awaiting_answer_figure,
            link=FigureLink(
                "referrals:list", may_open=can_list_referrals, query=f"state={Referral.State.SENT}"
            ),
        )
    )
    register_figure(
        QueueFigure(
            key="referrals.isac_waiting",
            label="ISAC referrals waiting for a caseworker",
            order=21,
            count=isac_waiting_figure,
            link=FigureLink(
                "referrals:list",
                may_open=can_list_referrals,
                query=f"state={Referral.State.ACCEPTED}",
            ),
        )
    )
    register_figure(
        QueueFigure(
            key="advice.open",
            label="Advice requests to answer",
            order=25,
            count=open_advice_figure,
            link=FigureLink("referrals:advice_queue", may_open=can_use_advice_queue),
        )
    )
    register_figure(
        DeadlineFigure(
            key="advice.sla",
            label="Advice requests due (SLA)",
            order=25,
            count=advice_sla_figure,
            link=FigureLink("referrals:advice_queue", may_open=can_use_advice_queue),
        )
    )
    register_figure(
        TrendFigure(
            key="advice.requests",
            label="Advice requests",
            order=25,
            chart="demand",
            monthly=advice_by_month,
            link=FigureLink(
                "referrals:advice_queue", may_open=can_use_advice_queue, query="show=all"
            ),
        ),
        chart_title="Demand: clinic referrals, advice requests and ISAC referrals",
    )
    register_figure(
        TrendFigure(
            key="referrals.isac",
            label="Referrals to ISAC services",
            order=21,
            chart="demand",
            monthly=isac_referrals_by_month,
            link=FigureLink("referrals:list", may_open=can_list_referrals),
        )
    )

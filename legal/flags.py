"""Legal's case flags (registered in LegalConfig.ready(); cases/flags.py). Each is a SQL rule,
so the dashboard and the case list count and filter by it."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from cases.flags import FlagRule
from cases.models import Case, RiskLevel
from legal.models import SPO_KINDS, Breach, Notification, OrderFile, PoliceResponse


def high_risk_no_spo_considered(cases: QuerySet[Case], now: datetime) -> QuerySet[Case]:
    """Open high-risk cases with no SPO file at all: not even one that decided not to apply
    (which records its reasons, so "high risk but no SPO" is always explained)."""
    files = OrderFile.objects.filter(case=OuterRef("pk"), kind__in=SPO_KINDS)
    return cases.filter(status=Case.Status.OPEN, current_risk=RiskLevel.HIGH).exclude(Exists(files))


def notification_overdue(cases: QuerySet[Case], now: datetime) -> QuerySet[Case]:
    """Cases with a notification period past its last day and no notification recorded
    (SPA 2019 s.11: an offence)."""
    overdue = Notification.objects.filter(
        order__file__case=OuterRef("pk"),
        notified_on__isnull=True,
        due_on__lt=timezone.localdate(now),
    )
    return cases.filter(Exists(overdue))


def breach_without_response(cases: QuerySet[Case], now: datetime) -> QuerySet[Case]:
    """Cases with a breach of an order and no police response recorded."""
    unanswered = Breach.objects.filter(
        order__file__case=OuterRef("pk"), response=PoliceResponse.NONE
    )
    return cases.filter(Exists(unanswered))


high_risk_no_spo = FlagRule(
    key="high_risk_no_spo",
    label="High risk, no SPO considered",
    severity="danger",
    flagged=high_risk_no_spo_considered,
    reason=lambda case, now: (
        "High risk and no Stalking Protection Order considered: open an order file, or record "
        "why not."
    ),
)
notification_overdue_flag = FlagRule(
    key="notification_overdue",
    label="Notification overdue",
    severity="danger",
    flagged=notification_overdue,
    reason=lambda case, now: (
        "The respondent's notification to the police is past its last day and not recorded "
        "(SPA 2019 s.11)."
    ),
)
breach_without_response_flag = FlagRule(
    key="breach_without_response",
    label="Breach without response",
    severity="warning",
    flagged=breach_without_response,
    reason=lambda case, now: "A breach of an order has no police response recorded.",
)
LEGAL_FLAG_RULES = (high_risk_no_spo, notification_overdue_flag, breach_without_response_flag)

"""The clinic's case flags (registered in ClinicConfig.ready(); cases/flags.py): SQL rules."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery

from cases.flags import FlagRule
from cases.models import Case, RiskLevel
from clinic.models import ClinicReferral

State = ClinicReferral.State


def _high_risk_not_referred(cases: QuerySet[Case], now: datetime) -> QuerySet[Case]:
    """Open, currently high risk, with no clinic referral waiting and none since the risk was
    last set (a case discussed before it became high risk again needs a new referral)."""
    waiting = ClinicReferral.objects.filter(
        case=OuterRef("pk"), state__in=[State.PENDING, State.ACCEPTED]
    )
    since_risk = ClinicReferral.objects.filter(
        case=OuterRef("pk"), referred_at__gte=OuterRef("current_risk_at")
    ).exclude(state=State.RETURNED)
    return cases.filter(status=Case.Status.OPEN, current_risk=RiskLevel.HIGH).exclude(
        Q(Exists(waiting)) | Q(Exists(since_risk))
    )


def _high_risk_reason(case: Case, now: datetime) -> str:
    when = f" on {case.current_risk_at:%d %b %Y}" if case.current_risk_at else ""
    return f"Assessed as high risk{when} and not referred to the stalking clinic since."


def _repeat_waiting(cases: QuerySet[Case], now: datetime) -> QuerySet[Case]:
    pending = ClinicReferral.objects.filter(
        case=OuterRef("pk"), criterion=ClinicReferral.Criterion.REPEAT, state=State.PENDING
    )
    return cases.filter(Exists(pending)).annotate(
        repeat_incident_on=Subquery(pending.order_by("referred_at").values("incident_on")[:1])
    )


def _repeat_reason(case: Case, now: datetime) -> str:
    incident_on = case.repeat_incident_on  # type: ignore[attr-defined]  # annotated above
    when = f" on {incident_on:%d %b %Y}" if incident_on else ""
    return (
        f"A new incident{when} within 12 months of the last clinic referral is waiting for the "
        "coordinator to confirm the repeat referral."
    )


high_risk_not_referred = FlagRule(
    key="clinic_high_risk_not_referred",
    label="High risk, not referred to the clinic",
    severity="danger",
    flagged=_high_risk_not_referred,
    reason=_high_risk_reason,
)
repeat_awaiting_confirmation = FlagRule(
    key="clinic_repeat_awaiting_confirmation",
    label="Repeat incident awaiting confirmation",
    severity="warning",
    flagged=_repeat_waiting,
    reason=_repeat_reason,
)
CLINIC_FLAG_RULES = (high_risk_not_referred, repeat_awaiting_confirmation)

"""The risk module's case flags (registered in RiskConfig.ready(); cases/flags.py).

Each is a SQL rule, so the dashboard and the case list can count and filter by it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.utils import timezone

from cases.flags import CaseFlag, FlagRule
from cases.models import Case
from risk.models import RiskAssessment

# HMICFRS's most repeated finding: stalking cases left without a risk assessment. A case
# still unassessed this long after it was opened is flagged.
ASSESSMENT_DUE_AFTER = timedelta(days=7)


def _current(case_ref: OuterRef) -> QuerySet[RiskAssessment]:
    return RiskAssessment.objects.filter(case=case_ref, superseded_at__isnull=True)


def _unassessed(cases: QuerySet[Case], now: datetime) -> QuerySet[Case]:
    return cases.filter(status=Case.Status.OPEN, opened_at__lte=now - ASSESSMENT_DUE_AFTER).exclude(
        Exists(_current(OuterRef("pk")))
    )


def _review_overdue(cases: QuerySet[Case], now: datetime) -> QuerySet[Case]:
    return (
        cases.filter(status=Case.Status.OPEN)
        .annotate(review_due=Subquery(_current(OuterRef("pk")).values("review_date")[:1]))
        .filter(review_due__lt=timezone.localdate(now))
    )


def _unassessed_reason(case: Case, now: datetime) -> str:
    days = (now - case.opened_at).days
    return (
        f"Opened {days} days ago and not yet risk assessed; every case needs an assessment "
        "within 7 days of opening."
    )


def _overdue_reason(case: Case, now: datetime) -> str:
    due = case.review_due  # type: ignore[attr-defined]  # annotated by _review_overdue
    overdue = (timezone.localdate(now) - due).days
    return (
        f"The risk review was due on {due:%d %b %Y} "
        f"({overdue} day{'s' if overdue != 1 else ''} ago)."
    )


no_risk_assessment = FlagRule(
    key="no_risk_assessment",
    label="No risk assessment",
    severity="danger",
    flagged=_unassessed,
    reason=_unassessed_reason,
)
risk_review_overdue = FlagRule(
    key="risk_review_overdue",
    label="Risk review overdue",
    severity="warning",
    flagged=_review_overdue,
    reason=_overdue_reason,
)
RISK_FLAG_RULES = (no_risk_assessment, risk_review_overdue)


def risk_flags(*, cases: Sequence[Case], now: datetime) -> Mapping[int, list[CaseFlag]]:
    """Both risk flags for these cases (one query per rule, whatever their number)."""
    found: dict[int, list[CaseFlag]] = {}
    for rule in RISK_FLAG_RULES:
        for case_id, flags in rule(cases=cases, now=now).items():
            found.setdefault(case_id, []).extend(flags)
    return found

"""The risk module's case flags (registered in RiskConfig.ready(); cases/flags.py)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from django.utils import timezone

from cases.flags import CaseFlag
from cases.models import Case
from risk.selectors import current_assessments

# HMICFRS's most repeated finding: stalking cases left without a risk assessment. A case
# still unassessed this long after it was opened is flagged.
ASSESSMENT_DUE_AFTER = timedelta(days=7)


def risk_flags(*, cases: Sequence[Case], now: datetime) -> Mapping[int, list[CaseFlag]]:
    """ "No risk assessment" (open, unassessed 7 days after opening) and "risk review overdue"
    (the current assessment's review date has passed). One query for any number of cases."""
    open_cases = [case for case in cases if case.status == Case.Status.OPEN]
    if not open_cases:
        return {}
    current = current_assessments([case.pk for case in open_cases])
    today = timezone.localdate(now)
    flags: dict[int, list[CaseFlag]] = {}
    for case in open_cases:
        assessment = current.get(case.pk)
        if assessment is None:
            if now - case.opened_at >= ASSESSMENT_DUE_AFTER:
                days = (now - case.opened_at).days
                flags[case.pk] = [
                    CaseFlag(
                        key="no_risk_assessment",
                        label="No risk assessment",
                        reason=(
                            f"Opened {days} days ago and not yet risk assessed; every case "
                            "needs an assessment within 7 days of opening."
                        ),
                        severity="danger",
                    )
                ]
        elif assessment.review_date < today:
            overdue = (today - assessment.review_date).days
            flags[case.pk] = [
                CaseFlag(
                    key="risk_review_overdue",
                    label="Risk review overdue",
                    reason=(
                        f"The risk review was due on {assessment.review_date:%d %b %Y} "
                        f"({overdue} day{'s' if overdue != 1 else ''} ago)."
                    ),
                    severity="warning",
                )
            ]
    return flags

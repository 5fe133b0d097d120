"""Reads of risk assessments, scoped to the user (permissions.assessments_visible_to)."""

from __future__ import annotations

from datetime import date

from django.db.models import F, Q, QuerySet

from cases.models import Case
from cases.shared_reads import shared_read
from foundation.accounts.models import User
from risk.models import RiskAssessment
from risk.permissions import assessments_visible_to


def assessments_for_case(user: User, case: Case) -> QuerySet[RiskAssessment]:
    """The case's assessments the user may see, oldest first (the timeline's order)."""
    return (
        assessments_visible_to(user)
        .filter(case=case)
        .select_related("instrument", "assessor")
        .order_by("completed_at", "id")
    )


def case_assessments(user: User, case: Case) -> list[RiskAssessment]:
    """`assessments_for_case` as a list, read once for the case page's panel and chronology
    (cases/shared_reads.py)."""
    return shared_read(
        ("risk.assessments", user.pk, case.pk), lambda: list(assessments_for_case(user, case))
    )


def current_assessments(case_ids: list[int]) -> dict[int, RiskAssessment]:
    """Each case's current (not superseded) assessment, by case id. One query, unscoped:
    callers show only what the flag rules need (dates), never the assessment's content."""
    current = RiskAssessment.objects.filter(case_id__in=case_ids, superseded_at__isnull=True).only(
        "id", "case_id", "review_date", "final_level", "completed_at"
    )
    return {assessment.case_id: assessment for assessment in current}


def due_for_reminder(*, today: date) -> QuerySet[RiskAssessment]:
    """Current assessments of open cases whose review is due or overdue and not yet reminded
    for that review date (once per assessment per due date)."""
    return RiskAssessment.objects.filter(
        superseded_at__isnull=True,
        case__status=Case.Status.OPEN,
        review_date__lte=today,
    ).filter(Q(reminder_sent_for__isnull=True) | Q(reminder_sent_for__lt=F("review_date")))

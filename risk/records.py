"""Risk assessments as a record type of information management (foundation/records)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from django.db.models import QuerySet

from foundation.records.history import delete_with_history
from foundation.records.registry import (
    RecordType,
    RuleDefault,
    SubjectEntry,
    register_record_type,
    years_before,
)
from risk.models import RiskAssessment


def assessments_due(now: datetime, years: int) -> QuerySet[RiskAssessment]:
    """Assessments of cases closed `years` years ago or more."""
    return RiskAssessment.objects.filter(
        case__status="closed", case__closed_at__lte=years_before(now, years)
    )


def dispose_assessments(ids: Sequence[int], now: datetime) -> int:
    return delete_with_history(RiskAssessment.objects.filter(pk__in=ids))


def assessment_entries(person_ids: Collection[int]) -> list[SubjectEntry]:
    """Assessments of the cases the persons are party to (one query)."""
    assessments = (
        RiskAssessment.objects.filter(case__parties__person_id__in=person_ids)
        .distinct()
        .select_related("case", "instrument")
        .order_by("pk")
    )
    return [
        SubjectEntry(
            record_type="risk.riskassessment",
            object_id=a.pk,
            role="party to the case assessed",
            at=a.completed_at,
            summary=(
                f"{a.instrument.name} on case {a.case.reference}: "
                f"{a.get_final_level_display().lower()} risk"
            ),
            details=(
                ("Rationale", a.rationale),
                ("Judgement", a.judgement_reason),
                ("Risk-management note", a.plan_note),
            ),
        )
        for a in assessments
    ]


def register_risk_records() -> None:
    register_record_type(
        RecordType(
            key="risk.riskassessment",
            label="Risk assessments",
            order=60,
            rule=RuleDefault(years=6, basis="after the case closed"),
            due=assessments_due,
            dispose=dispose_assessments,
            subject_access=assessment_entries,
        )
    )

"""Investigative oversight (the plan, its lines, the directions and the tactical lead's
reviews of a case) as a record type of information management (foundation/records)."""

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
from oversight.models import Direction, InvestigationPlan, OversightReview, PlanLine


def plans_due(now: datetime, years: int) -> QuerySet[InvestigationPlan]:
    return InvestigationPlan.objects.filter(
        case__status="closed", case__closed_at__lte=years_before(now, years)
    )


def dispose_plans(ids: Sequence[int], now: datetime) -> int:
    """The plans with the directions (and their updates) and reviews of their cases."""
    cases = InvestigationPlan.objects.filter(pk__in=ids).values("case_id")
    delete_with_history(Direction.objects.filter(case_id__in=cases))
    delete_with_history(OversightReview.objects.filter(case_id__in=cases))
    delete_with_history(PlanLine.objects.filter(plan_id__in=ids))
    return delete_with_history(InvestigationPlan.objects.filter(pk__in=ids))


def oversight_entries(person_ids: Collection[int]) -> list[SubjectEntry]:
    """The tactical lead's reviews of the cases the persons are party to (one query)."""
    reviews = (
        OversightReview.objects.filter(case__parties__person_id__in=person_ids)
        .distinct()
        .select_related("case")
        .order_by("pk")
    )
    return [
        SubjectEntry(
            record_type="oversight.oversightreview",
            object_id=review.pk,
            role="party to the case reviewed",
            at=review.reviewed_at,
            summary=f"Oversight review of case {review.case.reference}",
            details=(("Summary", review.summary),),
        )
        for review in reviews
    ]


def register_oversight_records() -> None:
    register_record_type(
        RecordType(
            key="oversight.investigationplan",
            label="Investigative oversight (plan, directions, reviews)",
            order=95,
            rule=RuleDefault(years=6, basis="after the case closed"),
            due=plans_due,
            dispose=dispose_plans,
            subject_access=oversight_entries,
        )
    )

"""Referrals with their ISAC casework, and advice requests, as record types of information
management (foundation/records)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Coalesce

from foundation.records.history import delete_with_history
from foundation.records.registry import (
    RecordType,
    RuleDefault,
    SubjectEntry,
    register_record_type,
    years_before,
)
from referrals.models import (
    AdviceRequest,
    Contact,
    JusticeMilestone,
    OutcomeMeasure,
    Referral,
    SafetyPlan,
    SpecialistRiskAssessment,
    SupportNeed,
)

# The ISAC service's casework on a referral, disposed of with it (each protects the referral).
CASEWORK = (
    Contact,
    SpecialistRiskAssessment,
    SafetyPlan,
    SupportNeed,
    JusticeMilestone,
    OutcomeMeasure,
)


def referrals_due(now: datetime, years: int) -> QuerySet[Referral]:
    return Referral.objects.filter(
        case__status="closed", case__closed_at__lte=years_before(now, years)
    )


def dispose_referrals(ids: Sequence[int], now: datetime) -> int:
    for model in CASEWORK:
        delete_with_history(model._default_manager.filter(referral_id__in=ids))
    return delete_with_history(Referral.objects.filter(pk__in=ids))


def referral_entries(person_ids: Collection[int]) -> list[SubjectEntry]:
    """Referrals of the cases the persons are party to. ISAC casework is the ISAC service's
    (a separate data controller): its existence is noted, never its content (one query)."""
    referrals = (
        Referral.objects.filter(case__parties__person_id__in=person_ids)
        .distinct()
        .select_related("case", "agency")
        .annotate(
            n_contacts=Count("contacts", distinct=True),
            n_plans=Count("safety_plans", distinct=True),
        )
        .order_by("pk")
    )
    return [
        SubjectEntry(
            record_type="referrals.referral",
            object_id=r.pk,
            role="party to the case referred",
            at=r.created_at,
            summary=(
                f"Referral of case {r.case.reference} to {r.agency.name}: "
                f"{r.get_state_display().lower()}"
            ),
            details=(
                ("Reason", r.reason),
                ("Consent", r.get_consent_display()),
                ("Shared notes", r.shared_notes),
                (
                    "ISAC casework",
                    (
                        f"{r.n_contacts} contacts and {r.n_plans} safety plans are held by "
                        f"{r.agency.name} as data controller: refer the request to them."
                    )
                    if r.n_contacts or r.n_plans
                    else "",
                ),
            ),
        )
        for r in referrals
    ]


def advice_due(now: datetime, years: int) -> QuerySet[AdviceRequest]:
    return AdviceRequest.objects.alias(last=Coalesce("answered_at", "submitted_at")).filter(
        last__lte=years_before(now, years)
    )


def dispose_advice(ids: Sequence[int], now: datetime) -> int:
    return delete_with_history(AdviceRequest.objects.filter(pk__in=ids))


def advice_entries(person_ids: Collection[int]) -> list[SubjectEntry]:
    """Advice requests about a crime log that names the persons (one query)."""
    requests = (
        AdviceRequest.objects.filter(Q(crime_log__parties__person_id__in=person_ids))
        .distinct()
        .order_by("pk")
    )
    return [
        SubjectEntry(
            record_type="referrals.advicerequest",
            object_id=a.pk,
            role="named on the crime log asked about",
            at=a.submitted_at,
            summary=f"Advice request ({a.get_category_display().lower()})",
            details=(("Question", a.question), ("Answer", a.answer)),
        )
        for a in requests
    ]


def register_referral_records() -> None:
    register_record_type(
        RecordType(
            key="referrals.referral",
            label="Referrals and ISAC casework",
            order=70,
            rule=RuleDefault(years=6, basis="after the case closed"),
            due=referrals_due,
            dispose=dispose_referrals,
            subject_access=referral_entries,
        )
    )
    register_record_type(
        RecordType(
            key="referrals.advicerequest",
            label="Advice requests",
            order=50,
            rule=RuleDefault(years=3, basis="after the answer (or the request, if unanswered)"),
            due=advice_due,
            dispose=dispose_advice,
            subject_access=advice_entries,
        )
    )

"""Clinic records (a referral to the clinic with its agenda item, research, decisions,
amendments and actions) as a record type of information management (foundation/records)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from django.db.models import QuerySet

from clinic.models import Action, AgendaItem, ClinicReferral, MinutesAmendment
from foundation.records.history import delete_with_history
from foundation.records.registry import (
    RecordType,
    RuleDefault,
    SubjectEntry,
    register_record_type,
    years_before,
)


def clinic_referrals_due(now: datetime, years: int) -> QuerySet[ClinicReferral]:
    return ClinicReferral.objects.filter(
        case__status="closed", case__closed_at__lte=years_before(now, years)
    )


def dispose_clinic_referrals(ids: Sequence[int], now: datetime) -> int:
    """The referrals, their agenda items and what hangs on those (actions and their chases,
    research, decisions, minutes amendments), history included. The meeting and its general
    minutes stay: they concern every case discussed."""
    items = AgendaItem.objects.filter(referral_id__in=ids)
    delete_with_history(Action.objects.filter(item__in=items))
    delete_with_history(MinutesAmendment.objects.filter(item__in=items))
    delete_with_history(AgendaItem.objects.filter(referral_id__in=ids))
    return delete_with_history(ClinicReferral.objects.filter(pk__in=ids))


def clinic_entries(person_ids: Collection[int]) -> list[SubjectEntry]:
    """Clinic referrals of the cases the persons are party to, with the discussion (one
    query)."""
    referrals = (
        ClinicReferral.objects.filter(case__parties__person_id__in=person_ids)
        .distinct()
        .select_related("case", "agenda_item")
        .order_by("pk")
    )
    entries = []
    for referral in referrals:
        item = getattr(referral, "agenda_item", None)
        entries.append(
            SubjectEntry(
                record_type="clinic.clinicreferral",
                object_id=referral.pk,
                role="party to the case referred",
                at=referral.referred_at,
                summary=(
                    f"Referral of case {referral.case.reference} to the stalking clinic: "
                    f"{referral.get_state_display().lower()}"
                ),
                details=(
                    ("Reason", referral.reason),
                    ("Discussion", item.discussion if item else ""),
                    ("Victim's voice", item.victim_voice if item else ""),
                ),
            )
        )
    return entries


def register_clinic_records() -> None:
    register_record_type(
        RecordType(
            key="clinic.clinicreferral",
            label="Clinic records (referrals, discussions, actions)",
            order=80,
            rule=RuleDefault(years=6, basis="after the case closed"),
            due=clinic_referrals_due,
            dispose=dispose_clinic_referrals,
            subject_access=clinic_entries,
        )
    )

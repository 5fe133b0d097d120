"""The clinic's entries in the case chronology (cases/chronology.py): referrals to the clinic
(hub staff), the meetings that discussed the case and their decisions (as the user may see the
items), and the actions agreed, when they fall due and when they were done. Facet
CLINIC_DISCUSSION, as the clinic panel; three queries at most, one for a case never referred."""

from __future__ import annotations

from cases.chronology import (
    ChronologyEntry,
    ChronologyProvider,
    day_start,
    register_entry_provider,
)
from cases.models import Case, Facet
from clinic.models import Action
from clinic.selectors import case_clinic_actions, case_clinic_items, case_clinic_referrals
from foundation.accounts.models import User
from foundation.accounts.roles import is_hub_staff


def clinic_entries(case: Case, user: User) -> list[ChronologyEntry]:
    # The same reads as the clinic panel (cases/shared_reads.py), oldest referral first here.
    referrals = list(reversed(case_clinic_referrals(case)))
    if not referrals:
        return []
    entries: list[ChronologyEntry] = []
    if is_hub_staff(user):
        entries.extend(
            ChronologyEntry(
                referral.referred_at,
                "Clinic referral",
                f"Referred to the clinic ({referral.get_criterion_display().lower()}, "
                f"{referral.get_priority_display().lower()} priority)",
                referral.get_absolute_url(),
            )
            for referral in referrals
        )
    for item in case_clinic_items(user, case):
        decisions = ", ".join(decision.decision_type.label for decision in item.decisions.all())
        summary = f"Listed at the clinic of {item.meeting.starts_at:%d %b %Y}"
        if decisions:
            summary += f"; decided: {decisions}"
        entries.append(
            ChronologyEntry(item.slot_starts_at, "Clinic", summary, item.get_absolute_url())
        )
    for action in case_clinic_actions(case):
        owner = action.owner_agency.name
        if action.status == Action.Status.DONE and action.completed_at:
            entries.append(
                ChronologyEntry(action.completed_at, "Clinic action", f"Action for {owner} done")
            )
        elif action.status in Action.OPEN_STATUSES:
            entries.append(
                ChronologyEntry(
                    day_start(action.due_on),
                    "Clinic action",
                    f"Action for {owner} due ({action.get_status_display().lower()})",
                )
            )
    return entries


def register_clinic_entries() -> None:
    register_entry_provider(
        ChronologyProvider(
            key="clinic.history",
            label="Stalking clinic",
            facet=Facet.CLINIC_DISCUSSION,
            entries=clinic_entries,
        )
    )

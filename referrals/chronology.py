"""Referrals' entries in the case chronology (cases/chronology.py): each referral's changes of
state (sent, accepted, declined, active, closed), as the user may see the referral. Facet
EXISTENCE, as the referrals panel: the referral list itself is scoped (a partner sees the
referrals to their agency, and ISAC casework stays with the ISAC service). Two queries."""

from __future__ import annotations

from cases.chronology import ChronologyEntry, ChronologyProvider, register_entry_provider
from cases.models import Case, Facet
from foundation.accounts.models import User
from referrals.models import Referral, ReferralTransition
from referrals.selectors import referrals_for_case

_SAID: dict[str, str] = {
    Referral.State.DRAFT: "drafted",
    Referral.State.SENT: "sent",
    Referral.State.ACCEPTED: "accepted",
    Referral.State.DECLINED: "declined",
    Referral.State.ACTIVE: "casework started",
    Referral.State.CLOSED: "closed",
}


def referral_entries(case: Case, user: User) -> list[ChronologyEntry]:
    referrals = {referral.pk: referral for referral in referrals_for_case(case, user)}
    if not referrals:
        return []
    transitions = ReferralTransition.objects.filter(referral_id__in=list(referrals)).order_by(
        "at", "id"
    )
    entries: list[ChronologyEntry] = []
    for transition in transitions:
        referral = referrals[transition.referral_id]
        said = _SAID.get(transition.to_state, transition.to_state)
        summary = f"Referral to {referral.agency.name} {said}"
        if transition.to_state == Referral.State.CLOSED and referral.closure_reason:
            summary += f": {referral.get_closure_reason_display()}"
        entries.append(
            ChronologyEntry(transition.at, "Referral", summary, referral.get_absolute_url())
        )
    return entries


def register_referral_entries() -> None:
    register_entry_provider(
        ChronologyProvider(
            key="referrals.referrals",
            label="Referrals",
            facet=Facet.EXISTENCE,
            entries=referral_entries,
        )
    )

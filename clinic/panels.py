"""The "Stalking clinic" panel on the case page (facet CLINIC_DISCUSSION; cases/panels.py)."""

from __future__ import annotations

from dataclasses import dataclass

from cases.models import Case
from cases.panels import PanelContent
from clinic.models import Action, AgendaItem, ClinicReferral
from clinic.permissions import can_manage_clinic
from clinic.selectors import case_clinic_actions, case_clinic_items, case_clinic_referrals
from foundation.accounts.models import User
from foundation.accounts.roles import is_hub_staff


@dataclass(frozen=True)
class ClinicPanel(PanelContent):
    referrals: list[ClinicReferral]
    items: list[AgendaItem]
    open_actions: list[Action]
    can_refer: bool


def clinic_panel_context(case: Case, user: User) -> ClinicPanel | None:
    """The case's clinic history (referrals for the hub; the meetings and decisions the user
    may see) and its open actions. One query for a case never referred (every item and action
    hangs off a referral); at most four whatever the history's length."""
    # The same reads as the clinic's chronology entries (cases/shared_reads.py).
    referrals = case_clinic_referrals(case)
    items: list[AgendaItem] = []
    open_actions: list[Action] = []
    if referrals:
        items = case_clinic_items(user, case)
        open_actions = [
            action for action in case_clinic_actions(case) if action.status in Action.OPEN_STATUSES
        ]
    if not is_hub_staff(user):
        referrals = []
    if not (items or referrals or open_actions or can_manage_clinic(user)):
        return None
    return ClinicPanel(
        referrals=referrals,
        items=items,
        open_actions=open_actions,
        can_refer=can_manage_clinic(user) and case.status == Case.Status.OPEN,
    )

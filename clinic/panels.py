"""The "Stalking clinic" panel on the case page (facet CLINIC_DISCUSSION; cases/panels.py)."""

from __future__ import annotations

from dataclasses import dataclass

from cases.models import Case
from cases.panels import PanelContent
from clinic.models import Action, AgendaItem, ClinicReferral
from clinic.permissions import can_manage_clinic, items_visible_to
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
    referrals = list(ClinicReferral.objects.filter(case=case).order_by("-referred_at"))
    items: list[AgendaItem] = []
    open_actions: list[Action] = []
    if referrals:
        items = list(
            items_visible_to(user)
            .filter(case=case)
            .select_related("meeting")
            .prefetch_related("decisions__decision_type")
            .order_by("-meeting__starts_at")
        )
        open_actions = list(
            Action.objects.filter(case=case, status__in=Action.OPEN_STATUSES)
            .select_related("owner", "owner_agency")
            .order_by("due_on", "id")
        )
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

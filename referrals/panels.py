"""The "Referrals" panel on the case page (registered in ReferralsConfig.ready())."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from cases.models import Case
from cases.panels import PanelContent
from foundation.accounts.models import User
from foundation.accounts.roles import is_hub_staff
from referrals.models import Referral
from referrals.permissions import can_refer
from referrals.selectors import referrals_for_case


@dataclass(frozen=True)
class ReferralsPanel(PanelContent):
    referrals: list[Referral]
    can_refer: bool
    now: datetime


def referrals_panel_context(case: Case, user: User) -> ReferralsPanel | None:
    """The case's referrals with state, agency and time in state; hub roles only.

    A partner or ISAC reaching a shared case does not learn where else it was referred.
    """
    if not is_hub_staff(user):
        return None
    return ReferralsPanel(
        referrals=list(referrals_for_case(case, user)),
        can_refer=can_refer(user),
        now=timezone.now(),
    )

"""The "Referrals" panel on the case page (registered in ReferralsConfig.ready())."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils import timezone

from cases.models import Case
from foundation.accounts.models import User
from foundation.accounts.roles import is_hub_staff
from referrals.permissions import can_refer
from referrals.selectors import referrals_for_case


def referrals_panel_context(case: Case, user: User) -> Mapping[str, object] | None:
    """The case's referrals with state, agency and time in state; hub roles only.

    A partner or ISAC reaching a shared case does not learn where else it was referred.
    """
    if not is_hub_staff(user):
        return None
    return {
        "referrals": referrals_for_case(case, user),
        "can_refer": can_refer(user),
        "now": timezone.now(),
    }

"""Sharing a case with another agency: the only way a higher app widens who sees it."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from cases.models import (
    Case,
    CaseShare,
)
from foundation.accounts.models import Agency, User


@transaction.atomic
def share_case(
    *,
    case: Case,
    agency: Agency,
    purpose: str,
    source_ref: str,
    victim_consented: bool,
    by: User,
) -> CaseShare:
    """Share a case with an agency for a referral or clinic (idempotent per purpose + source)."""
    share, created = CaseShare.objects.get_or_create(
        purpose=purpose,
        source_ref=source_ref,
        ended_at=None,
        defaults={
            "case": case,
            "agency": agency,
            "victim_consented": victim_consented,
            "shared_by": by,
        },
    )
    if not created and share.victim_consented != victim_consented:
        share.victim_consented = victim_consented
        share.save(update_fields=["victim_consented"])
    return share


@transaction.atomic
def end_case_share(*, purpose: str, source_ref: str, by: User) -> int:
    """End the live share behind a referral or clinic referral. Returns how many ended (0 or 1)."""
    return CaseShare.objects.filter(purpose=purpose, source_ref=source_ref, ended_at=None).update(
        ended_at=timezone.now()
    )

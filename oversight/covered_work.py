"""The open work addressed to a covered person, listed for whoever covers them: their
directions, the referrals allocated to them and their advice requests (registered in
OversightConfig.ready(); oversight/hooks.py). Clinic actions join once `clinic` lands: a
provider here reading `clinic.selectors`.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from django.urls import reverse
from django.utils import timezone

from foundation.accounts.models import User
from oversight.hooks import CoveredWorkItem
from oversight.models import OPEN_DIRECTION_STATES, Direction
from oversight.permissions import directions_visible_to
from referrals.permissions import advice_requests_visible_to, referrals_visible_to
from referrals.selectors import advice_requests_waiting_for, referrals_allocated_to


def open_directions_work(
    *, owner_ids: Collection[int], viewer: User, now: datetime
) -> list[CoveredWorkItem]:
    directions = Direction.objects.filter(
        officer_id__in=list(owner_ids), status__in=OPEN_DIRECTION_STATES
    ).select_related("case")
    readable = set(
        directions_visible_to(viewer).filter(pk__in=directions).values_list("pk", flat=True)
    )
    today = timezone.localdate(now)
    return [
        CoveredWorkItem(
            owner_id=direction.officer_id,
            kind="Direction",
            reference=f"Case {direction.case.reference}",
            state=("Overdue" if direction.due_on < today else direction.get_status_display()),
            due=direction.due_on,
            url=reverse("oversight:direction", args=[direction.pk])
            if direction.pk in readable
            else "",
        )
        for direction in directions
    ]


def allocated_referrals_work(
    *, owner_ids: Collection[int], viewer: User, now: datetime
) -> list[CoveredWorkItem]:
    referrals = list(referrals_allocated_to(list(owner_ids)).select_related("agency"))
    readable = set(
        referrals_visible_to(viewer)
        .filter(pk__in=[referral.pk for referral in referrals])
        .values_list("pk", flat=True)
    )
    return [
        CoveredWorkItem(
            owner_id=referral.caseworker_id or 0,
            kind="Referral",
            reference=referral.reference,
            state=referral.get_state_display(),
            due=None,
            url=referral.get_absolute_url() if referral.pk in readable else "",
        )
        for referral in referrals
    ]


def advice_requests_work(
    *, owner_ids: Collection[int], viewer: User, now: datetime
) -> list[CoveredWorkItem]:
    requests = list(advice_requests_waiting_for(list(owner_ids)))
    readable = set(
        advice_requests_visible_to(viewer)
        .filter(pk__in=[advice.pk for advice in requests])
        .values_list("pk", flat=True)
    )
    return [
        CoveredWorkItem(
            owner_id=advice.requester_id,
            kind="Advice request",
            reference=advice.reference,
            state="Answered, to read" if advice.is_answered else "Waiting for an answer",
            due=None if advice.is_answered else timezone.localdate(advice.due_at),
            url=advice.get_absolute_url() if advice.pk in readable else "",
        )
        for advice in requests
    ]


COVERED_WORK_PROVIDERS = (open_directions_work, allocated_referrals_work, advice_requests_work)

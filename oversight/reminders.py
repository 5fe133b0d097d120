"""Chasing overdue directions: the day after a direction falls due, then weekly until it is
done or withdrawn (docs/oversight.md).

Sent once per chase day, whatever the number of runs: each direction is claimed with an atomic
UPDATE that sets a lease, e-mailed, then given its next chase day. Two runs at once never both
win a claim; a worker that dies mid-send leaves a claim that lapses after the lease and is
taken again (DESIGN.md §5). The clock is read by the task and passed in as `now`.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from oversight.models import OPEN_DIRECTION_STATES, Direction
from oversight.notifications import send_direction_chase

logger = logging.getLogger(__name__)

# Long enough for any send to finish; a claim older than this belongs to a dead worker.
LEASE = timedelta(minutes=15)
CHASE_EVERY = timedelta(days=7)
BATCH = 500


def _unclaimed(now: datetime) -> Q:
    return Q(chase_claimed_at__isnull=True) | Q(chase_claimed_at__lt=now - LEASE)


def directions_to_chase(*, today: date) -> QuerySet[Direction]:
    """Open directions whose chase day has come (the day after due, then weekly)."""
    return Direction.objects.filter(status__in=OPEN_DIRECTION_STATES, next_chase_on__lte=today)


def claim_chase(*, direction_id: int, today: date, now: datetime) -> bool:
    """Claim one chase for this run. True if this run won it.

    The UPDATE filters on the row's own columns only, so Postgres re-checks the lease on the
    latest row version and a second concurrent claim matches nothing.
    """
    return (
        directions_to_chase(today=today)
        .filter(pk=direction_id)
        .filter(_unclaimed(now))
        .update(chase_claimed_at=now)
        == 1
    )


def chase_overdue_directions(*, now: datetime) -> int:
    """Chase every direction whose chase day has come. Returns how many were chased."""
    today = timezone.localdate(now)
    due = list(
        directions_to_chase(today=today)
        .filter(_unclaimed(now))
        .order_by("next_chase_on", "pk")
        .values_list("pk", flat=True)[:BATCH]
    )
    chased = 0
    for direction_id in due:
        if not claim_chase(direction_id=direction_id, today=today, now=now):
            continue  # another run has it, or it was done meanwhile
        direction = Direction.objects.select_related("case", "officer").get(pk=direction_id)
        try:
            send_direction_chase(direction, now=now)
        except Exception:
            # The claim stays and lapses after the lease, so a later run retries this one.
            logger.exception("chase of direction %s not sent", direction_id)
            continue
        Direction.objects.filter(pk=direction_id, chase_claimed_at=now).update(
            chase_claimed_at=None,
            chased_at=now,
            chase_count=F("chase_count") + 1,
            next_chase_on=today + CHASE_EVERY,
        )
        chased += 1
    return chased

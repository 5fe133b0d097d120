"""Overdue clinic actions are chased by e-mail: one chaser the day after the due date, then one
a week while the action stays open (docs/clinic.md, "Actions").

A plain function of `now` (the Celery task reads the clock). Each action is claimed with one
atomic UPDATE that sets a lease; only the run that wins the claim sends, and the chase is
recorded (ActionChase, unique per action and number) only after the e-mail went. A worker
that dies mid-send leaves a claim that lapses after LEASE and is taken again (DESIGN.md §5).
"""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta

from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet

from clinic.models import Action, ActionChase
from clinic.notifications import send_action_chaser
from foundation.lib.working_time import LONDON

logger = logging.getLogger(__name__)

LEASE = timedelta(minutes=10)
BATCH = 200
CHASE_EVERY = timedelta(days=7)


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=LONDON)


def actions_to_chase(now: datetime) -> QuerySet[Action]:
    """Open actions past their due date, never chased, or last chased a week or more ago
    (by calendar day, Europe/London)."""
    today = now.astimezone(LONDON).date()
    week_ago = _start_of(today - CHASE_EVERY + timedelta(days=1))
    return Action.objects.filter(status__in=Action.OPEN_STATUSES, due_on__lt=today).filter(
        Q(chase_count=0) | Q(last_chased_at__lt=week_ago)
    )


def _unclaimed(now: datetime) -> Q:
    return Q(chase_claimed_at__isnull=True) | Q(chase_claimed_at__lt=now - LEASE)


def chase_overdue_actions(*, now: datetime) -> int:
    """Send each due chaser once. Returns how many actions were chased."""
    due = actions_to_chase(now)
    chased = 0
    for pk in list(due.filter(_unclaimed(now)).values_list("pk", flat=True)[:BATCH]):
        if due.filter(pk=pk).filter(_unclaimed(now)).update(chase_claimed_at=now) != 1:
            continue  # another run took it, or it stopped being due
        action = due.filter(pk=pk).select_related("owner").first()
        if action is None:
            continue
        number = action.chase_count + 1
        try:
            sent = send_action_chaser(action, number=number)
        except Exception:
            logger.exception("chaser for action #%s failed; it will be retried", pk)
            continue  # the claim lapses after LEASE
        try:
            with transaction.atomic():
                ActionChase.objects.create(
                    action=action, number=number, sent_at=now, recipients=sent
                )
                Action.objects.filter(pk=pk, chase_claimed_at=now).update(
                    chase_count=F("chase_count") + 1, last_chased_at=now, chase_claimed_at=None
                )
        except IntegrityError:
            logger.warning("chaser %s for action #%s was already recorded", number, pk)
            continue
        chased += 1
    return chased

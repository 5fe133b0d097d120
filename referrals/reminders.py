"""Scheduled reminders: overdue referral responses, advice requests due soon or overdue, and
safety-plan reviews due.

Each sweep is a plain function of `now` (the Celery task reads the clock). A row is claimed
with one atomic UPDATE that sets a lease; only the run that wins the claim sends, and the row is
marked sent only after the e-mail went. A worker that dies mid-send leaves a claim that lapses
after LEASE and is taken again by a later run (DESIGN.md §5).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, time, timedelta

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from foundation.lib.working_time import LONDON, is_working_time
from referrals.models import AdviceRequest, Referral, SafetyPlan
from referrals.notifications import (
    send_advice_due_soon_reminder,
    send_advice_overdue_reminder,
    send_referral_overdue_reminder,
    send_safety_plan_review_reminder,
)

logger = logging.getLogger(__name__)

LEASE = timedelta(minutes=10)
BATCH = 200


def _unclaimed(field: str, now: datetime) -> Q:
    return Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__lt": now - LEASE})


def _sweep[M: Referral | AdviceRequest | SafetyPlan](
    due: QuerySet[M],
    *,
    claim_field: str,
    now: datetime,
    send: Callable[[M], int],
    mark_done: Callable[[QuerySet[M]], int],
    label: str,
) -> int:
    """Claim each due row, send, then mark it done. Returns how many rows were handled."""
    handled = 0
    candidates = list(due.filter(_unclaimed(claim_field, now)).values_list("pk", flat=True)[:BATCH])
    for pk in candidates:
        claim = due.filter(pk=pk).filter(_unclaimed(claim_field, now))
        if claim.update(**{claim_field: now}) != 1:
            continue  # another run took it, or it stopped being due
        row = due.filter(pk=pk).first()
        if row is None:
            continue  # answered or decided since it was listed: nothing to remind about
        try:
            send(row)
        except Exception:
            # The claim stays and lapses after LEASE, so a later run tries again.
            logger.exception("%s reminder for #%s failed; it will be retried", label, pk)
            continue
        mark_done(due.filter(pk=pk, **{claim_field: now}))
        handled += 1
    return handled


def _start_of_local_day(now: datetime) -> datetime:
    local = now.astimezone(LONDON)
    return datetime.combine(local.date(), time.min, tzinfo=LONDON)


def overdue_referrals(now: datetime) -> QuerySet[Referral]:
    """Sent referrals past their response time, not yet chased today (chased once a day)."""
    return Referral.objects.filter(state=Referral.State.SENT, response_due_at__lte=now).filter(
        Q(chased_at__isnull=True) | Q(chased_at__lt=_start_of_local_day(now))
    )


def chase_overdue_referrals(*, now: datetime) -> int:
    """E-mail the receiving agency and the referrer about referrals not answered in time.

    Runs only in working time: a chase at 3 a.m. on a Sunday helps nobody.
    """
    if not is_working_time(now):
        return 0
    return _sweep(
        overdue_referrals(now).select_related("case", "agency", "referred_by"),
        claim_field="chase_claimed_at",
        now=now,
        send=send_referral_overdue_reminder,
        mark_done=lambda rows: rows.update(
            chased_at=now, chase_count=F("chase_count") + 1, chase_claimed_at=None
        ),
        label="referral chase",
    )


def advice_due_soon(now: datetime) -> QuerySet[AdviceRequest]:
    return AdviceRequest.objects.filter(
        answered_at__isnull=True,
        due_soon_at__lte=now,
        due_at__gt=now,
        due_soon_sent_at__isnull=True,
    )


def advice_overdue(now: datetime) -> QuerySet[AdviceRequest]:
    return AdviceRequest.objects.filter(
        answered_at__isnull=True, due_at__lte=now, overdue_sent_at__isnull=True
    )


def remind_advice_queue(*, now: datetime) -> int:
    """Tell the queue about requests an hour of working time from due, and those past due."""
    due_soon = _sweep(
        advice_due_soon(now),
        claim_field="due_soon_claimed_at",
        now=now,
        send=send_advice_due_soon_reminder,
        mark_done=lambda rows: rows.update(due_soon_sent_at=now),
        label="advice due soon",
    )
    overdue = _sweep(
        advice_overdue(now),
        claim_field="overdue_claimed_at",
        now=now,
        send=send_advice_overdue_reminder,
        mark_done=lambda rows: rows.update(overdue_sent_at=now),
        label="advice overdue",
    )
    return due_soon + overdue


def safety_plan_reviews_due(now: datetime) -> QuerySet[SafetyPlan]:
    """Current plans of open casework whose review date has come, not yet reminded."""
    return SafetyPlan.objects.filter(
        is_current=True,
        review_on__lte=now.astimezone(LONDON).date(),
        review_reminded_at__isnull=True,
        referral__state__in=[Referral.State.ACCEPTED, Referral.State.ACTIVE],
    )


def remind_safety_plan_reviews(*, now: datetime) -> int:
    return _sweep(
        safety_plan_reviews_due(now).select_related("referral__case", "referral__caseworker"),
        claim_field="review_claimed_at",
        now=now,
        send=send_safety_plan_review_reminder,
        mark_done=lambda rows: rows.update(review_reminded_at=now),
        label="safety plan review",
    )


def run_all(*, now: datetime | None = None) -> dict[str, int]:
    """Every sweep once (for the management shell and tests)."""
    now = now or timezone.now()
    return {
        "referral_chases": chase_overdue_referrals(now=now),
        "advice_reminders": remind_advice_queue(now=now),
        "safety_plan_reviews": remind_safety_plan_reviews(now=now),
    }

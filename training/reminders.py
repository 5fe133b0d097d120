"""Scheduled reminders: refreshers due, sessions under-booked a week before, and no-shows.

Each sweep is a plain function of `now` (the Celery task reads the clock). A row is claimed
with one atomic UPDATE that sets a lease; only the run that wins the claim sends, and the row
is marked sent only after the e-mail went. A worker that dies mid-send leaves a claim that
lapses after LEASE and is taken again by a later run (DESIGN.md §5), so each reminder goes
once, also when two runs overlap.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from django.db.models import Count, F, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from training import compliance
from training.models import PLACE_HOLDING, Enrolment, RefreshReminder, Session
from training.notifications import (
    send_no_show_notice,
    send_refresh_reminder,
    send_underbooked_reminder,
)

logger = logging.getLogger(__name__)

LEASE = timedelta(minutes=10)
BATCH = 500
# Sessions are checked for bookings this long before they start.
UNDERBOOKED_NOTICE = timedelta(days=7)
# A no-show older than this is history, not news (e.g. the first run after an import).
NO_SHOW_WITHIN = timedelta(days=30)


def _unclaimed(field: str, now: datetime) -> Q:
    return Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__lt": now - LEASE})


def _sweep[M: RefreshReminder | Session | Enrolment](
    due: QuerySet[M],
    *,
    claim_field: str,
    sent_field: str,
    now: datetime,
    send: Callable[[M], int],
    label: str,
) -> int:
    """Claim each due row, send, then mark it sent. Returns how many rows were handled."""
    model = due.model
    handled = 0
    candidates = list(due.filter(_unclaimed(claim_field, now)).values_list("pk", flat=True)[:BATCH])
    for pk in candidates:
        claim = model.objects.filter(pk=pk, **{f"{sent_field}__isnull": True}).filter(
            _unclaimed(claim_field, now)
        )
        if claim.update(**{claim_field: now}) != 1:
            continue  # another run took it, or it was sent meanwhile
        row = due.filter(pk=pk).first()
        if row is None:
            continue  # no longer due (booked up, attendance corrected): nothing to send
        try:
            send(row)
        except Exception:
            # The claim stays and lapses after LEASE, so a later run tries again.
            logger.exception("%s reminder for #%s failed; it will be retried", label, pk)
            continue
        model.objects.filter(pk=pk, **{claim_field: now}).update(**{sent_field: now})
        handled += 1
    return handled


def refresh_reminders_due() -> QuerySet[RefreshReminder]:
    return RefreshReminder.objects.filter(sent_at__isnull=True, trainee__is_active=True)


def remind_refreshers(*, now: datetime) -> int:
    """Record who became due today (once per expiry), then tell each of them once."""
    compliance.queue_refresh_reminders(today=timezone.localdate(now))
    return _sweep(
        refresh_reminders_due().select_related("trainee__user", "course"),
        claim_field="claimed_at",
        sent_field="sent_at",
        now=now,
        send=send_refresh_reminder,
        label="refresher",
    )


def underbooked_sessions(now: datetime) -> QuerySet[Session]:
    """Scheduled sessions starting within a week with fewer bookings than the minimum (the
    course's, or half the capacity rounded up)."""
    return (
        Session.objects.filter(
            status=Session.Status.SCHEDULED,
            starts_at__gt=now,
            starts_at__lte=now + UNDERBOOKED_NOTICE,
            underbooked_sent_at__isnull=True,
        )
        .annotate(
            booked=Count("enrolments", filter=Q(enrolments__status__in=PLACE_HOLDING)),
            minimum=Coalesce(F("course__minimum_bookings"), (F("capacity") + Value(1)) / Value(2)),
        )
        .filter(booked__lt=F("minimum"))
    )


def remind_underbooked(*, now: datetime) -> int:
    return _sweep(
        underbooked_sessions(now).select_related("course", "trainer"),
        claim_field="underbooked_claimed_at",
        sent_field="underbooked_sent_at",
        now=now,
        send=send_underbooked_reminder,
        label="under-booked session",
    )


def no_shows(now: datetime) -> QuerySet[Enrolment]:
    return Enrolment.objects.filter(
        status=Enrolment.Status.DID_NOT_ATTEND,
        no_show_sent_at__isnull=True,
        session__ends_at__lte=now,
        session__ends_at__gte=now - NO_SHOW_WITHIN,
    )


def notify_no_shows(*, now: datetime) -> int:
    return _sweep(
        no_shows(now).select_related("session__course", "trainee__user"),
        claim_field="no_show_claimed_at",
        sent_field="no_show_sent_at",
        now=now,
        send=send_no_show_notice,
        label="no-show",
    )


def run_all(*, now: datetime | None = None) -> dict[str, int]:
    """Every sweep once (for the management shell and tests)."""
    now = now or timezone.now()
    return {
        "refreshers": remind_refreshers(now=now),
        "underbooked": remind_underbooked(now=now),
        "no_shows": notify_no_shows(now=now),
    }

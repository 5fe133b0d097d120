"""The legal sweeps (daily beat; docs/legal.md):

- reminders: hearings 7 days and 1 day before, renewal reviews 3 months and 1 month before a
  fixed-term order ends. Each reminder is claimed with an atomic UPDATE that sets a lease,
  e-mailed, then marked sent: two runs at once never both send it; a worker that dies
  mid-send leaves a claim that lapses and is taken again (DESIGN.md §5).
- orders that lapse: an interim SPO whose period has ended (s.5) and a fixed-term order past
  its last day end the file as expired, each file once (a conditional UPDATE on its state).

The clock is read by the task and passed in as `now`.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from legal import transitions
from legal.models import (
    EndedReason,
    FileState,
    LegalEvent,
    OrderFile,
    ProtectiveOrder,
    Reminder,
)
from legal.notifications import send_reminder
from legal.services.files import add_event, end_orders

logger = logging.getLogger(__name__)

LEASE = timedelta(minutes=15)
BATCH = 500


def _unclaimed(now: datetime) -> Q:
    return Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - LEASE)


def claim_reminder(*, reminder_id: int, now: datetime) -> bool:
    """Claim one reminder for this run. True if this run won it (the UPDATE re-checks the
    lease on the latest row version, so a concurrent claim matches nothing)."""
    return (
        Reminder.objects.filter(pk=reminder_id, sent_at__isnull=True)
        .filter(_unclaimed(now))
        .update(claimed_at=now)
        == 1
    )


def send_due_reminders(*, now: datetime) -> int:
    """Send every reminder whose day has come (once each). Returns how many were sent."""
    today = timezone.localdate(now)
    due = list(
        Reminder.objects.filter(sent_at__isnull=True, send_on__lte=today)
        .filter(_unclaimed(now))
        .order_by("send_on", "pk")
        .values_list("pk", flat=True)[:BATCH]
    )
    sent = 0
    for reminder_id in due:
        if not claim_reminder(reminder_id=reminder_id, now=now):
            continue
        reminder = Reminder.objects.select_related(
            "file__case", "file__solicitor", "hearing", "order"
        ).get(pk=reminder_id)
        stale = (reminder.hearing is not None and reminder.hearing.starts_at < now) or (
            reminder.order is not None and reminder.order.ended_on is not None
        )
        try:
            if not stale:
                send_reminder(reminder, now=now)
        except Exception:
            logger.exception("legal reminder %s not sent", reminder_id)
            continue
        Reminder.objects.filter(pk=reminder_id, claimed_at=now).update(sent_at=now)
        sent += int(not stale)
    return sent


def end_lapsed_orders(*, now: datetime) -> int:
    """End the files whose order lapsed before today: an interim SPO at the end of the period
    the court set (s.5), a fixed-term order after its last day. Returns how many files."""
    today = timezone.localdate(now)
    lapsed = ProtectiveOrder.objects.filter(ended_on__isnull=True, fixed_end_on__lt=today)
    ended = 0
    for file_id in (
        OrderFile.objects.filter(state__in=[FileState.INTERIM, FileState.IN_FORCE])
        .filter(pk__in=lapsed.values("file_id"))
        .values_list("pk", flat=True)
        .order_by("pk")[:BATCH]
    ):
        with transaction.atomic():
            file = (
                OrderFile.objects.select_for_update(skip_locked=True)
                .filter(pk=file_id, state__in=[FileState.INTERIM, FileState.IN_FORCE])
                .first()
            )
            if file is None:
                continue  # another run has it, or it moved meanwhile
            order = lapsed.filter(file=file).order_by("-fixed_end_on").first()
            if order is None or order.fixed_end_on is None:
                continue
            transition = transitions.find("expire", is_spo=file.is_spo)
            assert transition is not None
            last_day = order.fixed_end_on
            by = order.recorded_by
            end_orders(file=file, on=last_day, reason=EndedReason.EXPIRED, by=by)
            file.state = FileState.ENDED
            file.ended_reason = EndedReason.EXPIRED
            file.ended_on = last_day
            file.save(update_fields=["state", "ended_reason", "ended_on"])
            add_event(
                file=file,
                kind=LegalEvent.Kind.STATE,
                on=last_day,
                summary=f"{transition.label} (its period ended on {last_day:%d %b %Y})",
                by=by,
                to_state=FileState.ENDED,
                ended_reason=EndedReason.EXPIRED,
            )
            ended += 1
    return ended

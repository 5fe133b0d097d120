"""Daily risk review reminders: e-mail the assessor and the case owner when a review is due.

Sent once per assessment per review date, whatever the number of runs: each row is claimed
with an atomic UPDATE that sets a lease, e-mailed, then marked sent. Two runs at once never
both win a claim; a worker that dies mid-send leaves a claim that lapses after the lease and
is taken again (DESIGN.md §5). The clock is read by the task and passed in as ``now``.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone

from foundation.accounts.cover import with_coverers
from risk.models import RiskAssessment
from risk.selectors import due_for_reminder

logger = logging.getLogger(__name__)

# Long enough for any send to finish; a claim older than this belongs to a dead worker.
REMINDER_LEASE = timedelta(minutes=15)
BATCH = 500


def claim_reminder(*, assessment_id: int, today: date, now: datetime) -> bool:
    """Claim one due reminder for this run. True if this run won it.

    The UPDATE filters on the row's own columns only (no join, so no subquery): Postgres then
    re-checks the lease on the latest row version, and a second concurrent claim matches nothing.
    """
    return (
        RiskAssessment.objects.filter(
            pk=assessment_id, superseded_at__isnull=True, review_date__lte=today
        )
        .filter(Q(reminder_sent_for__isnull=True) | Q(reminder_sent_for__lt=F("review_date")))
        .filter(
            Q(reminder_claimed_at__isnull=True) | Q(reminder_claimed_at__lt=now - REMINDER_LEASE)
        )
        .update(reminder_claimed_at=now)
        == 1
    )


def send_review_reminders(*, now: datetime) -> int:
    """Send every due or overdue review reminder not yet sent. Returns how many were sent."""
    today = timezone.localdate(now)
    due = list(
        due_for_reminder(today=today)
        .order_by("review_date", "pk")
        .values_list("pk", flat=True)[:BATCH]
    )
    sent = 0
    for assessment_id in due:
        if not claim_reminder(assessment_id=assessment_id, today=today, now=now):
            continue  # another run has it, or it was sent meanwhile
        try:
            _send_reminder(assessment_id=assessment_id, today=today)
        except Exception:
            # The claim stays and lapses after the lease, so a later run retries this one.
            logger.exception("risk review reminder for assessment %s not sent", assessment_id)
            continue
        RiskAssessment.objects.filter(pk=assessment_id).update(
            reminder_sent_for=F("review_date"), reminder_claimed_at=None
        )
        sent += 1
    return sent


def _send_reminder(*, assessment_id: int, today: date) -> None:
    assessment = RiskAssessment.objects.select_related("case__owner", "assessor", "instrument").get(
        pk=assessment_id
    )
    # Whoever covers the assessor or the owner now is told too (foundation/accounts/cover.py).
    people = [user for user in (assessment.assessor, assessment.case.owner) if user is not None]
    recipients = sorted(
        {user.email for user in with_coverers(people) if user.is_active and user.email}
    )
    if not recipients:
        return
    overdue_days = (today - assessment.review_date).days
    context = {
        "reference": assessment.case.reference,
        "instrument": assessment.instrument.name,
        "review_date": assessment.review_date,
        "overdue_days": overdue_days,
        "path": assessment.get_absolute_url(),
    }
    EmailMessage(
        subject=render_to_string("emails/risk_review_due_subject.txt", context).strip(),
        body=render_to_string("emails/risk_review_due.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=recipients,
    ).send()

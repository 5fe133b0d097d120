"""Bulletin e-mails: a link to the bulletin in the hub, never its text (mail leaves the system).

Each recipient's e-mail is claimed with a lease before it is sent and marked sent after
(DESIGN.md §5): two runs at once send each e-mail once, and a worker that dies mid-send leaves
claims that expire and are taken again by the next run (the outbox message, or the beat
sweep every 10 minutes).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from foundation.outbox.services import outbox_handler
from learning.models import Bulletin, BulletinRecipient

LEASE = timedelta(minutes=10)
BATCH = 500


def _due(now: datetime) -> Q:
    return Q(emailed_at__isnull=True, bulletin__state=Bulletin.State.PUBLISHED) & (
        Q(email_claimed_at__isnull=True) | Q(email_claimed_at__lt=now - LEASE)
    )


def send_bulletin_emails(*, now: datetime, bulletin_id: int | None = None) -> int:
    """Send the e-mails due (of one bulletin, or of all). Returns how many this run sent."""
    candidates = BulletinRecipient.objects.filter(_due(now))
    if bulletin_id is not None:
        candidates = candidates.filter(bulletin_id=bulletin_id)
    sent = 0
    for recipient_id in candidates.order_by("pk").values_list("pk", flat=True)[:BATCH]:
        claimed = BulletinRecipient.objects.filter(Q(pk=recipient_id) & _due(now)).update(
            email_claimed_at=now
        )
        if claimed != 1:
            continue  # another run has it
        recipient = BulletinRecipient.objects.select_related("user", "bulletin").get(
            pk=recipient_id
        )
        if recipient.user.is_active and recipient.user.email:
            context = {"path": reverse("learning:bulletin", args=[recipient.bulletin_id])}
            send_mail(
                render_to_string("emails/learning_bulletin_subject.txt", context).strip(),
                render_to_string("emails/learning_bulletin.txt", context),
                settings.DEFAULT_FROM_EMAIL,
                [recipient.user.email],
            )
        BulletinRecipient.objects.filter(pk=recipient_id).update(emailed_at=timezone.now())
        sent += 1
    return sent


@outbox_handler("learning.send_bulletin_emails")
def send_published_bulletin(*, bulletin_id: int) -> None:
    send_bulletin_emails(now=timezone.now(), bulletin_id=bulletin_id)

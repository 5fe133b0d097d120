"""Thin Celery wrappers: they read the clock and call a plain function."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from learning.notifications import send_bulletin_emails


@shared_task(name="learning.send_bulletin_emails")
def send_pending_bulletin_emails() -> int:
    """E-mails of published bulletins not yet sent, or whose claim has expired."""
    return send_bulletin_emails(now=timezone.now())

"""Thin Celery wrappers: they read the clock and call a plain function."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from learning.notifications import send_bulletin_emails
from learning.summary import refresh_gap_summary


@shared_task(name="learning.send_bulletin_emails")
def send_pending_bulletin_emails() -> int:
    """E-mails of published bulletins not yet sent, or whose claim has expired."""
    return send_bulletin_emails(now=timezone.now())


@shared_task(name="learning.refresh_gap_summary", acks_late=True, reject_on_worker_lost=True)
def refresh_gap_summary_task() -> int:
    """Every month of the recording-gap summary, all over again (idempotent)."""
    return refresh_gap_summary(now=timezone.now())

"""Celery wrappers: read the clock, call the sweep. Scheduled in stalking_hub/celery.py."""

from celery import shared_task
from django.utils import timezone

from training import reminders


@shared_task(name="training.remind_refreshers")
def remind_refreshers() -> int:
    return reminders.remind_refreshers(now=timezone.now())


@shared_task(name="training.remind_underbooked")
def remind_underbooked() -> int:
    return reminders.remind_underbooked(now=timezone.now())


@shared_task(name="training.notify_no_shows")
def notify_no_shows() -> int:
    return reminders.notify_no_shows(now=timezone.now())

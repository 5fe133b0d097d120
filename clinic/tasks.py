"""Celery wrappers: read the clock, call the service. Scheduled in stalking_hub/celery.py."""

from celery import shared_task
from django.utils import timezone

from clinic import reminders
from clinic.allocation import allocate
from clinic.services.meetings import generate_all_schedules


@shared_task(name="clinic.nightly")
def nightly() -> int:
    """Generate schedules' meetings ahead, then allocate the waiting list."""
    created = generate_all_schedules(today=timezone.localdate())
    allocate(now=timezone.now())
    return created


@shared_task(name="clinic.chase_overdue_actions")
def chase_overdue_actions() -> int:
    return reminders.chase_overdue_actions(now=timezone.now())

from celery import shared_task
from django.utils import timezone

from legal import reminders


@shared_task(name="legal.send_reminders")
def send_reminders() -> int:
    """Daily (stalking_hub/celery.py): hearing reminders and renewal reviews, each sent once."""
    return reminders.send_due_reminders(now=timezone.now())


@shared_task(name="legal.end_lapsed_orders")
def end_lapsed_orders() -> int:
    """Daily (stalking_hub/celery.py): interim and fixed-term orders whose period has ended."""
    return reminders.end_lapsed_orders(now=timezone.now())

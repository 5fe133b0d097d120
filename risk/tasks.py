from celery import shared_task
from django.utils import timezone

from risk import reminders


@shared_task(name="risk.send_review_reminders")
def send_review_reminders() -> int:
    """Daily (stalking_hub/celery.py): e-mail due and overdue risk reviews, once each."""
    return reminders.send_review_reminders(now=timezone.now())

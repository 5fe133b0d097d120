from celery import shared_task
from django.utils import timezone

from oversight import reminders


@shared_task(name="oversight.chase_overdue_directions")
def chase_overdue_directions() -> int:
    """Daily (stalking_hub/celery.py): chase overdue directions, the day after due then weekly."""
    return reminders.chase_overdue_directions(now=timezone.now())

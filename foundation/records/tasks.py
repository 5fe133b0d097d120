"""Celery wrappers of information management: read the clock, call the services."""

from celery import shared_task
from django.utils import timezone

from foundation.records import services


@shared_task(name="records.review_retention", acks_late=True)
def review_retention() -> dict[str, int]:
    """The nightly retention job: list what is due, dispose of what is queued (expired
    crime-log copies included), delete access records past their period. Idempotent."""
    now = timezone.now()
    due = services.list_due_reviews(now=now)
    disposal = services.dispose_queued(now=now)
    access = services.dispose_old_access_records(now=now)
    return {
        "listed": due.listed,
        "queued_by_rule": due.queued_by_rule,
        "disposed": disposal.disposed,
        "blocked": disposal.blocked,
        "access_records_deleted": access,
    }

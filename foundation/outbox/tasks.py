"""Celery wrappers for the outbox: take ids, call the service."""

from celery import shared_task
from django.utils import timezone

from foundation.outbox import services


@shared_task(name="outbox.run_message")
def run_outbox_message(message_id: int) -> bool:
    return services.run_message(message_id=message_id)


@shared_task(name="outbox.relay")
def relay_outbox() -> int:
    return services.relay(now=timezone.now())

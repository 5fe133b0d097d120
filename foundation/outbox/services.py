"""The outbox: enqueue follow-up work inside the user's transaction; relay and run it later.

A user action calls `enqueue(handler, **kwargs)`; the row stores the handler's registered name
(`@outbox_handler("app.name")`), never its Python path, so moving a module never orphans a
queued message. The row commits with the action, so the work
cannot be lost even when Redis is down. After commit we try to publish at once, with one short
attempt (HUB_WEB_PUBLISH_TIMEOUT_MS, no retries) so a request never waits on a dead broker; if
it fails the row waits and the beat-driven relay publishes it when the broker returns.
The worker runs the handler and marks the row completed in the same transaction, under a row
lock, so a message delivered twice (a republished lease, a redelivery after a worker died)
does its work exactly once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from kombu import Connection

from foundation.outbox.broker import web_publish_connection
from foundation.outbox.models import OutboxMessage

logger = logging.getLogger(__name__)

HANDLER_NAME = "_hub_outbox_name"
# How long a published message may wait for a worker before the relay publishes it again.
PUBLISH_LEASE = timedelta(minutes=10)
RELAY_BATCH = 500


class NotAnOutboxHandler(Exception):
    """The function was not declared with @outbox_handler."""


_registry: dict[str, Callable[..., None]] = {}


def outbox_handler[**P](name: str) -> Callable[[Callable[P, None]], Callable[P, None]]:
    """Declare a plain function as safe to run from the outbox under a stable `name`.

    The function must take JSON-able keyword arguments. The name is what a queued row stores;
    keep it when the function moves (a data migration renames rows if it ever must change).
    """

    def register(func: Callable[P, None]) -> Callable[P, None]:
        existing = _registry.get(name)
        if existing is not None and existing.__qualname__ != func.__qualname__:
            raise ValueError(f"outbox handler name {name!r} is taken by {existing.__qualname__}")
        _registry[name] = func
        setattr(func, HANDLER_NAME, name)
        return func

    return register


def registered_handlers() -> dict[str, Callable[..., None]]:
    return dict(_registry)


def _handler_name(func: Callable[..., None]) -> str:
    name = getattr(func, HANDLER_NAME, None)
    if name is None:
        raise NotAnOutboxHandler(f"{func.__qualname__} is not decorated with @outbox_handler")
    return str(name)


def enqueue(handler: Callable[..., None], **kwargs: Any) -> OutboxMessage:
    """Record follow-up work in the current transaction and publish it once that commits."""
    message = OutboxMessage.objects.create(handler=_handler_name(handler), kwargs=kwargs)
    transaction.on_commit(lambda: publish_now(message_ids=[message.pk]))
    return message


def publish_now(*, message_ids: list[int]) -> int:
    """Publish from the user's request, straight after its commit (so e-mails go at once).

    One short attempt (HUB_WEB_PUBLISH_TIMEOUT_MS, no retries): with the broker down the request
    goes on at once and the relay publishes the messages later. Returns the published count.
    """
    from foundation.outbox.tasks import run_outbox_message

    with web_publish_connection(run_outbox_message.app) as connection:
        return publish(message_ids=message_ids, connection=connection)


def publish(*, message_ids: list[int], connection: Connection | None = None) -> int:
    """Hand messages to the broker; on failure leave them for the relay. Returns published count.

    Without `connection`, Celery's own broker settings apply (it waits and retries: right for
    the relay in a worker, wrong in a web request, which uses `publish_now`).
    """
    from foundation.outbox.tasks import run_outbox_message

    published = 0
    for message_id in message_ids:
        try:
            # Celery takes connection= (Celery.send_task); celery-types does not list it.
            run_outbox_message.apply_async(  # type: ignore[call-arg]
                args=(message_id,), retry=False, connection=connection
            )
        except Exception as exc:  # broker down: kombu/redis raise a variety of errors
            OutboxMessage.objects.filter(pk=message_id).update(
                last_error=f"publish failed: {type(exc).__name__}"[:300]
            )
            logger.warning("outbox message %s not published; the relay will retry", message_id)
            break  # the broker is down; don't hammer it for every remaining message
        OutboxMessage.objects.filter(pk=message_id, completed_at=None).update(
            published_at=timezone.now(), last_error=""
        )
        published += 1
    return published


def claim_unpublished(*, now: datetime, limit: int = RELAY_BATCH) -> list[int]:
    """Claim messages never published, or published so long ago that the lease lapsed."""
    due = (
        OutboxMessage.objects.filter(completed_at=None)
        .filter(Q(published_at=None) | Q(published_at__lt=now - PUBLISH_LEASE))
        .values_list("pk", flat=True)[:limit]
    )
    claimed: list[int] = []
    for pk in due:
        # Atomic claim: two relays running at once never both take the same message.
        won = (
            OutboxMessage.objects.filter(pk=pk, completed_at=None)
            .filter(Q(published_at=None) | Q(published_at__lt=now - PUBLISH_LEASE))
            .update(published_at=now)
        )
        if won:
            claimed.append(pk)
    return claimed


def relay(*, now: datetime) -> int:
    """Publish every pending message (run by beat). Returns how many reached the broker."""
    from foundation.outbox.tasks import run_outbox_message

    claimed = claim_unpublished(now=now)
    if not claimed:
        return 0
    OutboxMessage.objects.filter(pk__in=claimed).update(publish_attempts=F("publish_attempts") + 1)
    # A connection of its own, from the broker settings as they are now, closed after the batch.
    with run_outbox_message.app.connection_for_write() as connection:
        published = publish(message_ids=claimed, connection=connection)
    if published < len(claimed):
        # The broker refused part way: release the rest so the next relay takes them at once.
        OutboxMessage.objects.filter(pk__in=claimed[published:], completed_at=None).update(
            published_at=None
        )
    return published


def run_message(*, message_id: int) -> bool:
    """Run one message's handler exactly once. Returns False if it was already done or busy."""
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(pk=message_id, completed_at=None)
            .first()
        )
        if message is None:
            return False  # done already, or another worker holds it right now
        handler = _registry.get(message.handler)
        if handler is None:
            raise NotAnOutboxHandler(message.handler)
        handler(**message.kwargs)
        message.completed_at = timezone.now()
        message.save(update_fields=["completed_at"])
    return True

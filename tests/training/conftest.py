"""Fixtures for training: a team manager, a captured outbox."""

from __future__ import annotations

import pytest

from foundation.accounts.models import Agency, Role, User
from foundation.outbox.models import OutboxMessage
from foundation.outbox.tasks import run_outbox_message
from tests.factories import UserFactory


@pytest.fixture
def team_manager(home_force: Agency) -> User:
    """An inspector with the manager qualification (named on a team by each test)."""
    return UserFactory(
        email="inspector@example.test",
        full_name="Insp Mo Manager",
        roles=[Role.OFFICER],
        agency=home_force,
        is_manager=True,
    )


@pytest.fixture
def no_broker(monkeypatch) -> list[int]:
    """Outbox messages are recorded but not sent to Redis; returns the ids published."""
    published: list[int] = []
    monkeypatch.setattr(
        run_outbox_message, "apply_async", lambda args, **kwargs: published.append(args[0])
    )
    return published


def run_outbox() -> None:
    """Run every pending outbox message, as a worker would."""
    from foundation.outbox.services import run_message

    for message in OutboxMessage.objects.filter(completed_at=None):
        run_message(message_id=message.pk)

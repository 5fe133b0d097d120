"""Fixtures for referrals: the ISAC service's manager, an enhanced champion, an open case with a
named victim (the name must never leak), and a captured outbox."""

from __future__ import annotations

import pytest

from cases.models import CaseParty, PartyRole
from foundation.accounts.models import Agency, Role, User
from foundation.outbox.models import OutboxMessage
from foundation.outbox.tasks import run_outbox_message
from tests.factories import CaseFactory, PersonFactory, UserFactory

VICTIM_NAME = "Ottoline Synthetic-Victim"
REASON_SECRET = "REASON-SECRET escalating visits to her workplace"


@pytest.fixture
def isac_manager(isac_service: Agency) -> User:
    return UserFactory(
        email="isac-manager@example.test", roles=[Role.ISAC], agency=isac_service, is_manager=True
    )


@pytest.fixture
def enhanced_champion(home_force: Agency) -> User:
    return UserFactory(
        email="enhanced@example.test",
        roles=[Role.CHAMPION, Role.OFFICER],
        agency=home_force,
        is_enhanced_champion=True,
    )


@pytest.fixture
def other_champion(home_force: Agency) -> User:
    return UserFactory(email="champion2@example.test", roles=[Role.CHAMPION], agency=home_force)


@pytest.fixture
def open_case(coordinator: User):
    case = CaseFactory(owner=coordinator)
    CaseParty.objects.create(
        case=case, person=PersonFactory(name=VICTIM_NAME), role=PartyRole.VICTIM
    )
    return case


@pytest.fixture
def no_broker(monkeypatch) -> list[int]:
    """Outbox messages are recorded but not sent to Redis; returns the ids published."""
    published: list[int] = []
    monkeypatch.setattr(
        run_outbox_message, "apply_async", lambda args, **kwargs: published.append(args[0])
    )
    return published


def outbox_handlers() -> list[str]:
    return [message.handler.rsplit(".", 1)[-1] for message in OutboxMessage.objects.all()]


def run_outbox() -> None:
    """Run every pending outbox message, as a worker would."""
    from foundation.outbox.services import run_message

    for message in OutboxMessage.objects.filter(completed_at=None):
        run_message(message_id=message.pk)

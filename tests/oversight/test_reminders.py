"""Overdue directions are chased the day after they fall due, then weekly: once per chase day
under concurrent runs, and none lost when a worker dies mid-send."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection

from oversight import reminders
from oversight.models import Direction
from oversight.reminders import LEASE, chase_overdue_directions, claim_chase
from oversight.tasks import chase_overdue_directions as chase_task
from tests.factories import CaseFactory, DirectionFactory, RoleCoverFactory, UserFactory

pytestmark = pytest.mark.django_db

DUE = date(2026, 5, 20)


def at(day: date, hour: int = 7) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


@pytest.fixture
def direction(officer) -> Direction:
    return DirectionFactory(
        officer=officer, due_on=DUE, case=CaseFactory(reference="SH-2026-00077")
    )


def test_not_chased_on_the_due_day_then_the_day_after_then_weekly(direction, officer):
    assert chase_overdue_directions(now=at(DUE)) == 0
    assert chase_overdue_directions(now=at(DUE + timedelta(days=1))) == 1
    assert [message.to for message in mail.outbox] == [[officer.email]]
    assert "SH-2026-00077" in mail.outbox[0].subject
    assert "/logs/mine/" in mail.outbox[0].body
    assert direction.text not in mail.outbox[0].body
    # Not again until a week later.
    for day in range(2, 8):
        assert chase_overdue_directions(now=at(DUE + timedelta(days=day))) == 0
    assert chase_overdue_directions(now=at(DUE + timedelta(days=8))) == 1
    direction.refresh_from_db()
    assert direction.chase_count == 2
    assert direction.next_chase_on == DUE + timedelta(days=15)
    assert len(mail.outbox) == 2


def test_a_done_or_withdrawn_direction_is_not_chased(direction):
    Direction.objects.filter(pk=direction.pk).update(status=Direction.Status.DONE)
    assert chase_overdue_directions(now=at(DUE + timedelta(days=1))) == 0
    assert mail.outbox == []


def test_the_chase_goes_to_whoever_covers_the_officer_too(direction, officer, home_force):
    cover = UserFactory(roles=["officer"], agency=home_force, email="cover@example.test")
    RoleCoverFactory(
        user=cover,
        role="officer",
        covered_user=officer,
        starts_at=at(DUE),
        ends_at=at(DUE + timedelta(days=7)),
    )
    chase_overdue_directions(now=at(DUE + timedelta(days=1)))
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [officer.email, "cover@example.test"]
    )


def test_the_task_reads_the_clock(direction):
    with time_machine.travel(at(DUE + timedelta(days=1)), tick=False):
        assert chase_task() == 1


def test_two_runs_claiming_at_once_chase_once(direction):
    now = at(DUE + timedelta(days=1))
    today = DUE + timedelta(days=1)
    assert claim_chase(direction_id=direction.pk, today=today, now=now)
    assert not claim_chase(direction_id=direction.pk, today=today, now=now)
    assert chase_overdue_directions(now=now + timedelta(minutes=1)) == 0
    assert mail.outbox == []


def test_a_dead_workers_claim_is_retaken_after_the_lease(direction, monkeypatch):
    now = at(DUE + timedelta(days=1))

    def crash(direction: Direction, *, now: datetime) -> int:
        raise ConnectionError("mail server went away")

    monkeypatch.setattr(reminders, "send_direction_chase", crash)
    assert chase_overdue_directions(now=now) == 0
    direction.refresh_from_db()
    assert direction.chase_claimed_at == now
    assert direction.chase_count == 0
    monkeypatch.undo()
    assert chase_overdue_directions(now=now + LEASE - timedelta(seconds=1)) == 0
    assert chase_overdue_directions(now=now + LEASE + timedelta(seconds=1)) == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_runs_in_separate_transactions_chase_each_once(home_force):
    officer = UserFactory(roles=["officer"], agency=home_force)
    for _ in range(6):
        DirectionFactory(officer=officer, due_on=DUE)
    now = at(DUE + timedelta(days=1))
    barrier = threading.Barrier(2)
    counts: list[int] = []

    def run() -> None:
        barrier.wait()
        try:
            counts.append(chase_overdue_directions(now=now))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(counts) == 6
    assert len(mail.outbox) == 6
    assert Direction.objects.filter(chase_count=1).count() == 6

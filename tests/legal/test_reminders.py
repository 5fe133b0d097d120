"""Hearing reminders (7 days and 1 day before) and renewal reviews, sent once under concurrent
runs with frozen time; interim orders and fixed terms that lapse end the file once."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection

from cases.models import CaseParty, PartyRole
from legal import reminders, services
from legal.models import EndedReason, FileState, OrderFile, Reminder
from legal.reminders import LEASE, claim_reminder, end_lapsed_orders, send_due_reminders
from legal.tasks import end_lapsed_orders as end_task
from legal.tasks import send_reminders as send_task
from tests.factories import CaseFactory, PersonFactory, UserFactory
from tests.legal.conftest import open_spo, to_state

pytestmark = pytest.mark.django_db

HEARING_AT = datetime(2026, 7, 20, 10, tzinfo=UTC)


def at(day: date, hour: int = 6) -> datetime:
    return datetime(day.year, day.month, day.day, hour, 45, tzinfo=UTC)


@pytest.fixture
def hearing(spo_file, solicitor):
    return services.schedule_hearing(
        file=spo_file,
        court="Northtown Magistrates' Court",
        starts_at=HEARING_AT,
        kind="interim",
        by=solicitor,
        now=datetime(2026, 7, 1, 9, tzinfo=UTC),
    )


def test_reminded_7_days_and_1_day_before_each_once(hearing, solicitor):
    with time_machine.travel(at(date(2026, 7, 12)), tick=False):
        assert send_task() == 0
    with time_machine.travel(at(date(2026, 7, 13)), tick=False):
        assert send_task() == 1
        assert send_task() == 0
    assert [m.to for m in mail.outbox] == [[solicitor.email]]
    assert hearing.file.case.reference in mail.outbox[0].subject
    assert "Northtown Magistrates' Court" in mail.outbox[0].body
    assert hearing.file.respondent.name not in mail.outbox[0].body
    with time_machine.travel(at(date(2026, 7, 19)), tick=False):
        assert send_task() == 1
    with time_machine.travel(at(date(2026, 7, 25)), tick=False):
        assert send_task() == 0
    assert len(mail.outbox) == 2


def test_two_runs_claiming_at_once_send_once(hearing):
    now = at(date(2026, 7, 13))
    reminder = Reminder.objects.get(kind=Reminder.Kind.HEARING_WEEK)
    assert claim_reminder(reminder_id=reminder.pk, now=now)
    assert not claim_reminder(reminder_id=reminder.pk, now=now)
    assert send_due_reminders(now=now + timedelta(minutes=1)) == 0
    assert mail.outbox == []


def test_a_dead_workers_claim_is_retaken_after_the_lease(hearing, monkeypatch):
    now = at(date(2026, 7, 13))

    def crash(reminder, *, now):
        raise ConnectionError("mail server went away")

    monkeypatch.setattr(reminders, "send_reminder", crash)
    assert send_due_reminders(now=now) == 0
    monkeypatch.undo()
    assert send_due_reminders(now=now + LEASE - timedelta(seconds=1)) == 0
    assert send_due_reminders(now=now + LEASE + timedelta(seconds=1)) == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_runs_in_separate_transactions_send_each_once(home_force):
    solicitor = UserFactory(roles=["solicitor"], agency=home_force)
    for _ in range(3):
        case = CaseFactory()
        CaseParty.objects.create(case=case, person=PersonFactory(), role=PartyRole.SUSPECT)
        services.schedule_hearing(
            file=open_spo(case, solicitor),
            court="Court",
            starts_at=HEARING_AT,
            kind="full",
            by=solicitor,
            now=datetime(2026, 7, 1, tzinfo=UTC),
        )
    now = at(date(2026, 7, 19))  # both reminders of each hearing are due
    barrier = threading.Barrier(2)
    counts: list[int] = []

    def run() -> None:
        barrier.wait()
        try:
            counts.append(send_due_reminders(now=now))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(counts) == 6
    assert len(mail.outbox) == 6
    assert Reminder.objects.filter(sent_at__isnull=True).count() == 0


def test_renewal_reviews_3_months_and_1_month_before_the_end(spo_file, solicitor):
    file = to_state(spo_file, solicitor, "applied", on=date(2026, 1, 5))
    with time_machine.travel(at(date(2026, 1, 10)), tick=False):
        services.record_order(
            file=file,
            kind="full",
            made_on=date(2026, 1, 5),
            fixed_end_on=date(2028, 5, 31),
            by=solicitor,
        )
    assert sorted(Reminder.objects.values_list("send_on", flat=True)) == [
        date(2028, 2, 29),
        date(2028, 4, 30),
    ]
    assert send_due_reminders(now=at(date(2028, 2, 28))) == 0
    assert send_due_reminders(now=at(date(2028, 2, 29))) == 1
    assert "renew" in mail.outbox[0].body


def test_an_interim_order_ends_with_its_period(spo_file, solicitor):
    file = to_state(spo_file, solicitor, "applied", on=date(2026, 6, 1))
    with time_machine.travel(at(date(2026, 6, 2)), tick=False):
        services.record_order(
            file=file,
            kind="interim",
            made_on=date(2026, 6, 1),
            fixed_end_on=date(2026, 6, 29),
            by=solicitor,
        )
    # The last day of the period, late evening in London (22:45 BST): still in force.
    with time_machine.travel(at(date(2026, 6, 29), hour=21), tick=False):
        assert end_task() == 0
    # 00:20 in London the next day (the beat's time): ended, once.
    with time_machine.travel(datetime(2026, 6, 29, 23, 20, tzinfo=UTC), tick=False):
        assert end_task() == 1
        assert end_task() == 0
    file.refresh_from_db()
    assert (file.state, file.ended_reason, file.ended_on) == (
        FileState.ENDED,
        EndedReason.EXPIRED,
        date(2026, 6, 29),
    )
    assert file.orders.get().ended_on == date(2026, 6, 29)


def test_an_interim_order_replaced_in_time_does_not_lapse(spo_file, solicitor):
    file = to_state(spo_file, solicitor, "interim", on=date(2026, 6, 1))
    services.record_order(
        file=file, kind="full", made_on=date(2026, 6, 20), fixed_end_on=None, by=solicitor
    )
    assert end_lapsed_orders(now=at(date(2026, 9, 1))) == 0
    assert OrderFile.objects.get(pk=file.pk).state == FileState.IN_FORCE

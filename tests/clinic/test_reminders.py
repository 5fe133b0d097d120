"""Overdue actions: one chaser the day after the due date, then one a week; each sent once,
also under two concurrent runs; listed for the coordinator."""

from __future__ import annotations

import threading
from datetime import date, datetime, timedelta

import pytest
from django.core import mail
from django.db import connection

from clinic import reminders
from clinic.models import ActionChase
from foundation.lib.working_time import LONDON
from tests.factories.clinic import ActionFactory

DUE = date(2026, 6, 10)


def at(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=LONDON) + timedelta(hours=9)


@pytest.mark.django_db
def test_the_day_after_then_weekly(partner):
    action = ActionFactory(due_on=DUE, owner=partner, owner_agency=partner.agency)
    assert reminders.chase_overdue_actions(now=at(DUE)) == 0
    assert reminders.chase_overdue_actions(now=at(DUE + timedelta(days=1))) == 1
    assert reminders.chase_overdue_actions(now=at(DUE + timedelta(days=2))) == 0
    assert reminders.chase_overdue_actions(now=at(DUE + timedelta(days=7))) == 0
    assert reminders.chase_overdue_actions(now=at(DUE + timedelta(days=8))) == 1
    assert [c.number for c in ActionChase.objects.order_by("number")] == [1, 2]
    assert [m.to for m in mail.outbox] == [[partner.email], [partner.email]]
    assert action.case.reference not in mail.outbox[0].body
    action.status = "done"
    action.save()
    assert reminders.chase_overdue_actions(now=at(DUE + timedelta(days=30))) == 0


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_runs_send_each_chaser_once(partner):
    actions = [
        ActionFactory(due_on=DUE, owner=partner, owner_agency=partner.agency) for _ in range(5)
    ]
    now = at(DUE + timedelta(days=1))
    start = threading.Barrier(2)
    results: list[int] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            start.wait()
            results.append(reminders.chase_overdue_actions(now=now))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sum(results) == 5
    assert len(mail.outbox) == 5
    assert ActionChase.objects.filter(action__in=actions).count() == 5

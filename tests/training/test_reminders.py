"""Training reminders: refreshers due, under-booked sessions a week before, no-shows — each sent
once, also under two concurrent runs, and retried after a failed send."""

from __future__ import annotations

import threading
from datetime import date, datetime, timedelta

import pytest
from django.core import mail
from django.db import connection

from foundation.lib.working_time import LONDON
from tests.factories.training import (
    CourseFactory,
    EnrolmentFactory,
    RequirementFactory,
    SessionFactory,
    TeamFactory,
    TraineeFactory,
    completion,
)
from training import reminders
from training.models import Enrolment, RefreshReminder, Session

NOW = datetime(2026, 5, 11, 7, 0, tzinfo=LONDON)


def due_trainee(n: int = 0):
    course = CourseFactory(validity_months=12)
    RequirementFactory(course=course, role=f"role {n}")
    person = TraineeFactory(role=f"Role {n}", email=f"due{n}@force.example")
    completion(person, course, on=date(2025, 6, 1))  # expires 1 June 2026: due on 11 May
    return person


@pytest.mark.django_db
class TestRefreshers:
    def test_told_once_per_expiry(self):
        person = due_trainee()
        assert reminders.remind_refreshers(now=NOW - timedelta(days=40)) == 0
        assert reminders.remind_refreshers(now=NOW) == 1
        assert reminders.remind_refreshers(now=NOW + timedelta(days=1)) == 0
        assert [m.to for m in mail.outbox] == [[person.email]]
        assert "expires on Monday 1 June 2026" in mail.outbox[0].body
        assert person.name not in mail.outbox[0].body

    def test_a_failed_send_is_retried_after_the_lease(self, monkeypatch):
        due_trainee()

        def smtp_down(reminder: RefreshReminder) -> int:
            raise ConnectionRefusedError("SMTP server not answering")

        with monkeypatch.context() as patch:
            patch.setattr(reminders, "send_refresh_reminder", smtp_down)
            assert reminders.remind_refreshers(now=NOW) == 0
        assert RefreshReminder.objects.get().sent_at is None
        assert reminders.remind_refreshers(now=NOW + timedelta(minutes=1)) == 0  # still claimed
        assert reminders.remind_refreshers(now=NOW + reminders.LEASE * 2) == 1
        assert len(mail.outbox) == 1


@pytest.mark.django_db
class TestUnderbooked:
    def test_a_session_below_its_minimum_a_week_before_warns_its_trainer_once(self, trainer):
        session = SessionFactory(starts_at=NOW + timedelta(days=6), capacity=10, trainer=trainer)
        EnrolmentFactory.create_batch(4, session=session)  # minimum: half of 10 = 5
        assert reminders.remind_underbooked(now=NOW - timedelta(days=2)) == 0  # 8 days before
        assert reminders.remind_underbooked(now=NOW) == 1
        assert reminders.remind_underbooked(now=NOW + timedelta(hours=1)) == 0
        assert mail.outbox[0].to == [trainer.email]
        assert session.reference in mail.outbox[0].subject + mail.outbox[0].body

    def test_enough_bookings_or_a_course_minimum(self, trainer):
        full_enough = SessionFactory(starts_at=NOW + timedelta(days=3), capacity=10)
        EnrolmentFactory.create_batch(5, session=full_enough)
        low_minimum = SessionFactory(
            starts_at=NOW + timedelta(days=3),
            capacity=10,
            course=CourseFactory(minimum_bookings=2),
        )
        EnrolmentFactory.create_batch(2, session=low_minimum)
        # Cancelled bookings do not count; a cancelled session is never warned about.
        EnrolmentFactory.create_batch(3, session=full_enough, status=Enrolment.Status.CANCELLED)
        SessionFactory(starts_at=NOW + timedelta(days=3), capacity=10, cancelled=True)
        assert reminders.remind_underbooked(now=NOW) == 0

    def test_no_trainer_means_every_trainer_is_told(self, trainer):
        SessionFactory(starts_at=NOW + timedelta(days=3), capacity=4)
        assert reminders.remind_underbooked(now=NOW) == 1
        assert mail.outbox[0].to == [trainer.email]


@pytest.mark.django_db
class TestNoShows:
    def test_the_person_and_their_team_managers_are_told_once(self, team_manager):
        team = TeamFactory()
        team.managers.add(team_manager)
        person = TraineeFactory(team=team, email="missed@force.example")
        session = SessionFactory(starts_at=NOW - timedelta(days=2))
        EnrolmentFactory(session=session, trainee=person, no_show=True)
        EnrolmentFactory(session=session, attended=True)
        assert reminders.notify_no_shows(now=NOW) == 1
        assert reminders.notify_no_shows(now=NOW + timedelta(hours=1)) == 0
        assert sorted(m.to[0] for m in mail.outbox) == [
            "inspector@example.test",
            "missed@force.example",
        ]
        assert all(person.name not in m.body for m in mail.outbox)

    def test_old_no_shows_are_history(self):
        session = SessionFactory(starts_at=NOW - timedelta(days=60))
        EnrolmentFactory(session=session, no_show=True)
        assert reminders.notify_no_shows(now=NOW) == 0


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_runs_send_each_reminder_once(trainer):
    """Two beat runs at once: every claim is won by exactly one of them."""
    for n in range(4):
        due_trainee(n)
    for _ in range(3):
        SessionFactory(starts_at=NOW + timedelta(days=3), capacity=10, trainer=trainer)
    for n in range(5):
        session = SessionFactory(starts_at=NOW - timedelta(days=1))
        EnrolmentFactory(
            session=session, trainee=TraineeFactory(email=f"dna{n}@force.example"), no_show=True
        )
    start = threading.Barrier(2)
    results: list[int] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            start.wait()
            results.append(sum(reminders.run_all(now=NOW).values()))
        except BaseException as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sum(results) == 4 + 3 + 5
    assert len(mail.outbox) == 4 + 3 + 5
    assert len({(m.subject, m.to[0]) for m in mail.outbox}) == 12
    assert RefreshReminder.objects.filter(sent_at__isnull=False).count() == 4
    assert Session.objects.filter(underbooked_sent_at__isnull=False).count() == 3
    assert Enrolment.objects.filter(no_show_sent_at__isnull=False).count() == 5

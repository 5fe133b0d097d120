"""Sessions and bookings: capacity limits (also under concurrent bookings), rescheduling and
cancelling tell those booked, attendance rules, and finding or adding a person."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from foundation.accounts.models import Agency
from foundation.outbox.models import OutboxMessage
from tests.factories import AgencyFactory
from tests.factories.training import (
    CourseFactory,
    EnrolmentFactory,
    SessionFactory,
    TraineeFactory,
)
from tests.training.conftest import run_outbox
from training.errors import NotAllowed, SessionFull, TrainingError
from training.models import Enrolment, Trainee
from training.services import programme
from training.services.people import Identity, find_or_add_trainee

pytestmark = pytest.mark.django_db


def soon(days: int = 14) -> datetime:
    return timezone.now().replace(microsecond=0) + timedelta(days=days)


@pytest.fixture
def upcoming():
    return SessionFactory(starts_at=soon(), capacity=2)


def test_a_session_fills_up_and_refuses_the_next_booking(trainer, upcoming):
    first, second, third = TraineeFactory.create_batch(3)
    programme.enrol(session=upcoming, trainee=first, by=trainer)
    programme.enrol(session=upcoming, trainee=second, by=trainer)
    with pytest.raises(SessionFull, match="full \\(2 places\\)"):
        programme.enrol(session=upcoming, trainee=third, by=trainer)
    assert upcoming.enrolments.count() == 2
    # A cancelled booking frees its place.
    booking = upcoming.enrolments.get(trainee=first)
    programme.set_attendance(enrolment=booking, status=Enrolment.Status.CANCELLED, by=trainer)
    programme.enrol(session=upcoming, trainee=third, by=trainer)
    # ... and re-booking the cancelled one is refused while the session is full.
    booking.refresh_from_db()
    with pytest.raises(SessionFull):
        programme.set_attendance(enrolment=booking, status=Enrolment.Status.REGISTERED, by=trainer)
    with pytest.raises(SessionFull):
        programme.enrol(session=upcoming, trainee=first, by=trainer)


def test_booking_twice_or_on_a_cancelled_session_is_refused(trainer, upcoming):
    person = TraineeFactory()
    programme.enrol(session=upcoming, trainee=person, by=trainer)
    with pytest.raises(TrainingError, match="already booked"):
        programme.enrol(session=upcoming, trainee=person, by=trainer)
    cancelled = SessionFactory(starts_at=soon(), cancelled=True)
    with pytest.raises(TrainingError, match="cancelled"):
        programme.enrol(session=cancelled, trainee=person, by=trainer)


def test_capacity_cannot_go_below_the_bookings(trainer, upcoming, no_broker):
    programme.enrol(session=upcoming, trainee=TraineeFactory(), by=trainer)
    programme.enrol(session=upcoming, trainee=TraineeFactory(), by=trainer)
    with pytest.raises(TrainingError, match="2 places are booked"):
        programme.reschedule_session(
            session=upcoming,
            starts_at=upcoming.starts_at,
            ends_at=upcoming.ends_at,
            trainer=None,
            is_online=False,
            location=upcoming.location,
            capacity=1,
            by=trainer,
        )


@pytest.mark.django_db(transaction=True)
def test_concurrent_bookings_never_exceed_capacity(trainer):
    session = SessionFactory(starts_at=soon(), capacity=1)
    people = TraineeFactory.create_batch(2)
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def book(person: Trainee) -> None:
        try:
            start.wait()
            programme.enrol(session=session, trainee=person, by=trainer)
            outcomes.append("booked")
        except SessionFull:
            outcomes.append("full")
        finally:
            connection.close()

    threads = [threading.Thread(target=book, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["booked", "full"]
    assert session.enrolments.count() == 1


def test_rescheduling_tells_those_booked_and_cancelling_too(trainer, upcoming, no_broker):
    booked = TraineeFactory(email="booked@force.example")
    gone = TraineeFactory(email="gone@force.example")
    programme.enrol(session=upcoming, trainee=booked, by=trainer)
    EnrolmentFactory(session=upcoming, trainee=gone, status=Enrolment.Status.CANCELLED)
    programme.reschedule_session(
        session=upcoming,
        starts_at=upcoming.starts_at + timedelta(days=1),
        ends_at=upcoming.ends_at + timedelta(days=1),
        trainer=trainer,
        is_online=True,
        location="Teams meeting: join from the link in your calendar",
        capacity=10,
        by=trainer,
    )
    run_outbox()
    assert [message.to for message in mail.outbox] == [["booked@force.example"]]
    assert "has changed" in mail.outbox[0].body
    assert booked.name not in mail.outbox[0].body
    programme.cancel_session(session=upcoming, reason="Trainer unavailable", by=trainer)
    run_outbox()
    assert mail.outbox[1].subject.startswith("Cancelled:")
    assert "Trainer unavailable" not in mail.outbox[1].body
    assert OutboxMessage.objects.filter(completed_at__isnull=True).count() == 0


def test_changing_only_the_capacity_tells_no_one(trainer, upcoming, no_broker):
    programme.enrol(session=upcoming, trainee=TraineeFactory(), by=trainer)
    programme.reschedule_session(
        session=upcoming,
        starts_at=upcoming.starts_at,
        ends_at=upcoming.ends_at,
        trainer=None,
        is_online=False,
        location=upcoming.location,
        capacity=30,
        by=trainer,
    )
    assert not OutboxMessage.objects.exists()


def test_a_session_with_attendance_cannot_be_cancelled(trainer):
    past = SessionFactory(starts_at=timezone.now() - timedelta(days=3))
    EnrolmentFactory(session=past, attended=True)
    with pytest.raises(TrainingError, match="Attendance is recorded"):
        programme.cancel_session(session=past, reason="x", by=trainer)


def test_attendance_is_recorded_once_the_session_has_started(trainer, upcoming):
    booking = EnrolmentFactory(session=upcoming)
    with pytest.raises(TrainingError, match="once the session has started"):
        programme.set_attendance(enrolment=booking, status=Enrolment.Status.ATTENDED, by=trainer)
    past = SessionFactory(starts_at=timezone.now() - timedelta(hours=4))
    booking = EnrolmentFactory(session=past)
    programme.set_attendance(enrolment=booking, status=Enrolment.Status.COMPLETED, by=trainer)
    booking.refresh_from_db()
    assert booking.status == Enrolment.Status.COMPLETED
    assert booking.recorded_by == trainer


def test_only_trainers_change_the_programme(officer, upcoming):
    with pytest.raises(NotAllowed):
        programme.enrol(session=upcoming, trainee=TraineeFactory(), by=officer)
    with pytest.raises(NotAllowed):
        programme.create_course(
            title="x",
            description="",
            audience="",
            duration_hours=Decimal(1),
            cpd_hours=Decimal(1),
            validity_months=None,
            minimum_bookings=None,
            attendance_completes=True,
            by=officer,
        )


def test_find_or_add_a_person(trainer):
    force = AgencyFactory(name="Home Force", kind=Agency.Kind.POLICE_FORCE)
    existing = TraineeFactory(staff_number="1234", organisation=force, team=None)
    found, created = find_or_add_trainee(identity=Identity.of(staff_number=" 1234 "), by=trainer)
    assert (found, created) == (existing, False)
    with pytest.raises(TrainingError, match="No one matches"):
        find_or_add_trainee(identity=Identity.of(name="Only A Name"), by=trainer)
    added, created = find_or_add_trainee(
        identity=Identity.of(name="New Person", email="New@Force.Example", organisation=force),
        by=trainer,
    )
    assert created
    assert added.email == "new@force.example"
    # A staff number shared across two forces needs the organisation.
    other = AgencyFactory(name="Other Force", kind=Agency.Kind.OTHER_FORCE)
    TraineeFactory(staff_number="1234", organisation=other, team=None)
    with pytest.raises(TrainingError, match="several organisations"):
        find_or_add_trainee(identity=Identity.of(staff_number="1234"), by=trainer)
    found, _ = find_or_add_trainee(
        identity=Identity.of(staff_number="1234", organisation=force), by=trainer
    )
    assert found == existing


def test_a_users_own_record_is_made_from_their_account(officer):
    from training.services.people import trainee_for_user

    officer.collar_number = "PC 77"
    officer.save()
    record = trainee_for_user(officer)
    assert (record.user, record.staff_number, record.source) == (officer, "PC77", "account")
    assert trainee_for_user(officer) == record


def test_course_rules(trainer):
    course = programme.create_course(
        title="FOUR awareness",
        description="",
        audience="Control room",
        duration_hours=Decimal(3),
        cpd_hours=Decimal(3),
        validity_months=24,
        minimum_bookings=None,
        attendance_completes=True,
        by=trainer,
    )
    assert course.validity_label == "Refresh every 2 years"
    with pytest.raises(TrainingError, match="already exists"):
        programme.create_course(
            title="four AWARENESS",
            description="",
            audience="",
            duration_hours=Decimal(3),
            cpd_hours=Decimal(3),
            validity_months=None,
            minimum_bookings=None,
            attendance_completes=True,
            by=trainer,
        )
    session = SessionFactory(course=CourseFactory(minimum_bookings=None), capacity=15)
    assert session.minimum_bookings == 8

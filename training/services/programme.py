"""Writes on courses, sessions and bookings. Rescheduling or cancelling a session tells the
people booked on it (through the outbox, after the change commits)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from foundation.accounts.models import User
from foundation.accounts.roles import is_hub_manager
from foundation.outbox.services import enqueue
from training.errors import NotAllowed, SessionFull, TrainingError
from training.models import PLACE_HOLDING, Course, Enrolment, Session, Team, Trainee
from training.notifications import send_session_changed_email, send_team_invited_email
from training.permissions import can_manage_training
from training.services.people import Identity, find_or_add_trainee


def _require_trainer(by: User) -> None:
    if not can_manage_training(by):
        raise NotAllowed("Trainers manage the training programme.")


def _check_course(title: str, validity_months: int | None, cpd_hours: Decimal) -> None:
    if not title.strip():
        raise TrainingError("A course needs a title.")
    if validity_months is not None and validity_months < 1:
        raise TrainingError("Validity is a number of months (leave it blank if it never expires).")
    if cpd_hours < 0:
        raise TrainingError("CPD hours cannot be negative.")


@transaction.atomic
def create_course(
    *,
    title: str,
    description: str,
    audience: str,
    duration_hours: Decimal,
    cpd_hours: Decimal,
    validity_months: int | None,
    minimum_bookings: int | None,
    attendance_completes: bool,
    by: User,
) -> Course:
    """A new course. Raises NotAllowed or TrainingError (a title already used)."""
    _require_trainer(by)
    _check_course(title, validity_months, cpd_hours)
    if Course.objects.filter(title__iexact=title.strip()).exists():
        raise TrainingError("A course with that title already exists.")
    return Course.objects.create(
        title=title.strip(),
        description=description.strip(),
        audience=audience.strip(),
        duration_hours=duration_hours,
        cpd_hours=cpd_hours,
        validity_months=validity_months,
        minimum_bookings=minimum_bookings,
        attendance_completes=attendance_completes,
    )


@transaction.atomic
def update_course(
    *,
    course: Course,
    title: str,
    description: str,
    audience: str,
    duration_hours: Decimal,
    cpd_hours: Decimal,
    validity_months: int | None,
    minimum_bookings: int | None,
    attendance_completes: bool,
    is_active: bool,
    by: User,
) -> Course:
    _require_trainer(by)
    _check_course(title, validity_months, cpd_hours)
    if Course.objects.filter(title__iexact=title.strip()).exclude(pk=course.pk).exists():
        raise TrainingError("A course with that title already exists.")
    course.title = title.strip()
    course.description = description.strip()
    course.audience = audience.strip()
    course.duration_hours = duration_hours
    course.cpd_hours = cpd_hours
    course.validity_months = validity_months
    course.minimum_bookings = minimum_bookings
    course.attendance_completes = attendance_completes
    course.is_active = is_active
    course.save()
    return course


def _check_times(starts_at: datetime, ends_at: datetime, capacity: int) -> None:
    if ends_at <= starts_at:
        raise TrainingError("A session ends after it starts.")
    if capacity < 1:
        raise TrainingError("A session has at least one place.")


@transaction.atomic
def schedule_session(
    *,
    course: Course,
    starts_at: datetime,
    ends_at: datetime,
    trainer: User | None,
    is_online: bool,
    location: str,
    capacity: int,
    by: User,
) -> Session:
    """A new session of a course. Raises NotAllowed or TrainingError."""
    _require_trainer(by)
    _check_times(starts_at, ends_at, capacity)
    if not course.is_active:
        raise TrainingError("That course is no longer run.")
    if not location.strip():
        raise TrainingError("Say where the session is, or how to join it online.")
    return Session.objects.create(
        course=course,
        starts_at=starts_at,
        ends_at=ends_at,
        trainer=trainer,
        is_online=is_online,
        location=location.strip(),
        capacity=capacity,
        created_by=by,
    )


def places_taken(session: Session) -> int:
    return session.enrolments.filter(status__in=PLACE_HOLDING).count()


@transaction.atomic
def reschedule_session(
    *,
    session: Session,
    starts_at: datetime,
    ends_at: datetime,
    trainer: User | None,
    is_online: bool,
    location: str,
    capacity: int,
    by: User,
) -> Session:
    """Change a session's time, place, trainer or capacity. People booked are told when the
    time or place changes. Raises TrainingError (cancelled, or capacity below the bookings)."""
    _require_trainer(by)
    _check_times(starts_at, ends_at, capacity)
    locked = Session.objects.select_for_update().get(pk=session.pk)
    if locked.is_cancelled:
        raise TrainingError("The session was cancelled.")
    taken = places_taken(locked)
    if capacity < taken:
        raise TrainingError(
            f"{taken} places are booked: the capacity cannot go below that. Cancel bookings first."
        )
    new_start = locked.starts_at != starts_at
    moved = (
        new_start
        or locked.ends_at != ends_at
        or locked.location != location.strip()
        or locked.is_online != is_online
    )
    locked.starts_at, locked.ends_at = starts_at, ends_at
    locked.trainer, locked.is_online, locked.location = trainer, is_online, location.strip()
    locked.capacity = capacity
    if new_start:
        # A new date gets its own under-booked check a week before.
        locked.underbooked_sent_at = None
        locked.underbooked_claimed_at = None
    locked.save()
    if moved:
        enqueue(send_session_changed_email, session_id=locked.pk, change="rescheduled")
    return locked


@transaction.atomic
def cancel_session(*, session: Session, reason: str, by: User) -> Session:
    """Cancel a session; the people booked are told. Raises TrainingError if already
    cancelled or already run."""
    _require_trainer(by)
    locked = Session.objects.select_for_update().get(pk=session.pk)
    if locked.is_cancelled:
        raise TrainingError("The session is already cancelled.")
    if locked.enrolments.exclude(
        status__in=[Enrolment.Status.REGISTERED, Enrolment.Status.CANCELLED]
    ).exists():
        raise TrainingError("Attendance is recorded for this session: it cannot be cancelled.")
    locked.status = Session.Status.CANCELLED
    locked.cancelled_at = timezone.now()
    locked.cancellation_reason = reason.strip()
    locked.save()
    enqueue(send_session_changed_email, session_id=locked.pk, change="cancelled")
    return locked


@transaction.atomic
def enrol(
    *, session: Session, trainee: Trainee, by: User, status: str = Enrolment.Status.REGISTERED
) -> Enrolment:
    """Book a person on a session (or re-book a cancelled booking). Raises SessionFull when
    every place is taken, TrainingError when the session was cancelled or they are booked."""
    _require_trainer(by)
    locked = Session.objects.select_for_update().get(pk=session.pk)
    if locked.is_cancelled:
        raise TrainingError("The session was cancelled.")
    if not trainee.is_active:
        raise TrainingError("That person has left: bring them back on the roster first.")
    outcome = status not in (Enrolment.Status.REGISTERED, Enrolment.Status.CANCELLED)
    if outcome and locked.starts_at > timezone.now():
        raise TrainingError("Attendance is recorded once the session has started.")
    existing = Enrolment.objects.filter(session=locked, trainee=trainee).first()
    if existing is not None and existing.holds_a_place:
        raise TrainingError("That person is already booked on this session.")
    if places_taken(locked) >= locked.capacity:
        raise SessionFull(f"The session is full ({locked.capacity} places).")
    now = timezone.now()
    if existing is not None:
        existing.status, existing.status_changed_at, existing.recorded_by = status, now, by
        existing.save(update_fields=["status", "status_changed_at", "recorded_by"])
        return existing
    return Enrolment.objects.create(
        session=locked, trainee=trainee, status=status, recorded_by=by, status_changed_at=now
    )


@transaction.atomic
def book_person(
    *, session: Session, identity: Identity, status: str, by: User
) -> tuple[Enrolment, bool]:
    """Find (or add) the person the form names and book them, all or nothing. Returns the
    booking and whether the person was added. Raises TrainingError or SessionFull."""
    trainee, created = find_or_add_trainee(identity=identity, by=by)
    return enrol(session=session, trainee=trainee, by=by, status=status), created


@transaction.atomic
def set_attendance(*, enrolment: Enrolment, status: str, by: User) -> Enrolment:
    """Record what became of a booking. Attendance is recorded once the session has started;
    a cancelled booking is re-booked through `enrol`. Raises TrainingError."""
    _require_trainer(by)
    if status not in Enrolment.Status.values:
        raise TrainingError("Choose registered, attended, completed or did not attend.")
    session = Session.objects.select_for_update().get(pk=enrolment.session_id)
    locked = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if session.is_cancelled:
        raise TrainingError("The session was cancelled.")
    outcome = status not in (Enrolment.Status.REGISTERED, Enrolment.Status.CANCELLED)
    if outcome and session.starts_at > timezone.now():
        raise TrainingError("Attendance is recorded once the session has started.")
    rebooking = locked.status == Enrolment.Status.CANCELLED != status
    if rebooking and places_taken(session) >= session.capacity:
        raise SessionFull(f"The session is full ({session.capacity} places).")
    if locked.status == status:
        return locked
    locked.status, locked.status_changed_at, locked.recorded_by = status, timezone.now(), by
    locked.save(update_fields=["status", "status_changed_at", "recorded_by"])
    return locked


@transaction.atomic
def invite_team(*, session: Session, team: Team, by: User) -> list[Enrolment]:
    """Book every active person on a team's roster on a session: targeted training from the
    hub's recording-gap report, by a trainer or the hub's managers. People already booked are
    left as they are; those with an account are e-mailed (course, date and a link, never
    names). All or nothing: raises SessionFull when the places left are too few for the rest,
    TrainingError for a cancelled or started session or a team with nobody on its roster."""
    if not (can_manage_training(by) or is_hub_manager(by)):
        raise NotAllowed("Trainers and the hub's managers invite teams.")
    locked = Session.objects.select_for_update().get(pk=session.pk)
    if locked.is_cancelled:
        raise TrainingError("The session was cancelled.")
    if locked.starts_at <= timezone.now():
        raise TrainingError("Choose a session that has not started yet.")
    people = list(Trainee.objects.filter(team=team, is_active=True).order_by("pk"))
    if not people:
        raise TrainingError("Nobody is on that team's roster: import its roster first.")
    existing = {e.trainee_id: e for e in Enrolment.objects.filter(session=locked)}
    to_book = [p for p in people if not (p.pk in existing and existing[p.pk].holds_a_place)]
    if places_taken(locked) + len(to_book) > locked.capacity:
        raise SessionFull(
            f"The session has {locked.capacity - places_taken(locked)} places left for "
            f"{len(to_book)} people."
        )
    now = timezone.now()
    booked: list[Enrolment] = []
    for person in to_book:
        enrolment = existing.get(person.pk)
        if enrolment is None:
            enrolment = Enrolment(session=locked, trainee=person)
        enrolment.status, enrolment.status_changed_at = Enrolment.Status.REGISTERED, now
        enrolment.recorded_by = by
        enrolment.save()
        booked.append(enrolment)
    if booked:
        enqueue(
            send_team_invited_email,
            session_id=locked.pk,
            trainee_ids=[enrolment.trainee_id for enrolment in booked],
        )
    return booked

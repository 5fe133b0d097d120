"""Writes on schedules, meetings and invitees: generate, create, reschedule, cancel, invite.

Every change a calendar client should hear of raises the meeting's SEQUENCE by one and
enqueues the invitation (REQUEST, or CANCEL) for every invitee through the outbox.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from clinic.errors import ClinicError, NotAllowed
from clinic.models import ClinicMeeting, ClinicSchedule, Invitee
from clinic.notifications import send_invitations
from clinic.permissions import can_manage_clinic
from clinic.schedules import local_start, occurrences
from foundation.accounts.models import User
from foundation.accounts.roles import is_hub_staff, is_receiving_user
from foundation.lib.working_time import LONDON, is_bank_holiday
from foundation.outbox.services import enqueue


def _require_manager(by: User) -> None:
    if not can_manage_clinic(by):
        raise NotAllowed("Only the hub coordinator or tactical lead manages the clinic.")


def _announce(meeting: ClinicMeeting) -> None:
    """Send the current invitation (after commit, through the outbox) if anyone is invited."""
    if meeting.invitees.exists():
        enqueue(send_invitations, meeting_id=meeting.pk, sequence=meeting.sequence)


def _check_capacity(capacity: int, minutes_per_case: int, duration: timedelta) -> None:
    if capacity < 1:
        raise ClinicError("A meeting needs room for at least one case (capacity 1 or more).")
    if minutes_per_case < 1:
        raise ClinicError("Give each case at least one minute.")
    if capacity * minutes_per_case > duration.total_seconds() / 60:
        raise ClinicError(
            f"{capacity} cases at {minutes_per_case} minutes each do not fit in a "
            f"{int(duration.total_seconds() // 60)}-minute meeting."
        )


def overlapping(
    *, location: str, starts_at: datetime, ends_at: datetime, exclude: int | None = None
) -> ClinicMeeting | None:
    """A scheduled meeting in the same location whose time overlaps, if any."""
    if not location.strip():
        return None
    clash = ClinicMeeting.objects.filter(
        status=ClinicMeeting.Status.SCHEDULED,
        location__iexact=location.strip(),
        starts_at__lt=ends_at,
        ends_at__gt=starts_at,
    )
    if exclude is not None:
        clash = clash.exclude(pk=exclude)
    return clash.order_by("starts_at").first()


def _overlap_message(meeting: ClinicMeeting) -> str:
    start = meeting.starts_at.astimezone(LONDON)
    return (
        f"{meeting.location} is already booked for the clinic on {start:%a %d %b %Y} from "
        f"{start:%H:%M} to {meeting.ends_at.astimezone(LONDON):%H:%M}; choose another time "
        "or place."
    )


# --- Schedules --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScheduleDetails:
    name: str
    frequency: str
    weekday: int
    nth: int | None
    start_time: time
    duration_minutes: int
    location: str
    video_link: str
    capacity: int
    minutes_per_case: int
    starts_on: date
    ends_on: date | None
    bank_holiday_rule: str
    chair: User | None
    standing_invitees: Sequence[User] = ()


def _clean_schedule(details: ScheduleDetails) -> None:
    if not details.name.strip():
        raise ClinicError("Name the schedule.")
    if details.frequency not in ClinicSchedule.Frequency.values:
        raise ClinicError("Choose how often the clinic meets.")
    if details.frequency == ClinicSchedule.Frequency.MONTHLY and details.nth is None:
        raise ClinicError("Choose which weekday of the month (first, second... last).")
    if details.ends_on is not None and details.ends_on < details.starts_on:
        raise ClinicError("The schedule cannot end before it starts.")
    if details.duration_minutes < 15:
        raise ClinicError("A clinic lasts at least 15 minutes.")
    _check_capacity(
        details.capacity, details.minutes_per_case, timedelta(minutes=details.duration_minutes)
    )
    for user in details.standing_invitees:
        if not (is_hub_staff(user) or is_receiving_user(user)):
            raise ClinicError("Standing invitees are hub staff or ISAC and partner users.")


@transaction.atomic
def create_schedule(
    *, details: ScheduleDetails, by: User, today: date | None = None
) -> tuple[ClinicSchedule, list[ClinicMeeting]]:
    """Save a schedule and generate its meetings ahead. Raises ClinicError (nothing saved)."""
    _require_manager(by)
    _clean_schedule(details)
    schedule = ClinicSchedule(created_by=by)
    _apply_schedule(schedule, details)
    schedule.save()
    schedule.standing_invitees.set(details.standing_invitees)
    return schedule, generate_meetings(schedule=schedule, today=today)


@transaction.atomic
def update_schedule(
    *, schedule: ClinicSchedule, details: ScheduleDetails, by: User, today: date | None = None
) -> tuple[ClinicSchedule, list[ClinicMeeting]]:
    """Change a schedule: meetings already generated keep their dates (reschedule them one by
    one); new ones follow the new rule. Raises ClinicError (nothing saved)."""
    _require_manager(by)
    _clean_schedule(details)
    schedule = ClinicSchedule.objects.select_for_update().get(pk=schedule.pk)
    _apply_schedule(schedule, details)
    schedule.save()
    schedule.standing_invitees.set(details.standing_invitees)
    return schedule, generate_meetings(schedule=schedule, today=today)


def _apply_schedule(schedule: ClinicSchedule, details: ScheduleDetails) -> None:
    schedule.name = details.name.strip()
    schedule.frequency = details.frequency
    schedule.weekday = details.weekday
    schedule.nth = details.nth if details.frequency == ClinicSchedule.Frequency.MONTHLY else None
    schedule.start_time = details.start_time
    schedule.duration_minutes = details.duration_minutes
    schedule.location = details.location.strip()
    schedule.video_link = details.video_link.strip()
    schedule.capacity = details.capacity
    schedule.minutes_per_case = details.minutes_per_case
    schedule.starts_on = details.starts_on
    schedule.ends_on = details.ends_on
    schedule.bank_holiday_rule = details.bank_holiday_rule
    schedule.chair = details.chair


def generation_horizon(today: date) -> date:
    """Today plus HUB_CLINIC_GENERATE_MONTHS months (the last day of a shorter month)."""
    months = today.month - 1 + settings.HUB_CLINIC_GENERATE_MONTHS
    year, month = today.year + months // 12, months % 12 + 1
    return date(year, month, min(today.day, calendar.monthrange(year, month)[1]))


@transaction.atomic
def generate_meetings(
    *, schedule: ClinicSchedule, today: date | None = None
) -> list[ClinicMeeting]:
    """Create the schedule's meetings from today to the horizon that do not exist yet.

    Bank holidays are skipped or moved (the schedule's rule); the local start time holds
    across the clock changes. Raises ClinicError if one would overlap another meeting in the
    same location: then none is created.
    """
    today = today or timezone.localdate()
    if not schedule.is_active:
        return []
    until = generation_horizon(today)
    if schedule.ends_on is not None:
        until = min(until, schedule.ends_on)
    start = max(schedule.starts_on, today)
    if start > until:
        return []
    existing = set(
        ClinicMeeting.objects.filter(schedule=schedule).values_list("occurrence_on", flat=True)
    )
    duration = timedelta(minutes=schedule.duration_minutes)
    new: list[ClinicMeeting] = []
    for occurrence in occurrences(
        frequency=schedule.frequency,
        weekday=schedule.weekday,
        nth=schedule.nth,
        starts_on=start,
        until=until,
        bank_holiday_rule=schedule.bank_holiday_rule,
    ):
        if occurrence.held_on is None or occurrence.scheduled_on in existing:
            continue
        starts_at = local_start(occurrence.held_on, schedule.start_time)
        clash = overlapping(
            location=schedule.location, starts_at=starts_at, ends_at=starts_at + duration
        )
        if clash is not None:
            raise ClinicError(_overlap_message(clash))
        new.append(
            ClinicMeeting(
                schedule=schedule,
                occurrence_on=occurrence.scheduled_on,
                kind=ClinicMeeting.Kind.SCHEDULED,
                starts_at=starts_at,
                ends_at=starts_at + duration,
                location=schedule.location,
                video_link=schedule.video_link,
                capacity=schedule.capacity,
                minutes_per_case=schedule.minutes_per_case,
                chair=schedule.chair,
                note=occurrence.note,
            )
        )
    if not new:
        return []
    created = ClinicMeeting.objects.bulk_create(new)
    standing = list(schedule.standing_invitees.all())
    if standing:
        Invitee.objects.bulk_create(
            Invitee(meeting=meeting, user=user) for meeting in created for user in standing
        )
        for meeting in created:
            enqueue(send_invitations, meeting_id=meeting.pk, sequence=meeting.sequence)
    return created


# --- One-off meetings, rescheduling, cancelling ------------------------------------------------


@dataclass(frozen=True)
class MeetingDetails:
    day: date
    start_time: time
    duration_minutes: int
    location: str
    video_link: str
    capacity: int
    minutes_per_case: int
    chair: User | None = None
    kind: str = ClinicMeeting.Kind.ONE_OFF


def _timing(details: MeetingDetails) -> tuple[datetime, datetime]:
    if details.duration_minutes < 15:
        raise ClinicError("A clinic lasts at least 15 minutes.")
    starts_at = local_start(details.day, details.start_time)
    ends_at = starts_at + timedelta(minutes=details.duration_minutes)
    _check_capacity(
        details.capacity, details.minutes_per_case, timedelta(minutes=details.duration_minutes)
    )
    return starts_at, ends_at


@transaction.atomic
def create_meeting(*, details: MeetingDetails, by: User) -> ClinicMeeting:
    """A one-off or emergency meeting. Raises ClinicError (overlap, capacity, bank holiday for
    a one-off: an emergency meets when it must)."""
    _require_manager(by)
    if details.kind not in (ClinicMeeting.Kind.ONE_OFF, ClinicMeeting.Kind.EMERGENCY):
        raise ClinicError("Choose a one-off or an emergency meeting.")
    if details.kind == ClinicMeeting.Kind.ONE_OFF and is_bank_holiday(details.day):
        raise ClinicError(
            f"{details.day:%a %d %b %Y} is a bank holiday; choose another day (an emergency "
            "meeting may be held on one)."
        )
    starts_at, ends_at = _timing(details)
    if starts_at <= timezone.now():
        raise ClinicError("A new meeting must start in the future.")
    clash = overlapping(location=details.location, starts_at=starts_at, ends_at=ends_at)
    if clash is not None:
        raise ClinicError(_overlap_message(clash))
    return ClinicMeeting.objects.create(
        kind=details.kind,
        starts_at=starts_at,
        ends_at=ends_at,
        location=details.location.strip(),
        video_link=details.video_link.strip(),
        capacity=details.capacity,
        minutes_per_case=details.minutes_per_case,
        chair=details.chair,
    )


def _locked(meeting: ClinicMeeting) -> ClinicMeeting:
    return ClinicMeeting.objects.select_for_update().get(pk=meeting.pk)


@transaction.atomic
def reschedule_meeting(
    *, meeting: ClinicMeeting, details: MeetingDetails, by: User
) -> ClinicMeeting:
    """Move a meeting (time, place, capacity). The calendar entry is updated (SEQUENCE + 1);
    agenda slots follow; a published agenda's shares follow the new end. Raises ClinicError."""
    from clinic.services.agenda import reshare_published_items, reslot_items

    _require_manager(by)
    meeting = _locked(meeting)
    if meeting.is_cancelled:
        raise ClinicError("The meeting is cancelled; create a new one instead.")
    if hasattr(meeting, "minutes") and meeting.minutes.is_locked:
        raise ClinicError("The meeting's minutes are approved; it cannot be moved.")
    starts_at, ends_at = _timing(details)
    clash = overlapping(
        location=details.location, starts_at=starts_at, ends_at=ends_at, exclude=meeting.pk
    )
    if clash is not None:
        raise ClinicError(_overlap_message(clash))
    listed = meeting.items.count()
    if details.capacity < listed:
        raise ClinicError(
            f"{listed} cases are on the agenda; remove some before lowering the capacity to "
            f"{details.capacity}."
        )
    moved = (starts_at, ends_at) != (meeting.starts_at, meeting.ends_at)
    meeting.starts_at, meeting.ends_at = starts_at, ends_at
    meeting.location = details.location.strip()
    meeting.video_link = details.video_link.strip()
    meeting.capacity = details.capacity
    meeting.minutes_per_case = details.minutes_per_case
    meeting.chair = details.chair
    meeting.sequence += 1
    meeting.save()
    reslot_items(meeting)
    if moved and meeting.is_published:
        reshare_published_items(meeting, by=by)
    _announce(meeting)
    return meeting


@transaction.atomic
def cancel_meeting(*, meeting: ClinicMeeting, reason: str, by: User) -> ClinicMeeting:
    """Cancel: invitees get a CANCEL; listed cases go back to the waiting list, and a
    published agenda's shares end. Raises ClinicError (no reason, already cancelled, held)."""
    from clinic.services.agenda import remove_item

    _require_manager(by)
    if not reason.strip():
        raise ClinicError("Say why the meeting is cancelled.")
    meeting = _locked(meeting)
    if meeting.is_cancelled:
        raise ClinicError("The meeting is already cancelled.")
    if hasattr(meeting, "minutes"):
        raise ClinicError("The meeting has minutes; it took place and cannot be cancelled.")
    for item in list(meeting.items.all()):
        remove_item(item=item, by=by)
    meeting.status = ClinicMeeting.Status.CANCELLED
    meeting.cancelled_at = timezone.now()
    meeting.cancel_reason = reason.strip()
    meeting.sequence += 1
    meeting.save()
    _announce(meeting)
    return meeting


# --- Invitees and attendance ------------------------------------------------------------------


@transaction.atomic
def invite_user(*, meeting: ClinicMeeting, user: User, by: User) -> Invitee:
    """Invite a hub, ISAC or partner user (their agency comes with them)."""
    _require_manager(by)
    meeting = _locked(meeting)
    if meeting.is_cancelled:
        raise ClinicError("The meeting is cancelled.")
    if not (is_hub_staff(user) or is_receiving_user(user)):
        raise ClinicError(
            "Invite hub staff, ISACs or partner agency users; add anyone else as an external "
            "attendee."
        )
    if meeting.invitees.filter(user=user).exists():
        raise ClinicError(f"{user.full_name} is already invited.")
    invitee = Invitee.objects.create(meeting=meeting, user=user)
    _changed(meeting, by=by)
    return invitee


@transaction.atomic
def invite_external(
    *, meeting: ClinicMeeting, name: str, agency_name: str, email: str, by: User
) -> Invitee:
    """Invite someone without a hub account: they receive the invitation (no case data) and
    never the pack. Raises ClinicError for a missing name or agency, or an invalid e-mail."""
    _require_manager(by)
    email = email.strip().lower()
    if not name.strip() or not agency_name.strip():
        raise ClinicError("Give the external attendee's name and agency.")
    try:
        EmailValidator()(email)
    except ValidationError:
        raise ClinicError(f"“{email}” is not a valid e-mail address.") from None
    meeting = _locked(meeting)
    if meeting.is_cancelled:
        raise ClinicError("The meeting is cancelled.")
    if meeting.invitees.filter(Q(email__iexact=email) | Q(user__email__iexact=email)).exists():
        raise ClinicError(f"{email} is already invited.")
    invitee = Invitee.objects.create(
        meeting=meeting, name=name.strip(), agency_name=agency_name.strip(), email=email
    )
    _changed(meeting, by=by)
    return invitee


@transaction.atomic
def remove_invitee(*, invitee: Invitee, by: User) -> None:
    _require_manager(by)
    meeting = _locked(invitee.meeting)
    Invitee.objects.filter(pk=invitee.pk).delete()
    _changed(meeting, by=by)


def _changed(meeting: ClinicMeeting, *, by: User) -> None:
    """An invitee list change is a change of the calendar entry (new SEQUENCE, sent to all);
    a published agenda opens to a newly invited agency at once."""
    from clinic.services.agenda import sync_item_shares

    meeting.sequence += 1
    meeting.save(update_fields=["sequence"])
    if meeting.is_published:
        sync_item_shares(meeting, by=by)
    _announce(meeting)


@transaction.atomic
def record_attendance(*, invitee: Invitee, attendance: str, by: User) -> Invitee:
    _require_manager(by)
    if attendance not in Invitee.Attendance.values:
        raise ClinicError("Choose attended, apologies or absent.")
    invitee.attendance = attendance
    invitee.save(update_fields=["attendance"])
    return invitee


def generate_all_schedules(*, today: date) -> int:
    """Every active schedule's meetings up to the horizon (nightly). A schedule that would
    clash is reported in the log and left for the coordinator; the others still generate."""
    import logging

    created = 0
    for schedule in ClinicSchedule.objects.filter(is_active=True):
        try:
            created += len(generate_meetings(schedule=schedule, today=today))
        except ClinicError:
            logging.getLogger(__name__).warning(
                "clinic schedule #%s not generated: a meeting would overlap", schedule.pk
            )
    return created

"""Schedules: across both clock changes, bank holidays skipped or moved, monthly nth weekday,
and bad input refused with nothing half-saved."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from clinic.errors import ClinicError
from clinic.models import ClinicMeeting, ClinicSchedule
from clinic.schedules import occurrences
from clinic.services.meetings import (
    MeetingDetails,
    ScheduleDetails,
    create_meeting,
    create_schedule,
)
from foundation.lib.working_time import LONDON
from tests.factories.clinic import ClinicMeetingFactory

pytestmark = pytest.mark.django_db


def details(**overrides) -> ScheduleDetails:
    values = {
        "name": "Northshire clinic",
        "frequency": "weekly",
        "weekday": 1,
        "nth": None,
        "start_time": time(10, 0),
        "duration_minutes": 180,
        "location": "Hub meeting room",
        "video_link": "",
        "capacity": 10,
        "minutes_per_case": 15,
        "starts_on": date(2026, 3, 16),
        "ends_on": date(2026, 4, 8),
        "bank_holiday_rule": "move",
        "chair": None,
    }
    values.update(overrides)
    return ScheduleDetails(**values)


def test_the_local_start_time_holds_across_the_spring_clock_change(coordinator):
    _, meetings = create_schedule(details=details(), by=coordinator, today=date(2026, 3, 1))
    starts = [meeting.starts_at for meeting in meetings]
    assert [s.astimezone(LONDON).strftime("%d %H:%M") for s in starts] == [
        "17 10:00",
        "24 10:00",
        "31 10:00",
        "07 10:00",
    ]
    # 10:00 GMT is 10:00 UTC; after 29 March, 10:00 BST is 09:00 UTC.
    assert [s.astimezone(UTC).hour for s in starts] == [10, 10, 9, 9]


def test_the_local_start_time_holds_across_the_autumn_clock_change(coordinator):
    _, meetings = create_schedule(
        details=details(starts_on=date(2026, 10, 19), ends_on=date(2026, 11, 4)),
        by=coordinator,
        today=date(2026, 10, 1),
    )
    assert [m.starts_at.astimezone(UTC).hour for m in meetings] == [9, 10, 10]
    assert {m.starts_at.astimezone(LONDON).hour for m in meetings} == {10}


@pytest.mark.parametrize(
    ("rule", "expected"), [("skip", ["30 Mar", "13 Apr"]), ("move", ["30 Mar", "07 Apr", "13 Apr"])]
)
def test_a_bank_holiday_is_skipped_or_moved(coordinator, rule, expected):
    # Easter Monday 2026 is 6 April.
    _, meetings = create_schedule(
        details=details(
            weekday=0,
            starts_on=date(2026, 3, 30),
            ends_on=date(2026, 4, 13),
            bank_holiday_rule=rule,
        ),
        by=coordinator,
        today=date(2026, 3, 1),
    )
    assert [m.starts_at.astimezone(LONDON).strftime("%d %b") for m in meetings] == expected
    if rule == "move":
        assert "Moved from Mon 06 Apr 2026" in meetings[1].note


def test_fortnightly_and_monthly_rules():
    fortnightly = occurrences(
        frequency="fortnightly",
        weekday=2,
        nth=None,
        starts_on=date(2026, 1, 1),
        until=date(2026, 2, 28),
        bank_holiday_rule="skip",
    )
    assert [o.held_on.day for o in fortnightly] == [7, 21, 4, 18]
    last_friday = occurrences(
        frequency="monthly",
        weekday=4,
        nth=-1,
        starts_on=date(2026, 1, 1),
        until=date(2026, 3, 31),
        bank_holiday_rule="skip",
    )
    assert [o.held_on for o in last_friday] == [
        date(2026, 1, 30),
        date(2026, 2, 27),
        date(2026, 3, 27),
    ]


def test_generating_again_makes_nothing_twice(coordinator):
    schedule, first = create_schedule(details=details(), by=coordinator, today=date(2026, 3, 1))
    from clinic.services.meetings import generate_meetings

    assert generate_meetings(schedule=schedule, today=date(2026, 3, 1)) == []
    assert ClinicMeeting.objects.filter(schedule=schedule).count() == len(first)


def test_an_overlapping_schedule_is_refused_whole(coordinator):
    ClinicMeetingFactory(
        location="Hub meeting room",
        starts_at=datetime(2026, 3, 31, 11, 0, tzinfo=LONDON),
        ends_at=datetime(2026, 3, 31, 12, 0, tzinfo=LONDON),
    )
    with pytest.raises(ClinicError, match="already booked"):
        create_schedule(details=details(), by=coordinator, today=date(2026, 3, 1))
    assert not ClinicSchedule.objects.exists()
    assert ClinicMeeting.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "message"),
    [({"capacity": 0}, "at least one case"), ({"capacity": 20}, "do not fit")],
)
def test_bad_capacity_is_refused(coordinator, overrides, message):
    with pytest.raises(ClinicError, match=message):
        create_schedule(details=details(**overrides), by=coordinator, today=date(2026, 3, 1))
    assert not ClinicSchedule.objects.exists()


def test_a_one_off_meeting_on_a_bank_holiday_is_refused_but_an_emergency_is_not(coordinator):
    holiday = date(2026, 12, 25)
    meeting = MeetingDetails(
        day=holiday,
        start_time=time(10),
        duration_minutes=60,
        location="Room 9",
        video_link="",
        capacity=2,
        minutes_per_case=15,
    )
    with pytest.raises(ClinicError, match="bank holiday"):
        create_meeting(details=meeting, by=coordinator)
    emergency = MeetingDetails(**{**meeting.__dict__, "kind": ClinicMeeting.Kind.EMERGENCY})
    assert create_meeting(details=emergency, by=coordinator).kind == "emergency"

"""Working-time arithmetic: evenings, weekends, bank holidays (England & Wales) and DST."""

from datetime import UTC, datetime, timedelta

import pytest

from foundation.lib.working_time import (
    LONDON,
    WorkingTimeError,
    add_working_days,
    add_working_time,
    end_of_working_day,
    is_working_day,
    is_working_time,
    subtract_working_time,
    working_time_between,
)

HOUR = timedelta(hours=1)


def london(*args: int) -> datetime:
    return datetime(*args, tzinfo=LONDON)


def test_weekends_and_bank_holidays_are_not_working_days():
    assert is_working_day(london(2026, 5, 1).date())  # Friday
    assert not is_working_day(london(2026, 5, 2).date())  # Saturday
    assert not is_working_day(london(2026, 5, 4).date())  # Early May bank holiday
    assert not is_working_day(london(2026, 12, 28).date())  # Boxing Day (substitute)
    assert is_working_day(london(2026, 12, 29).date())


def test_working_time_is_eight_to_six():
    assert not is_working_time(london(2026, 5, 5, 7, 59))
    assert is_working_time(london(2026, 5, 5, 8, 0))
    assert is_working_time(london(2026, 5, 5, 17, 59))
    assert not is_working_time(london(2026, 5, 5, 18, 0))


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        # Within one day.
        (london(2026, 5, 5, 9, 0), london(2026, 5, 5, 13, 0)),
        # Exactly to the end of the day: stays at 18:00.
        (london(2026, 5, 5, 14, 0), london(2026, 5, 5, 18, 0)),
        # Across an evening: 1 hour today, 3 tomorrow.
        (london(2026, 5, 5, 17, 0), london(2026, 5, 6, 11, 0)),
        # Before opening: the clock starts at 08:00.
        (london(2026, 5, 5, 6, 30), london(2026, 5, 5, 12, 0)),
        # After closing: the clock starts at 08:00 the next working day.
        (london(2026, 5, 5, 21, 0), london(2026, 5, 6, 12, 0)),
        # The brief's case: 17:00 Friday before the Early May bank holiday -> 11:00 Tuesday.
        (london(2026, 5, 1, 17, 0), london(2026, 5, 5, 11, 0)),
        # A weekend submission starts on Monday morning.
        (london(2026, 5, 9, 12, 0), london(2026, 5, 11, 12, 0)),
        # Christmas: Thursday 17:00, then Friday 25th, the weekend and Monday 28th are off.
        (london(2026, 12, 24, 17, 0), london(2026, 12, 29, 11, 0)),
        # Across the spring clock change (Sunday 29 March 2026): wall-clock hours still count.
        (london(2026, 3, 27, 17, 0), london(2026, 3, 30, 11, 0)),
    ],
)
def test_four_working_hours(start, expected):
    due = add_working_time(start, 4 * HOUR)
    assert due == expected
    assert due.utcoffset() == expected.utcoffset()


def test_input_in_utc_is_read_as_london_time():
    # 16:00 UTC on 1 May 2026 is 17:00 BST.
    assert add_working_time(datetime(2026, 5, 1, 16, 0, tzinfo=UTC), 4 * HOUR) == london(
        2026, 5, 5, 11, 0
    )


def test_naive_datetimes_and_negative_durations_are_refused():
    with pytest.raises(WorkingTimeError):
        add_working_time(datetime(2026, 5, 1, 9, 0), HOUR)
    with pytest.raises(WorkingTimeError):
        add_working_time(london(2026, 5, 1, 9, 0), -HOUR)


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        # The brief's case: Saturday -> end of Tuesday (Monday day 1, Tuesday day 2).
        (london(2026, 5, 9, 11, 0), london(2026, 5, 12, 18, 0)),
        # Sunday behaves the same.
        (london(2026, 5, 10, 23, 0), london(2026, 5, 12, 18, 0)),
        # During a working day, that day is day 1.
        (london(2026, 5, 11, 10, 0), london(2026, 5, 12, 18, 0)),
        # Before opening also counts the day itself.
        (london(2026, 5, 11, 7, 0), london(2026, 5, 12, 18, 0)),
        # After 18:00 the next working day is day 1.
        (london(2026, 5, 11, 18, 0), london(2026, 5, 13, 18, 0)),
        # Friday evening before the bank-holiday Monday: Tuesday and Wednesday.
        (london(2026, 5, 1, 19, 0), london(2026, 5, 6, 18, 0)),
        # Saturday before the bank holiday: Tuesday is day 1.
        (london(2026, 5, 2, 11, 0), london(2026, 5, 6, 18, 0)),
    ],
)
def test_end_of_second_working_day(start, expected):
    assert end_of_working_day(start, 2) == expected


def test_two_working_days_keep_the_time_of_day():
    assert add_working_days(london(2026, 5, 11, 10, 0), 2) == london(2026, 5, 13, 10, 0)
    # Sent on Friday afternoon before the bank holiday: Tuesday and Wednesday count.
    assert add_working_days(london(2026, 5, 1, 15, 0), 2) == london(2026, 5, 6, 15, 0)
    # Sent at the weekend: two whole working days from Monday 08:00 end at 18:00 Tuesday.
    assert add_working_days(london(2026, 5, 9, 15, 0), 2) == london(2026, 5, 12, 18, 0)


@pytest.mark.parametrize(
    ("due", "expected"),
    [
        (london(2026, 5, 5, 11, 0), london(2026, 5, 5, 10, 0)),
        (london(2026, 5, 12, 18, 0), london(2026, 5, 12, 17, 0)),
        # Half an hour after opening: the other half hour is the end of the previous working
        # day, skipping the weekend and the bank holiday.
        (london(2026, 5, 5, 8, 30), london(2026, 5, 1, 17, 30)),
    ],
)
def test_one_working_hour_before(due, expected):
    assert subtract_working_time(due, HOUR) == expected


def test_subtract_is_the_inverse_of_add():
    start = london(2026, 5, 1, 16, 45)
    for hours in (0.5, 1, 4, 10, 25):
        due = add_working_time(start, timedelta(hours=hours))
        assert subtract_working_time(due, timedelta(hours=hours)) == start


def test_working_time_between_counts_only_working_hours():
    assert working_time_between(london(2026, 5, 1, 17, 0), london(2026, 5, 5, 11, 0)) == 4 * HOUR
    assert working_time_between(london(2026, 5, 2, 9, 0), london(2026, 5, 4, 17, 0)) == timedelta(0)
    assert working_time_between(london(2026, 5, 5, 11, 0), london(2026, 5, 1, 17, 0)) == -4 * HOUR


def test_end_of_working_day_needs_a_positive_count():
    with pytest.raises(WorkingTimeError):
        end_of_working_day(london(2026, 5, 1, 9, 0), 0)

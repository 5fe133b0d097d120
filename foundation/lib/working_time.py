"""Working-time arithmetic for service levels: 08:00-18:00, Monday to Friday, Europe/London,
excluding the bank holidays of England and Wales.

Pure functions of their arguments (the bank-holiday calendar comes from the maintained
`holidays` package). Results are aware datetimes in Europe/London; inputs may be in any zone.
Wall-clock arithmetic inside a working day is safe: the clocks change at 01:00/02:00, outside
working hours.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

LONDON = ZoneInfo("Europe/London")
DAY_START = time(8, 0)
DAY_END = time(18, 0)
WORKING_DAY = timedelta(hours=10)
# A guard against a calendar with no working days at all (ten years of searching).
_MAX_DAYS = 3660


class WorkingTimeError(ValueError):
    """A naive datetime or a negative duration was given."""


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[date]:
    # England and Wales share one list of bank holidays; "ENG" is the package's code for it.
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


def is_bank_holiday(day: date) -> bool:
    return day in _bank_holidays(day.year)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and not is_bank_holiday(day)


def _local(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise WorkingTimeError("working-time arithmetic needs an aware datetime")
    return moment.astimezone(LONDON)


def _at(day: date, clock: time) -> datetime:
    return datetime.combine(day, clock, tzinfo=LONDON)


def is_working_time(moment: datetime) -> bool:
    local = _local(moment)
    return is_working_day(local.date()) and DAY_START <= local.time() < DAY_END


def next_working_day(day: date) -> date:
    """The first working day after `day`."""
    for offset in range(1, _MAX_DAYS):
        candidate = day + timedelta(days=offset)
        if is_working_day(candidate):
            return candidate
    raise WorkingTimeError("no working day found")  # pragma: no cover


def previous_working_day(day: date) -> date:
    """The last working day before `day`."""
    for offset in range(1, _MAX_DAYS):
        candidate = day - timedelta(days=offset)
        if is_working_day(candidate):
            return candidate
    raise WorkingTimeError("no working day found")  # pragma: no cover


def add_working_time(start: datetime, duration: timedelta) -> datetime:
    """The moment `duration` of working time after `start`.

    Time outside working hours does not count: 4 working hours from 17:00 on a Friday before a
    bank-holiday Monday end at 11:00 on the Tuesday. A result that lands exactly on 18:00 stays
    there (it is "by the end of that day"), rather than rolling to 08:00 the next working day.
    """
    if duration < timedelta(0):
        raise WorkingTimeError("duration must not be negative")
    local = _local(start)
    day = local.date()
    if not is_working_day(day) or local.time() >= DAY_END:
        day = next_working_day(day)
        cursor = _at(day, DAY_START)
    else:
        cursor = max(local, _at(day, DAY_START))
    remaining = duration
    while True:
        available = _at(day, DAY_END) - cursor
        if remaining <= available:
            return cursor + remaining
        remaining -= available
        day = next_working_day(day)
        cursor = _at(day, DAY_START)


def subtract_working_time(end: datetime, duration: timedelta) -> datetime:
    """The moment `duration` of working time before `end` (the mirror of add_working_time)."""
    if duration < timedelta(0):
        raise WorkingTimeError("duration must not be negative")
    local = _local(end)
    day = local.date()
    if not is_working_day(day) or local.time() <= DAY_START:
        day = previous_working_day(day)
        cursor = _at(day, DAY_END)
    else:
        cursor = min(local, _at(day, DAY_END))
    remaining = duration
    while True:
        available = cursor - _at(day, DAY_START)
        if remaining <= available:
            return cursor - remaining
        remaining -= available
        day = previous_working_day(day)
        cursor = _at(day, DAY_END)


def add_working_days(start: datetime, days: int) -> datetime:
    """`days` whole working days after `start`: sent Monday 10:00 + 2 is Wednesday 10:00."""
    return add_working_time(start, WORKING_DAY * days)


def end_of_working_day(start: datetime, nth: int) -> datetime:
    """18:00 on the nth working day, counting the day of `start` as the first if it is a
    working day and `start` is before 18:00; otherwise the next working day is the first.

    A routine request submitted on a Saturday is due at the end of the Tuesday (Monday is the
    first working day, Tuesday the second).
    """
    if nth < 1:
        raise WorkingTimeError("nth must be at least 1")
    local = _local(start)
    day = local.date()
    if not is_working_day(day) or local.time() >= DAY_END:
        day = next_working_day(day)
    for _ in range(nth - 1):
        day = next_working_day(day)
    return _at(day, DAY_END)


def working_time_between(start: datetime, end: datetime) -> timedelta:
    """Working time from `start` to `end`; negative when `end` is before `start`."""
    if end < start:
        return -working_time_between(end, start)
    first, last = _local(start), _local(end)
    total = timedelta(0)
    day = first.date()
    while day <= last.date():
        if is_working_day(day):
            window_start = max(first, _at(day, DAY_START))
            window_end = min(last, _at(day, DAY_END))
            if window_end > window_start:
                total += window_end - window_start
        day += timedelta(days=1)
    return total

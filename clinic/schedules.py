"""Dates of a recurring clinic: pure functions of the schedule's rule (docs/clinic.md).

Weekly and fortnightly schedules count from the first of their weekday on or after the start
date; monthly ones take the nth (or last) weekday of each month. A date on a bank holiday of
England and Wales (the `holidays` package, as the working-time helper) is skipped or moved to
the next working day, as the schedule says. The start time is Europe/London wall-clock time,
so a 10:00 clinic stays at 10:00 across the clock changes (its UTC instant moves).
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from foundation.lib.working_time import LONDON, is_bank_holiday, next_working_day

WEEKLY = "weekly"
FORTNIGHTLY = "fortnightly"
MONTHLY = "monthly"
SKIP = "skip"
MOVE = "move"


@dataclass(frozen=True)
class Occurrence:
    # The schedule's date, before any bank-holiday move: the meeting's identity in the series.
    scheduled_on: date
    # The day the meeting is held (None: skipped for a bank holiday).
    held_on: date | None

    @property
    def note(self) -> str:
        if self.held_on is None:
            return f"No meeting on {self.scheduled_on:%a %d %b %Y} (bank holiday)"
        if self.held_on != self.scheduled_on:
            return f"Moved from {self.scheduled_on:%a %d %b %Y} (bank holiday)"
        return ""


def _nth_weekday(year: int, month: int, weekday: int, nth: int) -> date | None:
    days = [
        date(year, month, day)
        for day in range(1, calendar.monthrange(year, month)[1] + 1)
        if date(year, month, day).weekday() == weekday
    ]
    if nth == -1:
        return days[-1]
    return days[nth - 1] if 0 < nth <= len(days) else None


def scheduled_dates(
    *, frequency: str, weekday: int, nth: int | None, starts_on: date, until: date
) -> Iterator[date]:
    """The rule's dates from `starts_on` to `until` inclusive, before bank holidays."""
    if frequency in (WEEKLY, FORTNIGHTLY):
        step = timedelta(days=7 if frequency == WEEKLY else 14)
        day = starts_on + timedelta(days=(weekday - starts_on.weekday()) % 7)
        while day <= until:
            yield day
            day += step
        return
    if frequency != MONTHLY or nth is None:
        raise ValueError("a monthly schedule needs nth")
    year, month = starts_on.year, starts_on.month
    while date(year, month, 1) <= until:
        nth_day = _nth_weekday(year, month, weekday, nth)
        if nth_day is not None and starts_on <= nth_day <= until:
            yield nth_day
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def occurrences(
    *,
    frequency: str,
    weekday: int,
    nth: int | None,
    starts_on: date,
    until: date,
    bank_holiday_rule: str,
) -> list[Occurrence]:
    """Each scheduled date with the day it is held (moved or skipped for bank holidays)."""
    found: list[Occurrence] = []
    taken: set[date] = set()
    scheduled = list(
        scheduled_dates(
            frequency=frequency, weekday=weekday, nth=nth, starts_on=starts_on, until=until
        )
    )
    regular = set(scheduled)
    for day in scheduled:
        held: date | None = day
        if is_bank_holiday(day):
            held = next_working_day(day) if bank_holiday_rule == MOVE else None
            # A move never lands on another meeting of the same series.
            if held is not None and (held in regular or held in taken):
                held = None
        if held is not None:
            taken.add(held)
        found.append(Occurrence(scheduled_on=day, held_on=held))
    return found


def local_start(day: date, start: time) -> datetime:
    """The aware start of a meeting held on `day` at local `start` (Europe/London)."""
    return datetime.combine(day, start, tzinfo=LONDON)

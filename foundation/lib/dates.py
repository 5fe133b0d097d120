"""The date ranges every form shares, so a slip of the keyboard (year 1, year 9999) never
becomes a record, and every app bounds its dates the same way:

- nothing before 1 January 1900, anywhere;
- things that happened (contacts, milestones, incidents): not in the future;
- things scheduled (reviews, hearings, meetings): at most five years ahead.

Use the field factories in forms: `past_date_field`, `past_datetime_field`,
`scheduled_date_field`, and `search_date_field` for the ends of a search range. "Today" is the
hub's local date (TIME_ZONE) when the form is checked or drawn, never when the module was
imported. The date inputs carry the same range as `min` and `max`, so the browser's date picker
offers nothing the server would refuse. Each app lists its fields' ranges in its docs page. A
form may word a message for its field through Django's `error_messages` with the codes
`date_too_early` and `date_too_late`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Literal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

EARLIEST_DATE = date(1900, 1, 1)
SCHEDULE_YEARS = 5
# Clocks differ a little between devices; a time this little "in the future" is a rounding.
CLOCK_SKEW = timedelta(minutes=5)

TOO_EARLY = "date_too_early"
TOO_LATE = "date_too_late"

# Where a scheduled date may start: any date from 1900, today, or only after today.
ScheduledFrom = Literal["1900", "today", "tomorrow"]


def latest_scheduled_date(today: date) -> date:
    """The last date a scheduled thing may fall on: five years from today (29 February → 28)."""
    try:
        return today.replace(year=today.year + SCHEDULE_YEARS)
    except ValueError:
        return today.replace(year=today.year + SCHEDULE_YEARS, day=28)


def long_date(day: date) -> str:
    """1 January 1900: the form the messages use."""
    return f"{day.day} {day:%B %Y}"


@dataclass(frozen=True)
class DateRange:
    """A date field's range (a validator), with the messages that explain it."""

    kind: Literal["past", "scheduled"]
    earliest: ScheduledFrom = "1900"

    def bounds(self, today: date) -> tuple[date, date]:
        low = {
            "1900": EARLIEST_DATE,
            "today": today,
            "tomorrow": today + timedelta(days=1),
        }[self.earliest]
        high = today if self.kind == "past" else latest_scheduled_date(today)
        return low, high

    def __call__(self, value: date) -> None:
        low, high = self.bounds(timezone.localdate())
        if value < low:
            raise ValidationError(self._too_early(), code=TOO_EARLY)
        if value > high:
            raise ValidationError(self._too_late(high), code=TOO_LATE)

    def _too_early(self) -> str:
        return {
            "1900": f"Enter a date from {long_date(EARLIEST_DATE)} onwards.",
            "today": "The date cannot be in the past.",
            "tomorrow": "The date must be in the future.",
        }[self.earliest]

    def _too_late(self, high: date) -> str:
        if self.kind == "past":
            return "The date cannot be in the future."
        return f"Enter a date at most {SCHEDULE_YEARS} years ahead: {long_date(high)} or earlier."


@dataclass(frozen=True)
class PastDateTimeRange:
    """A moment that has happened: from 1 January 1900 (local time) up to now."""

    def bounds(self, today: date) -> tuple[date, date]:
        return EARLIEST_DATE, today

    def __call__(self, value: datetime) -> None:
        if timezone.localtime(value).date() < EARLIEST_DATE:
            raise ValidationError(
                f"Enter a date from {long_date(EARLIEST_DATE)} onwards.", code=TOO_EARLY
            )
        if value > timezone.now() + CLOCK_SKEW:
            raise ValidationError("The date and time cannot be in the future.", code=TOO_LATE)


class RangeDateInput(forms.DateInput):
    """A browser date picker limited to the field's range, worked out when it is drawn."""

    input_type = "date"

    def __init__(self, date_range: DateRange, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")
        self.date_range = date_range

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        low, high = self.date_range.bounds(timezone.localdate())
        context["widget"]["attrs"].setdefault("min", low.isoformat())
        context["widget"]["attrs"].setdefault("max", high.isoformat())
        return context


class RangeDateTimeInput(forms.DateTimeInput):
    """A browser date-and-time picker from 1900 to the end of today (the server checks "now")."""

    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        low, high = PastDateTimeRange().bounds(timezone.localdate())
        context["widget"]["attrs"].setdefault("min", f"{low.isoformat()}T00:00")
        context["widget"]["attrs"].setdefault("max", f"{high.isoformat()}T23:59")
        return context


def past_date_field(**kwargs: Any) -> forms.DateField:
    """The date of something that happened: 1 January 1900 to today."""
    date_range = DateRange("past")
    return forms.DateField(widget=RangeDateInput(date_range), validators=[date_range], **kwargs)


def past_datetime_field(**kwargs: Any) -> forms.DateTimeField:
    """The date and time of something that happened: 1 January 1900 to now."""
    return forms.DateTimeField(
        widget=RangeDateTimeInput(), validators=[PastDateTimeRange()], **kwargs
    )


def scheduled_date_field(*, earliest: ScheduledFrom = "1900", **kwargs: Any) -> forms.DateField:
    """The date of something scheduled: at most five years ahead, and from `earliest` (1
    January 1900, today, or tomorrow for a date that must lie in the future)."""
    date_range = DateRange("scheduled", earliest)
    return forms.DateField(widget=RangeDateInput(date_range), validators=[date_range], **kwargs)


def search_date_field(**kwargs: Any) -> forms.DateField:
    """One end of a date range to search: 1 January 1900 to five years ahead. Later dates hold
    no records and would overflow the day arithmetic of "up to and including"."""
    date_range = DateRange("scheduled")
    return forms.DateField(widget=RangeDateInput(date_range), validators=[date_range], **kwargs)

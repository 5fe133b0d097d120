"""Date and time parsing for the crime-log feed (docs/log-feed.md, "Dates and times").

Accepted: ISO 8601 (anything `datetime.fromisoformat` reads, with or without an offset or
`Z`) and the UK form `DD/MM/YYYY` with an optional ` HH:MM` or ` HH:MM:SS`. A time without
a zone is Europe/London wall-clock time. Every function raises `ValueError` on bad input
and never echoes the input, so messages can be shown without leaking personal data.
"""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")
_NO_OFFSET = timedelta(0)

# Nothing in a crime record predates 1900; an earlier year is a typo ("0024", "1024").
MIN_YEAR = 1900


class BeforeMinYear(ValueError):
    """A readable date before MIN_YEAR."""

    def __init__(self) -> None:
        super().__init__("before 1900")


def _digits(text: str, low: int, high: int) -> int:
    """`text` as an int if it is `low` to `high` ASCII digits (`int()` alone takes "+1", " 1")."""
    if not (low <= len(text) <= high and text.isascii() and text.isdigit()):
        raise ValueError("not a number")
    return int(text)


def _parse_uk(text: str) -> datetime:
    """`D/M/YYYY`, `DD/MM/YYYY`, optionally followed by ` HH:MM` or ` HH:MM:SS`; naive."""
    day_part, sep, time_part = text.partition(" ")
    pieces = day_part.split("/")
    if len(pieces) != 3:
        raise ValueError("not a UK date")
    day = _digits(pieces[0], 1, 2)
    month = _digits(pieces[1], 1, 2)
    # Two-digit years are refused: "01/02/24" could be 1924 for a date of birth.
    year = _digits(pieces[2], 4, 4)
    hour = minute = second = 0
    if sep:
        clock = time_part.strip().split(":")
        if len(clock) not in (2, 3):
            raise ValueError("not a UK time")
        hour = _digits(clock[0], 1, 2)
        minute = _digits(clock[1], 2, 2)
        if len(clock) == 3:
            second = _digits(clock[2], 2, 2)
    return datetime(year, month, day, hour, minute, second)  # noqa: DTZ001 - zone added by caller


def _parse_naive_or_aware(text: str) -> datetime:
    # A "/" in the first three characters can only be the UK form: skip the ISO attempt.
    if "/" in text[:3]:
        return _parse_uk(text)
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return _parse_uk(text)


def parse_datetime(text: str) -> datetime:
    """An aware UTC datetime from ISO 8601 or UK text; a bare date is midnight in London.

    A naive time is taken as Europe/London with fold=0: in the October repeated hour that is
    the first (BST) occurrence; in the March gap it is read with the GMT offset, so 01:30 on
    the spring-forward day becomes 01:30 UTC.
    Raises ValueError if the text is not a date, or is before MIN_YEAR.
    """
    if len(text) >= 16 and text[4] == "-" and text[10] in "T ":
        tail = text[11:]
        if "+" not in tail and "-" not in tail and "Z" not in tail and "z" not in tail:
            # The common case, a naive "YYYY-MM-DDTHH:MM[:SS]". Read the wall clock as if it
            # were UTC and take London's offset off: four times quicker than replace(tzinfo=)
            # and astimezone(), which matters at a million rows.
            try:
                wall = datetime.fromisoformat(text + "+00:00")
            except ValueError:
                pass
            else:
                if wall.year < MIN_YEAR:
                    raise BeforeMinYear
                return wall - (LONDON.utcoffset(wall) or _NO_OFFSET)
    value = _parse_naive_or_aware(text)
    if value.year < MIN_YEAR:
        raise BeforeMinYear
    if value.tzinfo is None:
        # ZoneInfo.utcoffset reads only the wall-clock fields (and fold, here 0).
        wall = datetime(
            value.year, value.month, value.day,
            value.hour, value.minute, value.second, value.microsecond, UTC,
        )  # fmt: skip
        return wall - (LONDON.utcoffset(wall) or _NO_OFFSET)
    if value.tzinfo is UTC:
        return value
    try:
        return value.astimezone(UTC)
    except OverflowError:
        # Year 9999 with a negative offset is after the last datetime in UTC: it is in the
        # future, as any year past now is (year 1 with a positive one is before 1900, above).
        return datetime.max.replace(tzinfo=UTC)


def parse_date(text: str) -> date:
    """A calendar date from ISO (`YYYY-MM-DD`) or UK (`DD/MM/YYYY`) text.

    A date written as a datetime at midnight ("1985-03-02T00:00:00", "02/03/1985 00:00"), as
    spreadsheets often export dates, is accepted; any other time of day is refused.
    Raises ValueError if the text is not a date, or is before MIN_YEAR.
    """
    try:
        value = date.fromisoformat(text)
    except ValueError:
        moment = _parse_naive_or_aware(text)
        if moment.tzinfo is not None or moment.time() != datetime.min.time():
            raise ValueError("a date, not a date and time, is expected") from None
        value = moment.date()
    if value.year < MIN_YEAR:
        raise BeforeMinYear
    return value

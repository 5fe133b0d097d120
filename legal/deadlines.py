"""The statutory timings of the Stalking Protection Act 2019 (England and Wales), as pure
functions of dates: no database, no clock. Every order file computes its deadlines here, and
docs/legal.md quotes the same rules with their sections.

The Act counts periods "beginning with" a day: that day is the first day of the period. Its
periods are calendar days and years, with no allowance for weekends or bank holidays: a
notification period that starts on a Friday ends on the Sunday.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

# s.9: "within the period of 3 days beginning with" the day of service (or of the change).
NOTIFICATION_DAYS = 3
# s.3: a fixed period of "at least 2 years beginning with the day on which the order is made".
MINIMUM_FULL_TERM_YEARS = 2
# The hub's practice (docs/legal.md): renewal is reviewed 3 months and 1 month before the end.
RENEWAL_REVIEW_MONTHS = (3, 1)


def add_months(day: date, months: int) -> date:
    """`day` moved by whole calendar months (negative: back); a day the target month lacks
    (31 April, 29 February in a common year) becomes that month's last day."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def _anniversary(day: date, years: int) -> date:
    """The same day `years` later; 29 February falls on 1 March in a common year, so a
    period of whole years beginning with 29 February ends on 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return date(day.year + years, 3, 1)


def full_order_earliest_end(made: date) -> date:
    """SPA 2019 s.3: the last day of the shortest lawful fixed term of a full SPO, "a period of
    at least 2 years beginning with the day on which the order is made" (made 3 March 2026:
    the term runs to 2 March 2028 at the earliest)."""
    return _anniversary(made, MINIMUM_FULL_TERM_YEARS) - timedelta(days=1)


def is_lawful_fixed_term(made: date, ends: date) -> bool:
    """SPA 2019 s.3: a fixed term ending on `ends` lasts at least two years."""
    return ends >= full_order_earliest_end(made)


def notification_due(start: date) -> date:
    """SPA 2019 ss.9-10: the last day to notify the police, the period being "3 days beginning
    with" `start` — the day the order is served (s.9), or the day a name not notified is first
    used or the home address changes. Calendar days: served on a Friday, due on the Sunday."""
    return start + timedelta(days=NOTIFICATION_DAYS - 1)


def notification_missed(due: date, *, notified_on: date | None, today: date) -> bool:
    """SPA 2019 s.11: failing to notify by the last day is an offence. Missed when nothing was
    recorded by the end of `due`, or the notification recorded came after it."""
    if notified_on is not None:
        return notified_on > due
    return today > due


def renewal_review_dates(end: date) -> list[date]:
    """The days the hub reviews whether to apply to renew a fixed-term order (s.4 allows an
    application to renew): 3 months and 1 month before its last day, earliest first."""
    return [add_months(end, -months) for months in RENEWAL_REVIEW_MONTHS]


def interim_order_end(
    *, period_end: date | None, main_determined_on: date | None = None
) -> date | None:
    """SPA 2019 s.5: an interim SPO lasts the period the court sets and ends, if it has not
    already, when the main application is determined — whichever comes first. No two-year
    minimum. None: neither is known yet."""
    ends = [day for day in (period_end, main_determined_on) if day is not None]
    return min(ends) if ends else None


class NotificationExemption(StrEnum):
    """Why no notification falls due (SPA 2019 s.9)."""

    NONE = ""
    # The respondent is subject to the notification requirements of Part 2 of the Sexual
    # Offences Act 2003 on the day the period would begin.
    SEXUAL_OFFENCES_ACT = "soa_part2"
    # A full order made on the application for which an interim order was served: the
    # respondent notified under the interim one and does not notify again.
    REPLACES_INTERIM = "replaces_interim"


@dataclass(frozen=True)
class NotificationDeadline:
    start: date
    due: date | None
    exemption: NotificationExemption

    @property
    def required(self) -> bool:
        return self.exemption == NotificationExemption.NONE


def notification_deadline(
    start: date,
    *,
    soa_from: date | None = None,
    soa_to: date | None = None,
    replaces_interim: bool = False,
) -> NotificationDeadline:
    """SPA 2019 s.9: the deadline for a notification period beginning with `start`, or the
    exemption that means none is due. SOA 2003 Part 2 notification counts from `soa_from`
    (inclusive) to `soa_to` (inclusive; None: still subject)."""
    if soa_from is not None and soa_from <= start and (soa_to is None or start <= soa_to):
        return NotificationDeadline(start, None, NotificationExemption.SEXUAL_OFFENCES_ACT)
    if replaces_interim:
        return NotificationDeadline(start, None, NotificationExemption.REPLACES_INTERIM)
    return NotificationDeadline(start, notification_due(start), NotificationExemption.NONE)

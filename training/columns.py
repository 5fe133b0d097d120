"""The columns of registers and rosters, and the spellings of a force's own sheets.

A header matches without regard to case, spaces or punctuation: "Staff No.", "staff no" and
"STAFF_NO" are one column. docs/training.md lists every accepted spelling (a test keeps the
page and this module in step).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from training.models import Enrolment

# Field -> the spellings accepted for it (the first is the canonical one).
ALIASES: dict[str, tuple[str, ...]] = {
    "name": (
        "name",
        "Full name",
        "Attendee",
        "Attendee name",
        "Delegate",
        "Delegate name",
        "Learner",
        "Learner name",
        "Officer name",
        "Staff name",
        "Employee name",
    ),
    "first_name": ("First name", "Forename", "Forenames", "Given name"),
    "surname": ("Surname", "Last name", "Family name"),
    "staff_number": (
        "staff_number",
        "Staff number",
        "Staff No",
        "Staff ID",
        "Collar number",
        "Collar No",
        "Collar",
        "Shoulder number",
        "Warrant number",
        "Warrant No",
        "Payroll number",
        "Pay number",
        "Employee number",
        "Employee ID",
        "Force number",
        "Service number",
    ),
    "email": ("email", "E-mail", "Email address", "E-mail address", "Work email", "Work e-mail"),
    "team": ("team", "Team name", "Unit", "Department", "Dept", "Section"),
    "organisation": ("organisation", "Organization", "Agency", "Employer", "Force", "Org"),
    "status": ("status", "Attendance", "Attended", "Attended?", "Outcome", "Result", "Present"),
    "date": ("date", "Session date", "Course date", "Training date", "Date attended"),
    "role": ("role", "Rank", "Job title", "Position", "Rank/role", "Grade"),
}
REGISTER_FIELDS = (
    "name",
    "first_name",
    "surname",
    "staff_number",
    "email",
    "team",
    "organisation",
    "status",
    "date",
)
ROSTER_FIELDS = (
    "name",
    "first_name",
    "surname",
    "staff_number",
    "email",
    "team",
    "organisation",
    "role",
)
IDENTITY_FIELDS = {"name", "first_name", "surname", "staff_number", "email"}

# Register statuses -> the spellings accepted for them.
STATUS_ALIASES: dict[str, tuple[str, ...]] = {
    Enrolment.Status.ATTENDED: ("attended", "present", "yes", "y", "✓", "✔"),
    Enrolment.Status.COMPLETED: ("completed", "complete", "passed", "pass"),
    Enrolment.Status.DID_NOT_ATTEND: (
        "did not attend",
        "DNA",
        "no show",
        "no-show",
        "absent",
        "not attended",
        "no",
        "n",
    ),
}


def key(text: str) -> str:
    """A header or value as compared: lower case, letters and digits only."""
    return re.sub(r"[^0-9a-z]", "", text.casefold())


_HEADER_KEYS: dict[str, str] = {
    key(alias): name for name, aliases in ALIASES.items() for alias in aliases
}
_STATUS_KEYS: dict[str, str] = {
    key(alias) or alias: status for status, aliases in STATUS_ALIASES.items() for alias in aliases
}


@dataclass
class ColumnMap:
    """Which column holds which field, and what was ignored (notices for the report)."""

    index: dict[str, int] = field(default_factory=dict)
    header: dict[str, str] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)

    def has(self, name: str) -> bool:
        return name in self.index

    def value(self, cells: list[str], name: str) -> str:
        position = self.index.get(name)
        if position is None or position >= len(cells):
            return ""
        return cells[position].strip()


def field_of(header: str, allowed: tuple[str, ...]) -> str | None:
    name = _HEADER_KEYS.get(key(header))
    return name if name in allowed else None


def header_test(allowed: tuple[str, ...]) -> Callable[[list[str]], bool]:
    """A row is the header when it names an identity column and at least one more column."""

    def is_header(cells: list[str]) -> bool:
        names = {field_of(cell, allowed) for cell in cells if cell}
        names.discard(None)
        return bool(names & IDENTITY_FIELDS) and len(names) >= 2

    return is_header


def map_columns(headers: list[str], allowed: tuple[str, ...]) -> ColumnMap:
    columns = ColumnMap()
    for position, header in enumerate(headers):
        if not header.strip():
            continue
        name = field_of(header, allowed)
        if name is None:
            columns.notices.append(f"Column '{header}' is not one the import reads: ignored.")
        elif name in columns.index:
            columns.notices.append(
                f"Column '{header}' repeats '{columns.header[name]}': only the first is read."
            )
        else:
            columns.index[name] = position
            columns.header[name] = header
    return columns


def read_status(value: str) -> str | None:
    """The enrolment status a register cell means, or None if it cannot be read."""
    text = value.strip()
    return _STATUS_KEYS.get(key(text) or text)


_DATE_FORMATS = (
    "%Y-%m-%d",
    "%d/%m/%Y",
    "%d/%m/%y",
    "%d-%m-%Y",
    "%d.%m.%Y",
    "%d %b %Y",
    "%d %B %Y",
    "%a %d %b %Y",
    "%A %d %B %Y",
)


def read_date(value: str) -> date | None:
    """A date as UK sheets write it (day first), or as XLSX stores it (ISO)."""
    text = " ".join(value.split())
    if "T" in text:
        text = text.split("T", 1)[0]
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a date, no time
        except ValueError:
            continue
    return None

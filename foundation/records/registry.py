"""The record types the hub holds, declared by the apps that own them (issue 19).

Information management (docs/information-management.md) reviews, retains and disposes of
records and answers subject-access requests across every app. The pages live here, in
`foundation`, below every app, so each app registers its own record types in its
`AppConfig.ready()` with one call:

    register_record_type(RecordType(
        key="risk.riskassessment", label="Risk assessments", order=60,
        rule=RuleDefault(years=6, basis="after the case closed"),
        due=assessments_due, dispose=dispose_assessments, subject_access=assessment_entries))

- `due(now, years)`: a queryset of the primary keys (`values("pk")` or a queryset of the
  model) of the records due for review under the rule — set-based, one query;
- `dispose(ids, now)`: deletes the personal data of those records (and what hangs off them),
  history rows included (`foundation.records.history.delete_with_history`); raises
  `ProtectedError` when another record still hangs on one of them (that record is disposed
  of, or retained, first);
- `subject_access(person_ids)`: what the records hold about these persons (ids already
  expanded through merges), as `SubjectEntry` items, in a bounded number of queries.

The years come from the `RetentionRule` row of the key (data the information manager edits;
the migration seeds `rule.years`), or from a setting where the rule says so
(`years_setting`, e.g. crime-log copies). `automatic=True` types are queued for disposal by the
rule itself, without a person's review (crime-log copies the hub never used).

`order` is the disposal order: records hanging on others (an assessment on a case) have a
higher order and go first.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import QuerySet


@dataclass(frozen=True)
class RuleDefault:
    years: int | None
    basis: str  # "after the case closed", read as "review N years <basis>"
    years_setting: str = ""  # a setting's name that gives the years instead of the data


@dataclass(frozen=True)
class SubjectEntry:
    """One record that holds something about the subject, for the access-request bundle."""

    record_type: str
    object_id: int
    role: str  # the subject's part in it ("victim", "respondent", "named party")
    at: date | datetime | None
    summary: str  # what the record is, without third parties' details
    details: tuple[tuple[str, str], ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class RecordType:
    key: str  # the model's label ("cases.case"): the access record's object type too
    label: str
    order: int
    rule: RuleDefault
    due: Callable[[datetime, int], QuerySet[Any]]
    dispose: Callable[[Sequence[int], datetime], int]
    subject_access: Callable[[Collection[int]], list[SubjectEntry]]
    automatic: bool = False


@dataclass(frozen=True)
class PersonMatch:
    person_id: int
    description: str  # name and date of birth, for the information manager only


@dataclass(frozen=True)
class PersonIndex:
    """How a subject is found (the person record lives in `cases`): `search(name, dob)` and
    `expand(ids)`, the ids with every record merged into or from them."""

    search: Callable[[str, date | None], list[PersonMatch]]
    expand: Callable[[Collection[int]], set[int]]


_TYPES: dict[str, RecordType] = {}
_PERSON_INDEX: list[PersonIndex] = []


def register_record_type(record_type: RecordType) -> None:
    _TYPES[record_type.key] = record_type


def record_types() -> list[RecordType]:
    """Every registered type, in disposal order (dependants first)."""
    return sorted(_TYPES.values(), key=lambda t: (-t.order, t.key))


def record_type(key: str) -> RecordType:
    return _TYPES[key]


def register_person_index(index: PersonIndex) -> None:
    _PERSON_INDEX[:] = [index]


def person_index() -> PersonIndex | None:
    return _PERSON_INDEX[0] if _PERSON_INDEX else None


def years_before[T: (date, datetime)](moment: T, years: int) -> T:
    """The same day (and time) `years` earlier; 29 February becomes the 28th. The boundary
    of every "N years after" rule: a record is due when its date is on or before this."""
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:
        return moment.replace(year=moment.year - years, day=28)

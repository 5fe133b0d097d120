"""Training records (a trainee's place on a session: booking, attendance, completion) as a
record type of information management, on their own schedule (foundation/records). Training
holds no victim data: a subject-access search of a victim or suspect finds nothing here."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from django.db.models import QuerySet

from foundation.records.history import delete_with_history
from foundation.records.registry import (
    RecordType,
    RuleDefault,
    SubjectEntry,
    register_record_type,
    years_before,
)
from training.models import Enrolment


def enrolments_due(now: datetime, years: int) -> QuerySet[Enrolment]:
    return Enrolment.objects.filter(session__ends_at__lte=years_before(now, years))


def dispose_enrolments(ids: Sequence[int], now: datetime) -> int:
    return delete_with_history(Enrolment.objects.filter(pk__in=ids))


def no_entries(person_ids: Collection[int]) -> list[SubjectEntry]:
    """Victims and suspects are never trainees: nothing to find."""
    return []


def register_training_records() -> None:
    register_record_type(
        RecordType(
            key="training.enrolment",
            label="Training records (bookings and attendance)",
            order=40,
            rule=RuleDefault(years=6, basis="after the session ended"),
            due=enrolments_due,
            dispose=dispose_enrolments,
            subject_access=no_entries,
        )
    )

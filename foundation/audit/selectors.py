"""Reads for the auditor's access-record page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from foundation.audit.models import AccessRecord


@dataclass(frozen=True)
class AccessRecordFilter:
    user_email: str = ""
    object_type: str = ""
    object_id: str = ""
    action: str = ""
    outcome: str = ""
    date_from: date | None = None
    date_to: date | None = None


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def access_records(filters: AccessRecordFilter) -> QuerySet[AccessRecord]:
    records = AccessRecord.objects.select_related("user")
    if filters.user_email:
        records = records.filter(user__email__iexact=filters.user_email)
    if filters.object_type:
        records = records.filter(object_type=filters.object_type)
    if filters.object_id:
        records = records.filter(object_id=filters.object_id)
    if filters.action:
        records = records.filter(action=filters.action)
    if filters.outcome:
        records = records.filter(outcome=filters.outcome)
    if filters.date_from:
        records = records.filter(at__gte=_start_of(filters.date_from))
    if filters.date_to:
        records = records.filter(at__lt=_start_of(filters.date_to + timedelta(days=1)))
    return records


def object_types() -> list[str]:
    return list(
        AccessRecord.objects.order_by("object_type")
        .values_list("object_type", flat=True)
        .distinct()
    )

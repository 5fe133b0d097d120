"""Reads for the auditor's access-record page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
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
    # (model label, object id) pairs a case or log reference resolved to (forms.py).
    targets: tuple[tuple[str, str], ...] = ()
    under_cover: bool = False


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


# Object types as records written before the doors derived them from the model's label
# spelled them. Access records are append-only, so the old rows keep these; the filter maps
# each old spelling to its model label (with the need it stood for, where it carried one).
LEGACY_OBJECT_TYPES: dict[str, tuple[str, str]] = {
    "case": ("cases.case", ""),
    "crime_log": ("cases.crimelog", ""),
    "crime_log_feedback": ("cases.crimelog", "feedback"),
    "person": ("cases.person", ""),
    "person_merge": ("cases.person", "merge"),
    "referral": ("referrals.referral", ""),
    "isac_casework": ("referrals.referral", "casework"),
    "advice_request": ("referrals.advicerequest", ""),
    "guidance": ("referrals.guidance", ""),
    "risk_assessment": ("risk.riskassessment", ""),
}


def spellings_of(object_type: str) -> list[str]:
    """Every spelling records use for this type: the label and the older names mapped to it."""
    label = LEGACY_OBJECT_TYPES.get(object_type, (object_type, ""))[0]
    return [label, *(old for old, (new, _) in LEGACY_OBJECT_TYPES.items() if new == label)]


def readable_type(object_type: str) -> str:
    """A record type as the auditor reads it ("Case", "Crime log"), from the model's name."""
    from django.apps import apps

    label = LEGACY_OBJECT_TYPES.get(object_type, (object_type, ""))[0]
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        return object_type
    return str(model._meta.verbose_name).capitalize()


def access_records(filters: AccessRecordFilter) -> QuerySet[AccessRecord]:
    records = AccessRecord.objects.select_related(
        "user", "under_cover__approved_by", "under_cover__covered_user"
    )
    if filters.user_email:
        records = records.filter(user__email__iexact=filters.user_email)
    if filters.object_type:
        records = records.filter(object_type__in=spellings_of(filters.object_type))
    if filters.object_id:
        records = records.filter(object_id=filters.object_id)
    if filters.targets:
        by_target = Q(pk__in=[])
        for label, object_id in filters.targets:
            by_target |= Q(object_type__in=spellings_of(label), object_id=object_id)
        records = records.filter(by_target)
    if filters.action:
        records = records.filter(action=filters.action)
    if filters.outcome:
        records = records.filter(outcome=filters.outcome)
    if filters.under_cover:
        records = records.filter(under_cover__isnull=False)
    if filters.date_from:
        records = records.filter(at__gte=_start_of(filters.date_from))
    if filters.date_to:
        records = records.filter(at__lt=_start_of(filters.date_to + timedelta(days=1)))
    return records


def object_types() -> list[tuple[str, str]]:
    """(label, readable name) of every type on record, old spellings folded into their label."""
    stored = AccessRecord.objects.values_list("object_type", flat=True).distinct()
    labels = {LEGACY_OBJECT_TYPES.get(name, (name, ""))[0] for name in stored}
    return sorted(((label, readable_type(label)) for label in labels), key=lambda item: item[1])


def describe(filters: AccessRecordFilter) -> str:
    """The filter in words for the export's own access record (ids and types, no names)."""
    parts = [
        f"{name}={value}"
        for name, value in (
            ("user", filters.user_email),
            ("type", filters.object_type),
            ("id", filters.object_id),
            ("action", filters.action),
            ("outcome", filters.outcome),
            ("from", filters.date_from),
            ("to", filters.date_to),
        )
        if value
    ]
    if filters.targets:
        parts.append("records=" + ",".join(f"{label}#{pk}" for label, pk in filters.targets))
    return "; ".join(parts) or "none"

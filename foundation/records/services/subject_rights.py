"""Subject rights: access requests (DPA 2018 s.45) and rectification (s.46)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime, time

from django.db import transaction
from django.utils import timezone

from foundation.accounts.models import User
from foundation.audit.access import Need
from foundation.audit.models import AccessRecord
from foundation.audit.services import record_access
from foundation.records.models import (
    RectificationRequest,
    SubjectAccessItem,
    SubjectAccessRequest,
)
from foundation.records.registry import SubjectEntry, person_index, record_type, record_types
from foundation.records.services.errors import RecordsError

# --- Subject rights -------------------------------------------------------------------------


def find_subject_entries(person_ids: Collection[int]) -> list[SubjectEntry]:
    """Everything every app holds about these persons (ids expanded through merges)."""
    index = person_index()
    ids = index.expand(person_ids) if index is not None else set(person_ids)
    entries: list[SubjectEntry] = []
    for kind in record_types():
        entries.extend(kind.subject_access(ids))
    return entries


@transaction.atomic
def open_subject_access_request(
    *, person_ids: Collection[int], description: str, received_on: date, by: User, now: datetime
) -> SubjectAccessRequest:
    """Record a request and what the search finds now, for the information manager to redact."""
    if not person_ids:
        raise RecordsError("Choose at least one person record.")
    index = person_index()
    expanded = sorted(index.expand(person_ids) if index is not None else set(person_ids))
    request = SubjectAccessRequest.objects.create(
        reference=f"SAR-{now:%Y%m%d%H%M%S}",
        received_on=received_on,
        person_ids=expanded,
        subject_description=description[:300],
        created_by=by,
    )
    request.reference = f"SAR-{now:%Y}-{request.pk:05d}"
    request.save(update_fields=["reference"])
    SubjectAccessItem.objects.bulk_create(
        [
            SubjectAccessItem(
                request=request,
                record_type=entry.record_type,
                object_id=entry.object_id,
                role=entry.role[:100],
                at=_as_datetime(entry.at),
                summary=entry.summary,
                details="\n".join(f"{label}: {value}" for label, value in entry.details),
            )
            for entry in find_subject_entries(expanded)
        ]
    )
    return request


def _as_datetime(value: date | datetime | None) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return timezone.make_aware(datetime.combine(value, time()))


@transaction.atomic
def redact_item(
    *, item: SubjectAccessItem, include: bool, details: str, note: str, by: User
) -> SubjectAccessItem:
    """The information manager's redaction of one item (the request must still be open)."""
    if item.request.state != SubjectAccessRequest.State.OPEN:
        raise RecordsError("This request has been disclosed; open a new one to disclose again.")
    if not include and not note.strip():
        raise RecordsError("Say why this record is withheld (the exemption relied on).")
    item.include = include
    item.details = details
    item.redaction_note = note.strip()[:300]
    item.save(update_fields=["include", "details", "redaction_note"])
    return item


@transaction.atomic
def record_disclosure(
    *, request: SubjectAccessRequest, fmt: str, by: User, now: datetime
) -> SubjectAccessRequest:
    """The bundle leaves the hub: an access record (a disclosure) for the request and each
    record it includes, written before anything is served."""
    included = list(request.items.filter(include=True).values_list("record_type", "object_id"))
    record_access(
        user=by,
        action=AccessRecord.Action.DISCLOSE,
        object_type="records.subjectaccessrequest",
        object_id=request.pk,
        need=Need.DISCLOSE,
        justification=f"Subject-access bundle ({fmt}), {len(included)} records",
    )
    for record_type_key, object_id in included:
        record_access(
            user=by,
            action=AccessRecord.Action.DISCLOSE,
            object_type=record_type_key,
            object_id=object_id,
            need=Need.DISCLOSE,
            justification=f"Subject-access request {request.reference}",
        )
    if request.state == SubjectAccessRequest.State.OPEN:
        request.state = SubjectAccessRequest.State.DISCLOSED
        request.disclosed_at = now
        request.save(update_fields=["state", "disclosed_at"])
    return request


@transaction.atomic
def record_rectification_request(
    *,
    record_type_key: str,
    object_id: int,
    requested_change: str,
    received_on: date,
    subject_request: SubjectAccessRequest | None,
    by: User,
) -> RectificationRequest:
    """Record a request to correct a record (DPA 2018 s.46). Raises RecordsError."""
    try:
        record_type(record_type_key)
    except KeyError:
        raise RecordsError("Choose a record type the hub holds.") from None
    if not requested_change.strip():
        raise RecordsError("Say what the subject asks to be corrected.")
    return RectificationRequest.objects.create(
        record_type=record_type_key,
        object_id=object_id,
        requested_change=requested_change.strip(),
        received_on=received_on,
        subject_request=subject_request,
        recorded_by=by,
    )


@transaction.atomic
def decide_rectification(
    *, request: RectificationRequest, state: str, action_taken: str, by: User, now: datetime
) -> RectificationRequest:
    """Record what was done: rectified (the correction made in the record's own app) or
    refused, with the reason. Raises RecordsError."""
    if request.state != RectificationRequest.State.OPEN:
        raise RecordsError("This request has already been decided.")
    if state not in {RectificationRequest.State.RECTIFIED, RectificationRequest.State.REFUSED}:
        raise RecordsError("Choose rectified or refused.")
    if not action_taken.strip():
        raise RecordsError("Say what was corrected, or why the request is refused.")
    request.state = state
    request.action_taken = action_taken.strip()
    request.decided_by = by
    request.decided_at = now
    request.save(update_fields=["state", "action_taken", "decided_by", "decided_at"])
    return request

"""Reads of information management, for the information manager's pages."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, QuerySet

from foundation.accounts.models import User
from foundation.records.models import (
    AccessRecordDisposal,
    RecordReview,
    RectificationRequest,
    SubjectAccessRequest,
    Tombstone,
)
from foundation.records.permissions import can_manage_records
from foundation.records.registry import record_types


def _scoped[M: (RecordReview, Tombstone, SubjectAccessRequest, RectificationRequest)](
    user: User, qs: QuerySet[M]
) -> QuerySet[M]:
    return qs if can_manage_records(user) else qs.none()


def reviews_to_decide(user: User, *, record_type: str = "") -> QuerySet[RecordReview]:
    """Records due for review or blocked, oldest first (one query a page)."""
    qs = RecordReview.objects.filter(
        state__in=[RecordReview.State.DUE, RecordReview.State.BLOCKED]
    ).order_by("due_since", "record_type", "object_id")
    if record_type:
        qs = qs.filter(record_type=record_type)
    return _scoped(user, qs)


@dataclass(frozen=True)
class TypeCounts:
    key: str
    label: str
    due: int
    retained: int
    queued: int
    disposed: int


def counts_by_type(user: User) -> list[TypeCounts]:
    """For each registered type, how many records are due, retained, queued, disposed (one
    query)."""
    rows = (
        _scoped(user, RecordReview.objects.all())
        .order_by()
        .values("record_type", "state")
        .annotate(n=Count("pk"))
    )
    by: dict[tuple[str, str], int] = {(r["record_type"], r["state"]): r["n"] for r in rows}
    State = RecordReview.State
    return [
        TypeCounts(
            key=t.key,
            label=t.label,
            due=by.get((t.key, State.DUE), 0) + by.get((t.key, State.BLOCKED), 0),
            retained=by.get((t.key, State.RETAINED), 0),
            queued=by.get((t.key, State.QUEUED), 0),
            disposed=by.get((t.key, State.DISPOSED), 0),
        )
        for t in record_types()
    ]


def tombstones(user: User) -> QuerySet[Tombstone]:
    return _scoped(user, Tombstone.objects.select_related("decided_by"))


def access_record_disposals(user: User) -> QuerySet[AccessRecordDisposal]:
    qs = AccessRecordDisposal.objects.all()
    return qs if can_manage_records(user) else qs.none()


def subject_requests(user: User) -> QuerySet[SubjectAccessRequest]:
    return _scoped(
        user, SubjectAccessRequest.objects.select_related("created_by").annotate(n=Count("items"))
    )


def rectifications(user: User) -> QuerySet[RectificationRequest]:
    return _scoped(user, RectificationRequest.objects.select_related("recorded_by"))

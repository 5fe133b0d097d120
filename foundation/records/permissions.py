"""Who may use information management, and the doors of its sensitive records."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from enum import StrEnum

from foundation.accounts.models import User
from foundation.accounts.roles import is_information_manager
from foundation.audit.access import open_door, open_doors
from foundation.audit.models import AccessRecord
from foundation.audit.services import record_access
from foundation.records.models import RecordReview, RectificationRequest, SubjectAccessRequest
from foundation.records.registry import PersonMatch, person_index


class RecordsNeed(StrEnum):
    READ = "read"
    CHANGE = "change"
    DISCLOSE = "disclose"
    REVIEW = "review"
    SUBJECT_SEARCH = "subject_search"


def can_manage_records(user: User) -> bool:
    """Review, retain, dispose; subject-rights requests: the information manager only."""
    return is_information_manager(user)


def get_subject_request_for_user(
    user: User, pk: object, *, need: RecordsNeed = RecordsNeed.READ
) -> SubjectAccessRequest:
    """A subject-access request, for the information manager; 404 (recorded) otherwise."""
    return open_door(
        SubjectAccessRequest.objects.select_related("created_by"),
        pk,
        user=user,
        need=need,
        permitted=can_manage_records(user),
    )


def get_rectification_for_user(
    user: User, pk: object, *, need: RecordsNeed = RecordsNeed.READ
) -> RectificationRequest:
    """A rectification request, for the information manager; 404 (recorded) otherwise."""
    return open_door(
        RectificationRequest.objects.select_related("recorded_by", "decided_by"),
        pk,
        user=user,
        need=need,
        permitted=can_manage_records(user),
    )


def get_reviews_for_user(user: User, pks: Collection[object]) -> list[RecordReview]:
    """The reviews chosen for a bulk decision (all, or 404 recorded)."""
    return open_doors(
        RecordReview.objects.all(),
        pks,
        user=user,
        need=RecordsNeed.REVIEW,
        permitted=can_manage_records(user),
    )


def find_subject_persons_for_user(
    user: User, name: str, date_of_birth: date | None
) -> list[PersonMatch]:
    """Person records matching a subject-access search, for the information manager (nothing
    otherwise). Each person shown is recorded as consulted (need `subject_search`)."""
    index = person_index()
    if not can_manage_records(user) or index is None:
        return []
    matches = index.search(name, date_of_birth)
    for match in matches:
        record_access(
            user=user,
            action=AccessRecord.Action.CONSULT,
            object_type="cases.person",
            object_id=match.person_id,
            need=RecordsNeed.SUBJECT_SEARCH,
        )
    return matches

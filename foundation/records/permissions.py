"""Who may use information management, and the doors of its sensitive records."""

from __future__ import annotations

from collections.abc import Collection
from enum import StrEnum

from foundation.accounts.models import User
from foundation.accounts.roles import is_information_manager
from foundation.audit.access import open_door, open_doors
from foundation.records.models import RecordReview, RectificationRequest, SubjectAccessRequest


class RecordsNeed(StrEnum):
    READ = "read"
    CHANGE = "change"
    DISCLOSE = "disclose"
    REVIEW = "review"


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

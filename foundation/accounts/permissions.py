"""The door to role covers (foundation/accounts/cover.py): who may open and end one."""

from __future__ import annotations

from enum import StrEnum

from django.db.models import QuerySet

from foundation.accounts.cover import can_approve_covers, may_end_early
from foundation.accounts.models import RoleCover, User
from foundation.audit.access import Need, open_door, register_sensitive

register_sensitive(RoleCover)


class CoverNeed(StrEnum):
    READ = Need.READ
    # End a cover before its end date (recorded here and in the cover's history).
    END = "end_early"


def covers_visible_to(user: User) -> QuerySet[RoleCover]:
    """Every cover for those who approve them; otherwise the covers the user holds or that
    cover them."""
    if can_approve_covers(user):
        return RoleCover.objects.all()
    if not user.is_active:
        return RoleCover.objects.none()
    return RoleCover.objects.filter(user=user) | RoleCover.objects.filter(covered_user=user)


def get_cover_for_user(
    user: User, cover_id: object, *, need: CoverNeed = CoverNeed.READ
) -> RoleCover:
    """A cover for `need`; else Http404. Records the attempt. END: whoever may approve it, and
    the person covered."""
    return open_door(
        covers_visible_to(user).select_related("user", "covered_user", "approved_by"),
        cover_id,
        user=user,
        need=need,
        check=(lambda cover: may_end_early(user, cover)) if need == CoverNeed.END else None,
    )

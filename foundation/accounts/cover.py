"""Cover and deputising: a user covers another's role for a period (docs/oversight.md).

A cover grants exactly the covered role, for its period, through `User.has_role`, which every
role predicate and every app already asks; nothing else changes who may do what. This module
holds the rules (who may cover which role, who approves) and the writes, plus the two reads
every app needs: who covers a user now (notifications go to both), and whom a user covers.

Rules, documented in docs/oversight.md:
- the admin role is never covered; the covered user must hold the role in their own right;
- cover is within one agency, and the role must be one that agency's kind may hold (a partner
  agency's user never covers the tactical lead); a partner or ISAC never covers a hub role;
- a coordinator or tactical lead approves (never their own cover); a cover of the tactical
  lead is approved by the system administrator;
- the same role of the same person is covered by one cover at a time (no overlap);
- a cover ends by itself at `ends_at`; ending it early records who and when.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from foundation.accounts.models import Agency, Role, RoleCover, User

# Police roles are held in a police force; the ISAC role in an ISAC service; the partner role
# in any agency that is not the force itself.
_POLICE = frozenset({Agency.Kind.POLICE_FORCE})
ROLE_AGENCY_KINDS: dict[str, frozenset[str]] = {
    Role.COORDINATOR: _POLICE,
    Role.TACTICAL_LEAD: _POLICE,
    Role.SOLICITOR: _POLICE,
    Role.OFFICER: _POLICE | {Agency.Kind.OTHER_FORCE},
    Role.CHAMPION: _POLICE,
    Role.TRAINER: _POLICE,
    Role.AUDITOR: _POLICE,
    Role.INFORMATION_MANAGER: _POLICE,
    Role.ISAC: frozenset({Agency.Kind.ISAC_SERVICE}),
    Role.PARTNER: frozenset(Agency.Kind.values) - _POLICE,
}
COVERABLE_ROLES = tuple(role for role in Role if role in ROLE_AGENCY_KINDS)
# The hub's own roles: never covered by another agency's ISAC or partner user.
HUB_ROLES = frozenset({Role.COORDINATOR, Role.TACTICAL_LEAD, Role.SOLICITOR})
RECEIVING = frozenset({Role.ISAC, Role.PARTNER})
APPROVER_ROLES = (Role.COORDINATOR, Role.TACTICAL_LEAD)
# Long enough for any leave or secondment; a longer need is a change of role, not a cover.
MAX_COVER = timedelta(days=184)


class CoverError(Exception):
    """A cover breaks a rule. The message is shown to the user: no personal data."""


def _is_admin(user: User) -> bool:
    return user.is_active and (user.is_superuser or Role.ADMIN in user.roles)


def may_approve(approver: User, *, role: str) -> bool:
    """Whether `approver` may approve a cover of `role`, in their own right (never under a
    cover): the system administrator for the tactical lead; otherwise a coordinator or
    tactical lead, or the administrator."""
    if not approver.is_active:
        return False
    if _is_admin(approver):
        return True
    if role == Role.TACTICAL_LEAD:
        return False
    return any(own in approver.roles for own in APPROVER_ROLES)


def can_approve_covers(user: User) -> bool:
    """Whether the user approves covers of any role (the pages that list and make them)."""
    return may_approve(user, role=Role.COORDINATOR)


def check_cover(
    *, user: User, role: str, covered_user: User, starts_at: datetime, ends_at: datetime,
    approver: User, now: datetime, exclude_pk: int | None = None,
) -> None:  # fmt: skip
    """Raise CoverError with the first rule the cover would break."""
    if role not in COVERABLE_ROLES:
        raise CoverError("That role cannot be covered.")
    if user.pk == covered_user.pk:
        raise CoverError("Nobody covers their own role.")
    if not user.is_active or not covered_user.is_active:
        raise CoverError("Both people must have active accounts.")
    if role not in covered_user.roles:
        raise CoverError("The person covered does not hold that role.")
    if user.agency_id is None or user.agency_id != covered_user.agency_id:
        raise CoverError(
            "Cover is arranged within one agency: the two people are in different ones."
        )
    agency_kind = user.agency.kind if user.agency is not None else ""
    if agency_kind not in ROLE_AGENCY_KINDS[role]:
        raise CoverError("A user of that agency may not hold that role.")
    if role in HUB_ROLES and RECEIVING & set(user.roles):
        raise CoverError("A partner or ISAC user may not cover a hub role.")
    if ends_at <= starts_at:
        raise CoverError("The cover must end after it starts.")
    if ends_at <= now:
        raise CoverError("The cover would already be over.")
    if ends_at - starts_at > MAX_COVER:
        raise CoverError("A cover lasts at most six months; a longer need is a change of role.")
    if not may_approve(approver, role=role):
        if role == Role.TACTICAL_LEAD:
            raise CoverError(
                "A cover of the tactical lead is approved by the system administrator."
            )
        raise CoverError("A cover is approved by a coordinator or the tactical lead.")
    if approver.pk == user.pk:
        raise CoverError("Nobody approves their own cover.")
    overlapping = RoleCover.objects.filter(
        covered_user=covered_user, role=role, starts_at__lt=ends_at, ends_at__gt=starts_at
    ).filter(Q(ended_early_at__isnull=True) | Q(ended_early_at__gt=starts_at))
    if exclude_pk is not None:
        overlapping = overlapping.exclude(pk=exclude_pk)
    if overlapping.exists():
        raise CoverError("That role of that person is already covered for part of this period.")


@transaction.atomic
def create_cover(
    *,
    user: User,
    role: str,
    covered_user: User,
    starts_at: datetime,
    ends_at: datetime,
    by: User,
    now: datetime | None = None,
) -> RoleCover:
    """Record a cover approved by `by`. Raises CoverError (nothing saved)."""
    now = now or timezone.now()
    # Serialise covers of one person: two approvers at once cannot both pass the overlap check.
    User.objects.select_for_update().filter(pk=covered_user.pk).first()
    check_cover(
        user=user,
        role=role,
        covered_user=covered_user,
        starts_at=starts_at,
        ends_at=ends_at,
        approver=by,
        now=now,
    )
    cover = RoleCover.objects.create(
        user=user,
        role=role,
        covered_user=covered_user,
        starts_at=starts_at,
        ends_at=ends_at,
        approved_by=by,
        approved_at=now,
    )
    note_covering_until(user.pk)
    user.forget_covers()
    user.refresh_from_db(fields=["covering_until"])
    return cover


def note_covering_until(user_id: int) -> None:
    """Keep `User.covering_until`: the latest end of the user's covers not ended early."""
    latest = RoleCover.objects.filter(user_id=user_id, ended_early_at__isnull=True).aggregate(
        end=Max("ends_at")
    )["end"]
    User.objects.filter(pk=user_id).update(covering_until=latest)


def may_end_early(user: User, cover: RoleCover) -> bool:
    """Who may end a cover early: whoever may approve it, and the person covered (back early)."""
    return user.is_active and (
        may_approve(user, role=cover.role) or user.pk == cover.covered_user_id
    )


@transaction.atomic
def end_cover_early(*, cover: RoleCover, by: User, now: datetime | None = None) -> RoleCover:
    """End a cover now (its history records who and when). Raises CoverError if it is over."""
    now = now or timezone.now()
    cover = RoleCover.objects.select_for_update().get(pk=cover.pk)
    if cover.effective_end <= now:
        raise CoverError("This cover is already over.")
    if not may_end_early(by, cover):
        raise CoverError("You may not end this cover.")
    cover.ended_early_at = now
    cover.ended_early_by = by
    cover.save(update_fields=["ended_early_at", "ended_early_by"])
    note_covering_until(cover.user_id)
    return cover


# --- Reads ------------------------------------------------------------------------------------


def active_q(now: datetime, prefix: str = "") -> Q:
    """Covers active at `now` (started, not past their end, not ended early)."""
    return Q(**{f"{prefix}starts_at__lte": now, f"{prefix}ends_at__gt": now}) & (
        Q(**{f"{prefix}ended_early_at__isnull": True}) | Q(**{f"{prefix}ended_early_at__gt": now})
    )


def active_covers_of(covered_user_ids: Iterable[int], *, now: datetime) -> QuerySet[RoleCover]:
    """Covers active now of these people (who covers them)."""
    return RoleCover.objects.filter(active_q(now), covered_user_id__in=list(covered_user_ids))


def with_coverers(users: Iterable[User], *, now: datetime | None = None) -> list[User]:
    """The users, plus whoever covers any of them now: a notification addressed to an absent
    person goes to both (one query)."""
    now = now or timezone.now()
    users = list(users)
    ids = {user.pk for user in users}
    coverers = User.objects.filter(
        is_active=True,
        pk__in=active_covers_of(ids, now=now).values("user_id"),
    ).exclude(pk__in=ids)
    return [*users, *coverers]


def covered_user_ids(user: User, *, now: datetime | None = None) -> list[int]:
    """The people the user covers now, any role (their work is listed for the user)."""
    now = now or timezone.now()
    return sorted({cover.covered_user_id for cover in user.active_covers(now)})


def covers_list(*, now: datetime) -> QuerySet[RoleCover]:
    """Current and coming covers first, then the past ones (for the cover page)."""
    return RoleCover.objects.select_related(
        "user", "covered_user", "approved_by", "ended_early_by"
    ).order_by("-ends_at", "-pk")

"""Restricting a case to named users, breaking glass, restricting a person's processing, and
linking the sweep's new logs to restricted cases (docs/information-management-access.md).

Every change is recorded in the access audit (a `change` by its author) and kept in history;
alerts go through the outbox, so they commit with the change and survive a Redis outage.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from datetime import datetime, timedelta

import pghistory
from django.conf import settings
from django.db import models, transaction
from django.db.models import F
from django.urls import reverse

from cases.models import (
    BreakGlassAccess,
    Case,
    CaseLog,
    CaseParty,
    CaseRestriction,
    PartyRole,
    Person,
    PersonRestriction,
)
from cases.services.errors import CaseError
from foundation.accounts.cover import with_coverers
from foundation.accounts.models import Role, User
from foundation.audit.access import object_type_of
from foundation.audit.models import AccessRecord
from foundation.audit.services import record_access
from foundation.lib.mail import send_templated
from foundation.outbox.services import enqueue, outbox_handler

MIN_REASON = 10


def _reason(reason: str) -> str:
    reason = reason.strip()
    if len(reason) < MIN_REASON:
        raise CaseError(f"Give a reason of at least {MIN_REASON} characters.")
    return reason


def _record_change(
    *, by: User, obj: object, model: type[models.Model], need: str, reason: str = ""
) -> None:
    record_access(
        user=by,
        action=AccessRecord.Action.CONSULT,
        object_type=object_type_of(model),
        object_id=obj,
        need=need,
        justification=reason,
    )


# --- Restricted cases -----------------------------------------------------------------------


@transaction.atomic
def restrict_case(*, case: Case, members: Iterable[User], reason: str, by: User) -> CaseRestriction:
    """Restrict the case to `members` (the author always among them), or change who they are.

    Raises CaseError without a reason or without another named user.
    """
    reason = _reason(reason)
    named = {user.pk for user in members if user.is_active} | {by.pk}
    with pghistory.context(restricted_by=by.pk):
        restriction, _ = CaseRestriction.objects.update_or_create(
            case=case, defaults={"reason": reason, "restricted_by": by}
        )
        restriction.members.set(sorted(named))
    _record_change(by=by, obj=case.pk, model=Case, need="restrict", reason=reason)
    return restriction


@transaction.atomic
def lift_case_restriction(*, case: Case, by: User) -> bool:
    """Lift the restriction (history keeps it). Returns False if the case was not restricted."""
    with pghistory.context(lifted_by=by.pk):
        deleted, _ = CaseRestriction.objects.filter(case=case).delete()
    if deleted:
        _record_change(by=by, obj=case.pk, model=Case, need="lift_restriction")
    return bool(deleted)


def restriction_of(case: Case) -> CaseRestriction | None:
    return (
        CaseRestriction.objects.filter(case=case)
        .select_related("restricted_by")
        .prefetch_related("members")
        .first()
    )


# --- Break-glass ----------------------------------------------------------------------------


@transaction.atomic
def break_glass(*, case: Case, by: User, reason: str, now: datetime) -> BreakGlassAccess:
    """Open the case to `by` for HUB_BREAK_GLASS_HOURS, with their reason; alert the tactical
    lead and the auditors at once (outbox). The caller checked `can_break_glass`.

    Raises CaseError without a reason.
    """
    reason = _reason(reason)
    access = BreakGlassAccess.objects.create(
        case=case,
        user=by,
        reason=reason,
        started_at=now,
        expires_at=now + timedelta(hours=settings.HUB_BREAK_GLASS_HOURS),
    )
    _record_change(by=by, obj=case.pk, model=Case, need="break_glass", reason=reason)
    enqueue(send_break_glass_alert, access_id=access.pk)
    return access


def break_glass_path() -> str:
    return reverse("cases:break_glass_list")


@outbox_handler("cases.send_break_glass_alert")
def send_break_glass_alert(*, access_id: int) -> None:
    """E-mail the tactical lead(s) and the auditors: who, which case, until when; no names of
    the case's people, no reason (it stays behind the sign-in)."""
    access = BreakGlassAccess.objects.filter(pk=access_id).select_related("case", "user").first()
    if access is None:
        return
    leads = User.objects.filter(is_active=True, roles__contains=[Role.TACTICAL_LEAD])
    auditors = User.objects.filter(is_active=True, roles__contains=[Role.AUDITOR])
    people = with_coverers(list(leads.order_by("pk"))) + list(auditors.order_by("pk"))
    context = {"access": access, "path": break_glass_path()}
    send_templated(
        "break_glass", context, (user.email for user in people if user.pk != access.user_id)
    )


# --- Restricted persons ---------------------------------------------------------------------


@transaction.atomic
def restrict_person(*, person: Person, reason: str, by: User) -> PersonRestriction:
    """DPA 2018 s.47: restrict processing of the person's data. Raises CaseError without a
    reason."""
    reason = _reason(reason)
    with pghistory.context(restricted_by=by.pk):
        restriction, _ = PersonRestriction.objects.update_or_create(
            person=person, defaults={"reason": reason, "restricted_by": by}
        )
    _record_change(by=by, obj=person.pk, model=Person, need="restrict", reason=reason)
    return restriction


@transaction.atomic
def lift_person_restriction(*, person: Person, by: User) -> bool:
    with pghistory.context(lifted_by=by.pk):
        deleted, _ = PersonRestriction.objects.filter(person=person).delete()
    if deleted:
        _record_change(by=by, obj=person.pk, model=Person, need="lift_restriction")
    return bool(deleted)


# --- The log sweep and restricted cases -----------------------------------------------------


def link_logs_to_restricted_cases(*, log_ids: Collection[int], now: datetime) -> None:
    """The `cases.hooks` handler: a new or changed log naming a victim or suspect of an open
    restricted case (in the same role) joins that case, and only its named users are told.

    Set-based: three queries and one insert whatever the number of logs, plus one outbox
    row per restricted case that gained logs.
    """
    if not log_ids or not CaseRestriction.objects.exists():
        return
    matches = set(
        CaseParty.objects.filter(
            case__restriction__isnull=False,
            case__status=Case.Status.OPEN,
            role__in=(PartyRole.VICTIM, PartyRole.SUSPECT),
            # One filter() call: both conditions on the same log party (a second call would
            # join the party table again and match the role on any other log of the person).
            person__log_parties__log_id__in=list(log_ids),
            person__log_parties__role=F("role"),
        ).values_list("case_id", "person__log_parties__log_id")
    )
    if not matches:
        return
    existing = set(
        CaseLog.objects.filter(
            case_id__in={case_id for case_id, _ in matches},
            log_id__in={log_id for _, log_id in matches},
        ).values_list("case_id", "log_id")
    )
    new = sorted(matches - existing)
    if not new:
        return
    authors = dict(
        CaseRestriction.objects.filter(case_id__in={c for c, _ in new}).values_list(
            "case_id", "restricted_by_id"
        )
    )
    CaseLog.objects.bulk_create(
        [CaseLog(case_id=c, log_id=log, added_by_id=authors[c]) for c, log in new],
        ignore_conflicts=True,
    )
    by_case: dict[int, list[int]] = defaultdict(list)
    for case_id, log_id in new:
        by_case[case_id].append(log_id)
    for case_id, ids in sorted(by_case.items()):
        enqueue(send_restricted_case_alert, case_id=case_id, log_ids=ids)


@outbox_handler("cases.send_restricted_case_alert")
def send_restricted_case_alert(*, case_id: int, log_ids: list[int]) -> None:
    """E-mail the restricted case's named users (only them): the case page, log ids only."""
    restriction = CaseRestriction.objects.filter(case_id=case_id).select_related("case").first()
    if restriction is None:
        return
    context = {
        "case": restriction.case,
        "path": restriction.case.get_absolute_url(),
        "log_ids": sorted(log_ids),
    }
    members = restriction.members.filter(is_active=True)
    send_templated("restricted_case_logs", context, (user.email for user in members))


def logs_on_restricted_cases(log_ids: Collection[int]) -> set[int]:
    """Which of these logs are linked to a restricted case (one query)."""
    return set(
        CaseLog.objects.filter(log_id__in=list(log_ids), case__restriction__isnull=False)
        .values_list("log_id", flat=True)
        .distinct()
    )

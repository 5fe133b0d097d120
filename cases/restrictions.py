"""Reads for restricted cases, break-glass and restricted persons: the auditor's and the
information manager's lists, scoped by the caller's permission check."""

from __future__ import annotations

from datetime import date, datetime

from django.db.models import QuerySet

from cases.models import BreakGlassAccess, CaseRestriction, Person, PersonRestriction
from cases.names import normalise_name
from cases.permissions import persons_for_information_manager
from foundation.accounts.models import User

MAX_FOUND = 50


def break_glass_accesses() -> QuerySet[BreakGlassAccess]:
    """Every break-glass access, newest first (the auditor's page; paginated by the view)."""
    return BreakGlassAccess.objects.select_related("case", "user").order_by("-started_at", "-pk")


def live_break_glass(user: User, case_id: int, *, now: datetime) -> BreakGlassAccess | None:
    return (
        BreakGlassAccess.objects.filter(user=user, case_id=case_id, expires_at__gt=now)
        .order_by("-expires_at")
        .first()
    )


def case_restriction(case_id: int) -> CaseRestriction | None:
    """The case's restriction with its named users (two queries), or None."""
    return (
        CaseRestriction.objects.filter(case_id=case_id)
        .select_related("restricted_by")
        .prefetch_related("members")
        .first()
    )


def restricted_people(user: User) -> QuerySet[PersonRestriction]:
    """The current restrictions of processing, for the information manager."""
    return (
        PersonRestriction.objects.filter(person__in=persons_for_information_manager(user))
        .select_related("person", "restricted_by")
        .order_by("-restricted_at", "-pk")
    )


def find_people(user: User, *, name: str, date_of_birth: date | None) -> list[Person]:
    """People whose name contains the typed one (normalised), at most MAX_FOUND."""
    people = persons_for_information_manager(user).filter(
        name_normalised__contains=normalise_name(name)
    )
    if date_of_birth is not None:
        people = people.filter(date_of_birth=date_of_birth)
    return list(people.select_related("restriction").order_by("name", "pk")[:MAX_FOUND])

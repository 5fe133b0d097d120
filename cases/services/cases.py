"""Opening, changing and closing cases."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import connection, transaction
from django.db.models import IntegerField, Max
from django.db.models.functions import Cast, Substr
from django.utils import timezone

from cases.models import (
    Case,
    CaseLog,
    CaseParty,
    CrimeLog,
    LogParty,
    PartyRole,
    Person,
    Relationship,
)
from cases.permissions import can_manage_case
from cases.services.errors import CaseError
from foundation.accounts.models import User


@dataclass(frozen=True)
class NewCaseData:
    """What the reviewer says about the case a confirmed log opens."""

    relationship: str
    summary: str
    # None: the reviewer owns the case.
    owner: User | None = None
    # None: the log's officer in charge, when they have an account here.
    officer_in_charge: User | None = None


# Key of the advisory lock that serialises case numbering (any constant unique to this use).
_CASE_REFERENCE_LOCK = 0x5348_0001


@transaction.atomic
def open_case(
    *,
    logs: Sequence[CrimeLog],
    relationship: str,
    summary: str,
    owner: User,
    officer_in_charge: User | None,
    by: User,
) -> Case:
    """Open a case on these logs, numbered SH-<year>-<sequence>. Raises CaseError."""
    if not can_manage_case(by):
        raise CaseError("Only the hub coordinator or tactical lead can open cases.")
    _check_case_fields(owner=owner, relationship=relationship)
    case = Case.objects.create(
        reference=_next_case_reference(year=timezone.localdate().year),
        relationship=relationship,
        summary=summary.strip(),
        owner=owner,
        officer_in_charge=officer_in_charge,
    )
    for log in logs:
        add_log_to_case(case=case, log=log, by=by)
    return case


@transaction.atomic
def add_log_to_case(*, case: Case, log: CrimeLog, by: User) -> CaseLog:
    """Link a log to an open case, with its victims and suspects and any other force area.

    Idempotent: adding a log twice links it once. Raises CaseError if the case is closed.
    """
    if case.status != Case.Status.OPEN:
        raise CaseError(f"Case {case.reference} is closed; logs join open cases only.")
    case_log, _ = CaseLog.objects.get_or_create(case=case, log=log, defaults={"added_by": by})
    parties = list(LogParty.objects.filter(log=log).only("role", "area", "person_id"))
    people = {
        (_current_person_id(party.person_id), party.role)
        for party in parties
        if party.person_id is not None and party.role in (PartyRole.VICTIM, PartyRole.SUSPECT)
    }
    CaseParty.objects.bulk_create(
        [CaseParty(case=case, person_id=person_id, role=role) for person_id, role in people],
        ignore_conflicts=True,
    )
    forces = set(case.cross_border_forces) | cross_border_areas(
        [log.area, *(party.area for party in parties)]
    )
    if forces != set(case.cross_border_forces):
        case.cross_border_forces = sorted(forces)
        case.save(update_fields=["cross_border_forces"])
    return case_log


def relationship_from_log(text: str) -> str:
    """Best guess at the case relationship from the log's own wording ("ex-partner")."""
    words = text.strip().lower().replace("-", "_").split()
    # "ex-partner" → ex_partner; "online contact", "family member" → online, family.
    for key in ("_".join(words), *words[:1]):
        if key in Relationship.values:
            return key
    return Relationship.UNKNOWN


def cross_border_areas(areas: Iterable[str]) -> set[str]:
    """The areas outside the force's own (HUB_HOME_AREAS), upper-cased."""
    home = {area.upper() for area in settings.HUB_HOME_AREAS}
    cleaned = {area.strip().upper() for area in areas}
    return {area for area in cleaned if area and area not in home}


def _current_person_id(person_id: int) -> int:
    """Follow merges: a party linked to a merged-away person belongs to the person kept."""
    seen = {person_id}
    while True:
        merged_into = Person.objects.filter(pk=person_id).values_list("merged_into_id", flat=True)
        target = merged_into.first()
        if target is None or target in seen:
            return person_id
        seen.add(target)
        person_id = target


@transaction.atomic
def update_case(
    *,
    case: Case,
    owner: User,
    officer_in_charge: User | None,
    relationship: str,
    summary: str,
    by: User,
) -> Case:
    """Change who runs a case and what it is about. Raises CaseError."""
    if not can_manage_case(by):
        raise CaseError("Only the hub coordinator or tactical lead can change cases.")
    _check_case_fields(owner=owner, relationship=relationship)
    case.owner = owner
    case.officer_in_charge = officer_in_charge
    case.relationship = relationship
    case.summary = summary.strip()
    case.save(update_fields=["owner", "officer_in_charge", "relationship", "summary"])
    return case


@transaction.atomic
def close_case(*, case: Case, closure_reason: str, outcome_notes: str, by: User) -> Case:
    """Close a case with the reason and what came of it. Raises CaseError."""
    if not can_manage_case(by):
        raise CaseError("Only the hub coordinator or tactical lead can close cases.")
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if locked.status == Case.Status.CLOSED:
        raise CaseError(f"Case {case.reference} is already closed.")
    if closure_reason not in Case.ClosureReason.values:
        raise CaseError("Choose why the case is closing.")
    if not outcome_notes.strip():
        raise CaseError("Say what came of the case.")
    case.status = Case.Status.CLOSED
    case.closed_at = timezone.now()
    case.closure_reason = closure_reason
    case.outcome_notes = outcome_notes.strip()
    case.save(update_fields=["status", "closed_at", "closure_reason", "outcome_notes"])
    return case


def _check_case_fields(*, owner: User, relationship: str) -> None:
    if not can_manage_case(owner):
        raise CaseError("A case is owned by the hub coordinator or the tactical lead.")
    if relationship not in Relationship.values:
        raise CaseError("Choose the relationship between victim and suspect.")


def _next_case_reference(*, year: int) -> str:
    """SH-<year>-<5-digit sequence>, gap-free within a year and safe under concurrency.

    A transaction-scoped advisory lock serialises numbering: a second opener waits until the
    first commits, then reads its number. (A Postgres sequence would not restart each year.)
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_CASE_REFERENCE_LOCK, year])
    prefix = f"SH-{year}-"
    last = Case.objects.filter(reference__regex=rf"^SH-{year}-[0-9]+$").aggregate(
        n=Max(Cast(Substr("reference", len(prefix) + 1), IntegerField()))
    )["n"]
    return f"{prefix}{(last or 0) + 1:05d}"


def set_current_risk(*, case: Case, level: str, at: datetime) -> Case:
    """Record the case's current risk (the latest assessment's final level), for the risk app.

    The caller holds the case's row lock inside its own transaction.
    """
    case.current_risk = level
    case.current_risk_at = at
    case.save(update_fields=["current_risk", "current_risk_at"])
    return case

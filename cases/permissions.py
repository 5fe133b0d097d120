"""Who may see which case or crime log. Every view, export and bulk action goes through here."""

from __future__ import annotations

from collections.abc import Collection

from django.db.models import Q, QuerySet
from django.http import Http404

from cases.models import Case, CrimeLog
from foundation.accounts.models import Role, User
from foundation.audit.access import fetch_for_user
from foundation.audit.models import AccessRecord
from foundation.audit.services import record_access

# Hub roles see every case; other agencies only what is shared with them, while it is shared.
HUB_CASE_ROLES = (Role.COORDINATOR, Role.TACTICAL_LEAD, Role.SOLICITOR)
SHARED_CASE_ROLES = (Role.ISAC, Role.PARTNER)
LOG_REVIEW_ROLES = (Role.COORDINATOR, Role.TACTICAL_LEAD)


def cases_visible_to(user: User) -> QuerySet[Case]:
    """The one scoping function for cases (DESIGN.md §4)."""
    if not user.is_active:
        return Case.objects.none()
    if user.has_role(*HUB_CASE_ROLES):
        return Case.objects.all()
    if user.has_role(*SHARED_CASE_ROLES) and user.agency_id:
        return Case.objects.filter(
            shares__agency_id=user.agency_id, shares__ended_at__isnull=True
        ).distinct()
    return Case.objects.none()


def can_review_logs(user: User) -> bool:
    return user.is_active and user.has_role(*LOG_REVIEW_ROLES)


def can_manage_case(user: User) -> bool:
    """Open, edit and close cases: the hub's own staff."""
    return user.is_active and user.has_role(Role.COORDINATOR, Role.TACTICAL_LEAD)


def logs_visible_to(user: User) -> QuerySet[CrimeLog]:
    """Full crime logs: reviewers see all; the solicitor sees the logs of visible cases."""
    if not user.is_active:
        return CrimeLog.objects.none()
    if can_review_logs(user):
        return CrimeLog.objects.all()
    if user.has_role(Role.SOLICITOR):
        return CrimeLog.objects.filter(cases__in=cases_visible_to(user)).distinct()
    return CrimeLog.objects.none()


def own_logs_for_officer(user: User) -> QuerySet[CrimeLog]:
    """The logs an officer is in charge of (by e-mail or collar number): feedback only."""
    if not user.is_active or not user.has_role(Role.OFFICER, Role.CHAMPION):
        return CrimeLog.objects.none()
    match = Q(officer__iexact=user.email)
    if user.collar_number:
        match |= Q(officer__iexact=user.collar_number)
    return CrimeLog.objects.filter(match)


def get_case_for_user(
    user: User, case_id: object, *, for_write: bool = False, justification: str = ""
) -> Case:
    """The case if the user may see it (and change it, with for_write); else Http404.

    Records the access (or the denied attempt). Raises AuditUnavailable if it cannot.
    """
    visible = cases_visible_to(user)
    if for_write and not can_manage_case(user):
        visible = Case.objects.none()
    return fetch_for_user(
        visible.select_related("owner", "officer_in_charge"),
        case_id,
        user=user,
        object_type="case",
        justification=justification,
    )


def get_log_for_user(user: User, log_id: object, *, justification: str = "") -> CrimeLog:
    """A crime log with its narrative and parties, for those who may read it; else Http404."""
    return fetch_for_user(
        logs_visible_to(user),
        log_id,
        user=user,
        object_type="crime_log",
        justification=justification,
    )


def get_log_disclosure_for_user(user: User, log_id: object) -> CrimeLog:
    """Record a disclosure (export, e-mail) of a log; else Http404."""
    return fetch_for_user(
        logs_visible_to(user),
        log_id,
        user=user,
        object_type="crime_log",
        action=AccessRecord.Action.DISCLOSE,
    )


def get_logs_for_user(user: User, log_ids: Collection[int]) -> list[CrimeLog]:
    """Several logs for a bulk action: all of them, or Http404 if any is out of scope.

    Same rule as `get_log_for_user`, one query for the lot; each allowed log and each denied
    id gets its own access record, written before the 404 so a probe is on record too.
    """
    wanted = set(log_ids)
    if not wanted:
        raise Http404
    logs = list(logs_visible_to(user).filter(pk__in=wanted).defer("narrative"))
    found = {log.pk for log in logs}
    for log_id in sorted(wanted - found):
        record_access(
            user=user,
            action=AccessRecord.Action.CONSULT,
            object_type="crime_log",
            object_id=log_id,
            outcome=AccessRecord.Outcome.DENIED,
        )
    if found != wanted:
        raise Http404
    for log in logs:
        record_access(
            user=user, action=AccessRecord.Action.CONSULT, object_type="crime_log", object_id=log.pk
        )
    return sorted(logs, key=lambda log: log.pk)


def get_log_feedback_for_user(user: User, log_id: object) -> CrimeLog:
    """One of the officer's own reviewed logs, for its feedback only; else Http404.

    Officers get the hub's outcome and advice, never a log they are not in charge of.
    """
    return fetch_for_user(
        own_logs_for_officer(user)
        .filter(review__isnull=False)
        .only("pk", "reference", "recorded_at", "offence_code", "offence", "area", "officer"),
        log_id,
        user=user,
        object_type="crime_log_feedback",
    )

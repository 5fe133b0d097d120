"""Who may open which case, crime log, person and feed import: the case file's doors.

One single-object door per sensitive model (`get_<thing>_for_user(user, pk, *, need=…)`), at
most one bulk door, and one scoped selector each for the lists. The doors record every
attempt, allowed or denied (foundation/audit/access.py). Role groups come from
`foundation.accounts.roles`; what another agency sees is what its live shares' facets open.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from enum import StrEnum

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from cases.models import Case, CaseShare, CrimeLog, Facet, FeedImport, LogParty, Person
from foundation.accounts.models import Role, User
from foundation.accounts.roles import is_hub_manager, is_hub_staff, is_receiving_user
from foundation.audit.access import Need, open_door, open_doors, register_sensitive

for _model in (Case, CrimeLog, Person, FeedImport):
    register_sensitive(_model)


class CaseNeed(StrEnum):
    READ = Need.READ
    CHANGE = Need.CHANGE
    # Record a risk assessment on the case (risk decides who may: `permitted`).
    ASSESS_RISK = "assess_risk"


class LogNeed(StrEnum):
    READ = Need.READ
    DISCLOSE = Need.DISCLOSE
    # Decide the log (review, bulk review): the hub's managers.
    REVIEW = "review"
    # The officer in charge reads the hub's outcome and advice on their own reviewed log.
    FEEDBACK = "feedback"


class PersonNeed(StrEnum):
    READ = Need.READ
    MERGE = "merge"


# --- Shares and facets ----------------------------------------------------------------------


def live_share_q(now: datetime | None = None, prefix: str = "") -> Q:
    """Shares not ended and, for a share with a set end, not past it."""
    now = now or timezone.now()
    return Q(**{f"{prefix}ended_at__isnull": True}) & (
        Q(**{f"{prefix}ends_at__isnull": True}) | Q(**{f"{prefix}ends_at__gt": now})
    )


def live_shares_for(user: User, *, now: datetime | None = None) -> QuerySet[CaseShare]:
    """The live shares that open cases to the user's agency (none for the hub's own staff)."""
    if not is_receiving_user(user):
        return CaseShare.objects.none()
    return CaseShare.objects.filter(live_share_q(now), agency=user.agency)


def facets_for(user: User, case: Case, *, now: datetime | None = None) -> frozenset[Facet]:
    """What the user may see of this case: every facet for the hub's staff; for another
    agency's users the union of its live shares' facets (plus the case's existence)."""
    if is_hub_staff(user):
        return frozenset(Facet)
    shares = list(live_shares_for(user, now=now).filter(case=case).values_list("facets", flat=True))
    if not shares:
        return frozenset()
    # A live share always opens the case's existence; the rest is the union of its facets.
    return frozenset(Facet(facet) for facets in shares for facet in facets) | {Facet.EXISTENCE}


def cases_with_facet(user: User, facet: Facet, *, now: datetime | None = None) -> QuerySet[Case]:
    """Cases of which the user may see `facet` (every case for the hub's staff)."""
    if is_hub_staff(user):
        return Case.objects.all()
    if facet == Facet.EXISTENCE:
        return cases_visible_to(user)
    return Case.objects.filter(
        Exists(live_shares_for(user, now=now).filter(case=OuterRef("pk"), facets__contains=[facet]))
    )


# --- Cases ----------------------------------------------------------------------------------


def cases_visible_to(user: User) -> QuerySet[Case]:
    """The one scoping function for cases (DESIGN.md §4): all for the hub's staff; for an ISAC
    or partner user, the cases a live share opens to their agency; none for anyone else."""
    if is_hub_staff(user):
        return Case.objects.all()
    if is_receiving_user(user):
        return Case.objects.filter(Exists(live_shares_for(user).filter(case=OuterRef("pk"))))
    return Case.objects.none()


def can_list_cases(user: User) -> bool:
    return is_hub_staff(user) or is_receiving_user(user)


def can_manage_case(user: User) -> bool:
    """Open, edit and close cases: the hub's managers."""
    return is_hub_manager(user)


def get_case_for_user(
    user: User,
    case_id: object,
    *,
    need: CaseNeed | Facet = CaseNeed.READ,
    permitted: bool = True,
    justification: str = "",
) -> Case:
    """The case, if the user may have it for `need`; else Http404. Records the attempt.

    READ: any case the user sees. CHANGE: the hub's managers. A facet: a case whose facet the
    user may see. ASSESS_RISK: the caller's rule, given as `permitted`. Raises
    AuditUnavailable if the access record cannot be written.
    """
    visible = cases_with_facet(user, need) if isinstance(need, Facet) else cases_visible_to(user)
    if need == CaseNeed.CHANGE:
        permitted = permitted and can_manage_case(user)
    return open_door(
        visible.select_related("owner", "officer_in_charge"),
        case_id,
        user=user,
        need=need,
        permitted=permitted,
        justification=justification,
    )


# --- Crime logs -----------------------------------------------------------------------------


def can_review_logs(user: User) -> bool:
    return is_hub_manager(user)


def logs_visible_to(user: User) -> QuerySet[CrimeLog]:
    """Full crime logs: reviewers see all; the solicitor sees the logs of visible cases."""
    if can_review_logs(user):
        return CrimeLog.objects.all()
    if is_hub_staff(user):
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


_FEEDBACK_FIELDS = ("pk", "reference", "recorded_at", "offence_code", "offence", "area", "officer")


def _logs_for_need(user: User, need: LogNeed) -> QuerySet[CrimeLog]:
    if need == LogNeed.FEEDBACK:
        return own_logs_for_officer(user).filter(review__isnull=False).only(*_FEEDBACK_FIELDS)
    if need == LogNeed.REVIEW:
        return CrimeLog.objects.all() if can_review_logs(user) else CrimeLog.objects.none()
    return logs_visible_to(user)


def get_log_for_user(
    user: User, log_id: object, *, need: LogNeed = LogNeed.READ, justification: str = ""
) -> CrimeLog:
    """A crime log for `need`; else Http404. Records the attempt (a disclosure for DISCLOSE).

    READ/DISCLOSE: reviewers, and the solicitor for logs on cases. REVIEW: reviewers.
    FEEDBACK: the officer in charge, on a reviewed log, with its outline only.
    """
    return open_door(
        _logs_for_need(user, need), log_id, user=user, need=need, justification=justification
    )


def get_logs_for_user(
    user: User, log_ids: Collection[object], *, need: LogNeed = LogNeed.REVIEW
) -> list[CrimeLog]:
    """Several logs for a bulk action: all of them, or Http404 if any is refused (each one
    recorded, allowed or denied)."""
    return open_doors(_logs_for_need(user, need).defer("narrative"), log_ids, user=user, need=need)


# --- People ---------------------------------------------------------------------------------


def _persons_visible_to(user: User) -> QuerySet[Person]:
    on_visible_log = LogParty.objects.filter(person=OuterRef("pk"), log__in=logs_visible_to(user))
    return Person.objects.filter(Exists(on_visible_log))


def get_person_for_user(user: User, person_id: object, *, need: PersonNeed) -> Person:
    """A person named on a log the user may open (MERGE: reviewers only); else Http404."""
    return open_door(
        _persons_visible_to(user),
        person_id,
        user=user,
        need=need,
        permitted=need != PersonNeed.MERGE or can_review_logs(user),
    )


def get_persons_for_user(
    user: User, person_ids: Collection[object], *, need: PersonNeed = PersonNeed.MERGE
) -> dict[object, Person]:
    """The bulk door for people (a merge's two records): all of them by id as asked, or
    Http404 if any is refused or malformed (each one recorded, allowed or denied). MERGE:
    reviewers only."""
    people = open_doors(
        _persons_visible_to(user),
        person_ids,
        user=user,
        need=need,
        permitted=need != PersonNeed.MERGE or can_review_logs(user),
    )
    return {person.pk: person for person in people}


# --- Feed imports ---------------------------------------------------------------------------


def feed_imports_visible_to(user: User) -> QuerySet[FeedImport]:
    return FeedImport.objects.all() if can_review_logs(user) else FeedImport.objects.none()


def get_feed_import_for_user(
    user: User, import_id: object, *, need: Need = Need.READ
) -> FeedImport:
    """A feed import (its counts and per-row errors) for the log reviewers; else Http404."""
    return open_door(
        feed_imports_visible_to(user).select_related("started_by"),
        import_id,
        user=user,
        need=need,
    )

"""Who may open which case, crime log, person and feed import: the case file's doors.

One single-object door per sensitive model (`get_<thing>_for_user(user, pk, *, need=…)`), at
most one bulk door, and one scoped selector each for the lists. The doors record every
attempt, allowed or denied (foundation/audit/access.py). Role groups come from
`foundation.accounts.roles`; what another agency sees is what its live shares' facets open.
"""

from __future__ import annotations

from collections.abc import Collection
from contextvars import ContextVar
from datetime import datetime
from enum import StrEnum
from typing import Any

from django.db import models
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from cases.models import (
    BreakGlassAccess,
    Case,
    CaseLog,
    CaseParty,
    CaseRestriction,
    CaseShare,
    CrimeLog,
    Facet,
    FeedImport,
    LogParty,
    Person,
    PersonRestriction,
    RiskLevel,
)
from foundation.accounts.models import Role, User
from foundation.accounts.roles import (
    is_hub_manager,
    is_hub_staff,
    is_information_manager,
    is_receiving_user,
    is_tactical_lead,
)
from foundation.audit.access import (
    Need,
    open_door,
    open_doors,
    register_scope_rule,
    register_sensitive,
)
from foundation.audit.context import current_request_id

for _model in (Case, CrimeLog, Person, FeedImport, CaseRestriction, BreakGlassAccess):
    register_sensitive(_model)


class CaseNeed(StrEnum):
    READ = Need.READ
    CHANGE = Need.CHANGE
    # Record a risk assessment on the case (risk decides who may: `permitted`).
    ASSESS_RISK = "assess_risk"
    # Restrict the case to named users, or lift it: the tactical lead.
    RESTRICT = "restrict"
    # Open a restricted case one may not otherwise open, with a reason: the hub's staff.
    BREAK_GLASS = "break_glass"


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
    # Restrict or lift the restriction of processing: the information manager.
    RESTRICT = "restrict"


# --- Restrictions: restricted cases, break-glass, restricted persons -------------------------

# Needs a break-glass access never opens: ISAC casework (another data controller) and the
# solicitor's privileged legal notes (docs/information-management-access.md).
NO_BREAK_GLASS_NEEDS = frozenset({"casework", "casework_write", "privileged"})

# The path from each registered model to its case ("case", "file__case"...): every door of
# those models hides the records of cases the user may not open (register_case_path).
_CASE_PATHS: dict[str, str] = {}


def register_case_path(model: type[models.Model], path: str) -> None:
    """Declare the lookup from a case-scoped model to its case: its door then hides the
    records of restricted cases (and of cases naming a restricted person)."""
    _CASE_PATHS[model._meta.label_lower] = path


def hidden_case_q(user: User, *, now: datetime | None = None, break_glass: bool = True) -> Q:
    """On Case: the cases the user may not open whatever their role or shares.

    A restricted case the user is not named on (unless a live break-glass access of theirs
    opens it), and a case naming a restricted person — which the hub's staff keep while it is
    open and high risk, with that person's details withheld. One subquery: no extra query.
    """
    return hidden_case_ids_q(user, "pk", now=now, break_glass=break_glass)


def hidden_case_ids_q(
    user: User, path: str, *, now: datetime | None = None, break_glass: bool = True
) -> Q:
    """On any model with a path to its case: its case is one `hidden_case_q` hides.

    Each part is a list of case ids read from the small restriction tables alone, so the
    planner hashes it once and filters by id: a correlated EXISTS per case, OR-ed with the
    case's own columns, made every case list and review-queue page read all 100k case rows
    (bench/README.md)."""
    return Q(
        *(Q(**{f"{path}__in": ids}) for ids in hidden_case_id_lists(user, now, break_glass)),
        _connector=Q.OR,
    )


# The two lists' SQL as compiled for the current request (its id, then by user, role and
# break-glass): see hidden_case_id_lists.
_compiled_lists: ContextVar[tuple[str, dict[tuple[int, bool, bool], tuple[RawSQL, RawSQL]]]] = (
    ContextVar("hidden_case_id_lists", default=("", {}))
)


def hidden_case_id_lists(
    user: User, now: datetime | None = None, break_glass: bool = True
) -> tuple[QuerySet[Any] | RawSQL, QuerySet[Any] | RawSQL]:
    """The two lists of case ids `hidden_case_ids_q` hides (restricted cases the user is not
    named on; cases naming a restricted person), each a subquery on the small restriction
    tables.

    In a request, each is compiled to SQL once and reused by every scoped query of the page:
    the same subquery, read by the database afresh each time (so a restriction or a
    break-glass access written earlier in the request counts), without the ORM building and
    compiling it again for each query (1.7 ms of CPU per query, a dozen times on a case page:
    bench/README.md). Outside a request, or for a given `now`, they are built each time."""
    hub_staff = is_hub_staff(user)  # asked every time: a role check records the cover used
    request_id = current_request_id.get()
    if not request_id or now is not None:
        return _hidden_case_id_querysets(
            user, timezone.now() if now is None else now, break_glass, hub_staff=hub_staff
        )
    compiled_for, compiled = _compiled_lists.get()
    if compiled_for != request_id:
        compiled = {}
        _compiled_lists.set((request_id, compiled))
    key = (user.pk, hub_staff, break_glass)
    if key not in compiled:
        restricted, names_restricted = _hidden_case_id_querysets(
            user, timezone.now(), break_glass, hub_staff=hub_staff
        )
        # The ORM's own SQL and parameters, compiled from the querysets above: nothing typed.
        compiled[key] = (
            RawSQL(*restricted.query.sql_with_params()),  # noqa: S611
            RawSQL(*names_restricted.query.sql_with_params()),  # noqa: S611
        )
    return compiled[key]


def _hidden_case_id_querysets(
    user: User, now: datetime, break_glass: bool, *, hub_staff: bool
) -> tuple[QuerySet[Any], QuerySet[Any]]:
    restricted = CaseRestriction.objects.exclude(members=user)
    if break_glass:
        restricted = restricted.exclude(
            case__in=BreakGlassAccess.objects.filter(user=user, expires_at__gt=now).values(
                "case_id"
            )
        )
    names_restricted = CaseParty.objects.filter(
        person__in=PersonRestriction.objects.values("person_id")
    )
    if hub_staff:
        names_restricted = names_restricted.exclude(
            case__status=Case.Status.OPEN, case__current_risk=RiskLevel.HIGH
        )
    return restricted.values("case_id"), names_restricted.values("case_id")


def hidden_cases(user: User, *, break_glass: bool = True) -> QuerySet[Case]:
    return Case.objects.filter(hidden_case_q(user, break_glass=break_glass))


def _restriction_rule(visible: QuerySet[Any], user: User, need: str) -> QuerySet[Any]:
    """The scope rule every door applies (foundation.audit.access.register_scope_rule)."""
    path = _CASE_PATHS.get(visible.model._meta.label_lower)
    if path is None:
        return visible
    glass = need not in NO_BREAK_GLASS_NEEDS
    return visible.exclude(hidden_case_ids_q(user, path, break_glass=glass))


register_scope_rule(_restriction_rule)


def exclude_hidden_cases[M: models.Model](
    queryset: QuerySet[M], user: User, path: str = "case", *, break_glass: bool = True
) -> QuerySet[M]:
    """A list's scoped queryset without the records of cases the user may not open."""
    return queryset.exclude(hidden_case_ids_q(user, path, break_glass=break_glass))


def opened_by_break_glass(user: User, case_id: int) -> bool:
    """Whether the user, who has the case open, reaches it only by breaking glass (restricted
    and not named on it): the page then withholds what break-glass never opens. One query."""
    return CaseRestriction.objects.filter(case_id=case_id).exclude(members=user).exists()


def withheld_person_ids(case: Case) -> set[int]:
    """The case's parties whose processing is restricted: their details are withheld."""
    return set(
        PersonRestriction.objects.filter(person__case_parties__case=case).values_list(
            "person_id", flat=True
        )
    )


def can_restrict_case(user: User) -> bool:
    """The tactical lead (or whoever covers the role) restricts a case and names its users."""
    return is_tactical_lead(user)


def can_break_glass(user: User) -> bool:
    """The hub's staff may break glass on a case they cannot otherwise open."""
    return is_hub_staff(user)


def can_restrict_persons(user: User) -> bool:
    return is_information_manager(user)


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
    if is_hub_staff(user) or facet == Facet.EXISTENCE:
        return cases_visible_to(user)
    return Case.objects.filter(
        Exists(live_shares_for(user, now=now).filter(case=OuterRef("pk"), facets__contains=[facet]))
    ).exclude(hidden_case_q(user, now=now))


# --- Cases ----------------------------------------------------------------------------------


def cases_visible_to(user: User) -> QuerySet[Case]:
    """The one scoping function for cases (DESIGN.md §4): all for the hub's staff; for an ISAC
    or partner user, the cases a live share opens to their agency; none for anyone else.

    A restriction overrides all of it: see hidden_case_q.
    """
    if is_hub_staff(user):
        return Case.objects.exclude(hidden_case_q(user))
    if is_receiving_user(user):
        return Case.objects.filter(
            Exists(live_shares_for(user).filter(case=OuterRef("pk")))
        ).exclude(hidden_case_q(user))
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
    if need == CaseNeed.RESTRICT:
        permitted = permitted and can_restrict_case(user)
    return open_door(
        visible.select_related("owner", "officer_in_charge"),
        case_id,
        user=user,
        need=need,
        permitted=permitted,
        justification=justification,
    )


def get_case_for_break_glass(user: User, reference: str, *, justification: str) -> Case:
    """A restricted case the user is not named on, by its reference, for a member of the hub's
    staff breaking glass; else Http404. Records the attempt (need `break_glass`) with the
    reason. Never a case hidden for naming a restricted person: break-glass opens restricted
    cases only."""
    found = Case.objects.filter(reference__iexact=reference.strip()).values_list("pk", flat=True)
    visible = (
        Case.objects.filter(restriction__isnull=False)
        .exclude(restriction__members=user)
        .exclude(
            Exists(PersonRestriction.objects.filter(person__case_parties__case=OuterRef("pk")))
        )
    )
    return open_door(
        visible,
        next(iter(found), f"reference:{reference.strip()[:40]}"),
        user=user,
        need=CaseNeed.BREAK_GLASS,
        permitted=can_break_glass(user),
        justification=justification,
    )


# --- Crime logs -----------------------------------------------------------------------------


def can_review_logs(user: User) -> bool:
    return is_hub_manager(user)


def hide_restricted_logs(logs: QuerySet[CrimeLog], user: User) -> QuerySet[CrimeLog]:
    """Without the logs of cases the user may not open, and the logs naming a restricted
    person (two anti-joins in the same query)."""
    # Uncorrelated lists of log ids (normally empty), hashed once: a correlated NOT EXISTS
    # per log let the planner anti-join the whole party table on every queue page. One list
    # per kind of hidden case: the two OR-ed in one subquery made it scan every case-log link
    # (200,000 at 100k cases) on each queue query instead of looking the few cases up.
    for case_ids in hidden_case_id_lists(user):
        logs = logs.exclude(pk__in=CaseLog.objects.filter(case_id__in=case_ids).values("log_id"))
    naming_restricted = LogParty.objects.filter(
        person_id__in=PersonRestriction.objects.values("person_id")
    ).values("log_id")
    return logs.exclude(pk__in=naming_restricted)


def logs_visible_to(user: User) -> QuerySet[CrimeLog]:
    """Full crime logs: reviewers see all; the solicitor sees the logs of visible cases.
    Never a restricted one (`hide_restricted_logs`)."""
    if can_review_logs(user):
        return hide_restricted_logs(CrimeLog.objects.all(), user)
    if is_hub_staff(user):
        return hide_restricted_logs(
            CrimeLog.objects.filter(cases__in=cases_visible_to(user)).distinct(), user
        )
    return CrimeLog.objects.none()


def own_logs_for_officer(user: User) -> QuerySet[CrimeLog]:
    """The logs an officer is in charge of (by e-mail or collar number): feedback only."""
    if not user.is_active or not user.has_role(Role.OFFICER, Role.CHAMPION):
        return CrimeLog.objects.none()
    match = Q(officer__iexact=user.email)
    if user.collar_number:
        match |= Q(officer__iexact=user.collar_number)
    return hide_restricted_logs(CrimeLog.objects.filter(match), user)


_FEEDBACK_FIELDS = ("pk", "reference", "recorded_at", "offence_code", "offence", "area", "officer")


def _logs_for_need(user: User, need: LogNeed) -> QuerySet[CrimeLog]:
    if need == LogNeed.FEEDBACK:
        return own_logs_for_officer(user).filter(review__isnull=False).only(*_FEEDBACK_FIELDS)
    if need == LogNeed.REVIEW:
        return logs_visible_to(user) if can_review_logs(user) else CrimeLog.objects.none()
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
    """People on logs the user may open; never a restricted person."""
    on_visible_log = LogParty.objects.filter(person=OuterRef("pk"), log__in=logs_visible_to(user))
    return Person.objects.filter(Exists(on_visible_log), restriction__isnull=True)


def persons_for_information_manager(user: User) -> QuerySet[Person]:
    """Every person, restricted or not, for the information manager only."""
    if not can_restrict_persons(user):
        return Person.objects.none()
    return Person.objects.filter(merged_into__isnull=True)


def get_person_for_user(user: User, person_id: object, *, need: PersonNeed) -> Person:
    """A person named on a log the user may open (MERGE: reviewers only; RESTRICT: the
    information manager, restricted or not); else Http404."""
    if need == PersonNeed.RESTRICT:
        return open_door(
            persons_for_information_manager(user).select_related("restriction"),
            person_id,
            user=user,
            need=need,
        )
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

"""Reads for the review queue, the log review page, cases and officers' feedback.

Every read starts from a scoping function in `cases.permissions`; the joins a page needs
happen here, so each page runs a bounded number of queries whatever the data size.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import connection
from django.db.models import (
    Count,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from cases.models import (
    Case,
    CaseLog,
    CaseParty,
    CrimeLog,
    Facet,
    LogParty,
    LogReview,
    LogSignal,
    PartyRole,
    Person,
    SignalKind,
)
from cases.permissions import cases_visible_to, logs_visible_to, own_logs_for_officer
from cases.services.people import candidates_for
from cases.shared_reads import shared_read
from foundation.accounts.models import Role, User


def tagged_at_source_q(prefix: str = "") -> Q:
    """The one "tagged at source" rule: the force recorded the log as stalking (a stalking
    flag, or an offence code read as stalking), as the signal evaluation marks it. The
    dashboard's "tagged at source" figure and learning's recording gaps both use this."""
    return Q(**{f"{prefix}signal_kinds__contains": [SignalKind.TAGGED_STALKING]})


# What a queue row shows: never the narrative (it is read on the log's own, audited page).
QUEUE_FIELDS = (
    "id",
    "source",
    "reference",
    "recorded_at",
    "offence_code",
    "offence",
    "area",
    "officer",
    "signal_kinds",
    "is_high_risk",
    "review_state",
)


class QueueState:
    AWAITING = "awaiting"
    REVIEWED = "reviewed"
    ALL = "all"
    CHOICES = ((AWAITING, "Awaiting review"), (REVIEWED, "Reviewed"), (ALL, "All with signals"))


@dataclass(frozen=True)
class QueueFilter:
    state: str = QueueState.AWAITING
    signal: str = ""
    area: str = ""
    officer: str = ""
    date_from: date | None = None
    date_to: date | None = None
    high_risk_only: bool = False


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _queue_base(user: User, filters: QueueFilter) -> QuerySet[CrimeLog]:
    """Logs with signals in the user's scope, every filter applied except the signal kind."""
    logs = logs_visible_to(user).exclude(review_state=CrimeLog.ReviewState.NOT_FLAGGED)
    if filters.state == QueueState.AWAITING:
        logs = logs.filter(review_state=CrimeLog.ReviewState.AWAITING)
    elif filters.state == QueueState.REVIEWED:
        logs = logs.filter(review_state=CrimeLog.ReviewState.REVIEWED)
    if filters.area:
        logs = logs.filter(area__iexact=filters.area.strip())
    if filters.officer:
        logs = logs.filter(officer__iexact=filters.officer.strip())
    if filters.date_from:
        logs = logs.filter(recorded_at__gte=_start_of(filters.date_from))
    if filters.date_to:
        logs = logs.filter(recorded_at__lt=_start_of(filters.date_to + timedelta(days=1)))
    if filters.high_risk_only:
        logs = logs.filter(is_high_risk=True)
    return logs


def review_queue(user: User, filters: QueueFilter) -> QuerySet[CrimeLog]:
    """The queue, newest-highest first: high-risk logs on top, then by date recorded."""
    logs = _queue_base(user, filters)
    if filters.signal:
        logs = logs.filter(signal_kinds__contains=[filters.signal])
    # Matches crimelog_queue_idx (partial on review_state <> not_flagged).
    return logs.only(*QUEUE_FIELDS).order_by("-is_high_risk", "-recorded_at", "-id")


# The queue's counts stop at this many logs (docs/review-queue.md, "Speed"): counting every
# flagged log of a million-log force on each visit costs more than the page itself. Past it
# the page says "more than"; a later page raises the cap so its own next page is known.
QUEUE_COUNT_CAP = 1000


def queue_count_cap(page_number: int, page_size: int) -> int:
    return max(QUEUE_COUNT_CAP, (page_number + 1) * page_size)


@dataclass(frozen=True)
class CappedCount:
    """A count that stopped at `cap`: `value` is exact unless `capped` (then a lower bound)."""

    value: int
    capped: bool


def queue_count(logs: QuerySet[Any], *, cap: int) -> CappedCount:
    """How many rows a list shows (the queue's logs, the case list's cases), counting at most
    cap + 1 of them (one query)."""
    counted = logs.order_by().values("pk")[: cap + 1].count()
    return CappedCount(value=min(counted, cap), capped=counted > cap)


def queue_signal_counts(user: User, filters: QueueFilter, *, cap: int) -> dict[str, CappedCount]:
    """How many logs carry each signal kind under the current filters, in one GROUP BY over
    at most cap + 1 logs (when there are more, each count is a lower bound: `capped`).

    The signal-kind filter itself is left out, so each count says what choosing that kind
    would list.
    """
    sample = _queue_base(user, filters).order_by().values("signal_kinds")[: cap + 1]
    inner_sql, params = sample.query.sql_with_params()
    with connection.cursor() as cursor:
        # The inner query is Django's own, parameterised; only its text is wrapped here. The
        # empty kind added to every log counts the logs themselves (is the sample cut short?).
        cursor.execute(
            "SELECT kinds.kind, count(*) FROM ("  # noqa: S608
            f"{inner_sql}) AS sample CROSS JOIN LATERAL"
            " unnest(sample.signal_kinds || ARRAY['']::varchar[]) AS kinds(kind)"
            " GROUP BY kinds.kind",
            params,
        )
        counted: dict[str, int] = dict(cursor.fetchall())
    capped = counted.pop("", 0) > cap
    return {
        kind: CappedCount(value=count, capped=capped)
        for kind, count in (
            {kind: counted.get(kind, 0) for kind in SignalKind.values} | counted
        ).items()
    }


# Victims first, then suspects, then witnesses: the order a reviewer reads a log in.
_ROLE_ORDER: dict[str, int] = {PartyRole.VICTIM: 0, PartyRole.SUSPECT: 1, PartyRole.WITNESS: 2}


def parties_in_reading_order[P: (LogParty, CaseParty)](parties: Iterable[P]) -> list[P]:
    return sorted(parties, key=lambda party: (_ROLE_ORDER.get(party.role, 9), party.pk))


def log_for_review(log: CrimeLog) -> CrimeLog:
    """The log with its parties (and their linked persons) and signals, in two queries."""
    parties = LogParty.objects.select_related("person").order_by("role", "position")
    return (
        CrimeLog.objects.prefetch_related(
            Prefetch("parties", queryset=parties),
            Prefetch("signals", queryset=LogSignal.objects.order_by("-high_risk", "kind")),
        )
        .select_related("review__reviewed_by", "review__case", "review__duplicate_of")
        .get(pk=log.pk)
    )


@dataclass(frozen=True)
class PersonSuggestion:
    """A person record that may be the party on a log: for the reviewer to judge."""

    person_id: int
    name: str
    date_of_birth: date | None
    similarity_percent: int
    why: str


def person_suggestions(log: CrimeLog) -> dict[int, list[PersonSuggestion]]:
    """Up to 5 fuzzy person matches per named party, by party id (one lookup per party)."""
    found = {
        party.pk: candidates_for(
            name=party.name,
            date_of_birth=party.date_of_birth,
            limit=5,
            exclude_person_id=party.person_id,
        )
        for party in log.parties.all()
        if party.name.strip()
    }
    person_ids = {candidate.person_id for candidates in found.values() for candidate in candidates}
    if not person_ids:
        return {}
    people = Person.objects.only("name", "date_of_birth").in_bulk(person_ids)
    return {
        party_id: [
            PersonSuggestion(
                person_id=candidate.person_id,
                name=people[candidate.person_id].name,
                date_of_birth=people[candidate.person_id].date_of_birth,
                similarity_percent=round(candidate.similarity * 100),
                why=candidate.reason,
            )
            for candidate in candidates
            if candidate.person_id in people
        ]
        for party_id, candidates in found.items()
    }


def _pair_person_ids(log: CrimeLog) -> tuple[set[int], set[int]]:
    victims: set[int] = set()
    suspects: set[int] = set()
    for party in log.parties.all():
        if party.person_id is None:
            continue
        if party.role == PartyRole.VICTIM:
            victims.add(party.person_id)
        elif party.role == PartyRole.SUSPECT:
            suspects.add(party.person_id)
    return victims, suspects


def pair_logs(user: User, log: CrimeLog, *, limit: int = 50) -> list[CrimeLog]:
    """Other logs naming the same victim and the same suspect as this one (any offence)."""
    victims, suspects = _pair_person_ids(log)
    if not victims or not suspects:
        return []
    victim_logs = LogParty.objects.filter(role=PartyRole.VICTIM, person_id__in=victims)
    suspect_logs = LogParty.objects.filter(role=PartyRole.SUSPECT, person_id__in=suspects)
    return list(
        logs_visible_to(user)
        .filter(pk__in=victim_logs.values("log_id"))
        .filter(pk__in=suspect_logs.values("log_id"))
        .exclude(pk=log.pk)
        .select_related("review")
        .only(*QUEUE_FIELDS, "review__id", "review__outcome")
        .order_by("-recorded_at", "-id")[:limit]
    )


def open_cases_sharing_a_party(user: User, log: CrimeLog, *, limit: int = 20) -> list[Case]:
    """Open cases that already hold one of this log's people: where it most likely belongs."""
    person_ids = {party.person_id for party in log.parties.all() if party.person_id is not None}
    if not person_ids:
        return []
    return list(
        cases_visible_to(user)
        .filter(status=Case.Status.OPEN, parties__person_id__in=person_ids)
        .distinct()
        .only("id", "reference", "relationship", "opened_at")
        .order_by("-opened_at")[:limit]
    )


# --- Cases ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseFilter:
    status: str = Case.Status.OPEN
    owner: User | None = None
    mine: bool = False


def case_list(user: User, filters: CaseFilter) -> QuerySet[Case]:
    cases = cases_visible_to(user)
    if filters.status:
        cases = cases.filter(status=filters.status)
    if filters.owner is not None:
        cases = cases.filter(owner=filters.owner)
    # The log count is a correlated subquery, run for the page's rows only: a GROUP BY over
    # every case (the JOIN's count) took 1.5 s at 100,000 cases (bench/dashboard.py).
    log_count = (
        CaseLog.objects.filter(case_id=OuterRef("pk"))
        .order_by()
        .values("case_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        cases.select_related("owner", "officer_in_charge")
        .annotate(log_count=Coalesce(Subquery(log_count), 0))
        .order_by("-opened_at", "-id")
    )


def case_owners() -> QuerySet[User]:
    """Who may own a case: the hub's coordinators and tactical leads."""
    return User.objects.filter(
        is_active=True, roles__overlap=[Role.COORDINATOR, Role.TACTICAL_LEAD]
    ).order_by("full_name")


# Which facet opens the identity of a party in each role; a role not listed (a witness) is
# the hub's alone (docs/access.md, "Case shares and facets").
PARTY_FACETS: dict[str, Facet] = {
    PartyRole.VICTIM: Facet.VICTIM_IDENTITY,
    PartyRole.SUSPECT: Facet.SUSPECT_DETAILS,
}


def case_parties(case: Case, *, facets: Collection[str] | None = None) -> list[CaseParty]:
    """The case's people; with `facets` (what the user may see), only those whose role's facet
    is among them (every one for the hub's staff, who see every facet)."""
    parties = case.parties.select_related("person", "person__restriction").order_by(
        "role", "person__name", "person_id"
    )
    if facets is not None and not set(Facet) <= set(facets):
        parties = parties.filter(
            role__in=[role for role, facet in PARTY_FACETS.items() if facet in facets]
        )
    listed = list(parties)
    for party in listed:
        # DPA 2018 s.47: a restricted person's details are withheld on a case that stays
        # visible (live and high risk); the page says so instead (docs/access.md).
        party.withheld = hasattr(party.person, "restriction")  # type: ignore[attr-defined]
    return listed


def case_areas(case: Case) -> list[str]:
    """The areas of the case's logs (part of its existence: enough to decide on a referral)."""
    return sorted({area for area in case.logs.values_list("area", flat=True).distinct() if area})


def case_logs(case: Case) -> list[CaseLog]:
    """The case's logs with their reviews, newest first; one read for the whole case page
    (its table and its chronology: cases/shared_reads.py)."""
    return shared_read(
        ("cases.case_logs", case.pk),
        lambda: list(
            case.case_logs.select_related("log", "log__review", "added_by")
            .defer("log__narrative")
            .order_by("-log__recorded_at", "-id")
        ),
    )


def case_reviews(case: Case) -> list[LogReview]:
    return list(
        case.reviews.select_related("log", "reviewed_by")
        .defer("log__narrative")
        .order_by("-reviewed_at", "-id")
    )


# --- Officers' feedback -----------------------------------------------------------------------


def officer_feedback(user: User) -> QuerySet[LogReview]:
    """The hub's decisions on the officer's own logs: outcome, advice, case reference only."""
    return (
        LogReview.objects.filter(log__in=own_logs_for_officer(user).values("pk"))
        .select_related("log", "case")
        .only(
            "id",
            "outcome",
            "advice",
            "reviewed_at",
            "log__id",
            "log__reference",
            "log__recorded_at",
            "log__offence_code",
            "log__offence",
            "case__id",
            "case__reference",
        )
        .order_by("-reviewed_at", "-id")
    )


def feedback_for_log(log: CrimeLog) -> LogReview:
    return (
        LogReview.objects.select_related("case")
        .only("id", "outcome", "advice", "reviewed_at", "log_id", "case__id", "case__reference")
        .get(log=log)
    )


def log_id_by_reference(reference: str) -> int | None:
    """The id of the one log with this reference, whatever its source; None if unknown or
    ambiguous (for other apps: an advice request naming a log)."""
    if not reference:
        return None
    ids = list(
        CrimeLog.objects.filter(reference__iexact=reference).values_list("pk", flat=True)[:2]
    )
    return ids[0] if len(ids) == 1 else None


# --- The auditor's filter ---------------------------------------------------------------------


def audit_targets_for_reference(reference: str) -> list[tuple[str, str]]:
    """The case and the crime logs with this exact reference (any letter case), as the access
    audit names them: for the auditor's filter by reference (foundation/audit/references.py).

    Only these two kinds, by exact reference: nothing of the records themselves is returned.
    """
    targets = [
        ("cases.case", str(pk))
        for pk in Case.objects.filter(reference__iexact=reference).values_list("pk", flat=True)
    ]
    targets += [
        ("cases.crimelog", str(pk))
        for pk in CrimeLog.objects.filter(reference__iexact=reference).values_list("pk", flat=True)[
            :20
        ]
    ]
    return targets

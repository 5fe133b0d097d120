"""The case file's record types for information management (foundation/records/registry.py):
crime-log copies, cases and the reviews of logs on no case; and how a subject is found
(the person record and its merges). docs/information-management.md lists the rules."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date, datetime

from django.db import transaction
from django.db.models import Exists, OuterRef, ProtectedError, Q, QuerySet

from cases.models import Case, CaseLog, CaseParty, CrimeLog, LogParty, LogReview, Person
from cases.services.people import candidates_for
from foundation.records.history import delete_with_history
from foundation.records.registry import (
    PersonIndex,
    PersonMatch,
    RecordType,
    RuleDefault,
    SubjectEntry,
    register_person_index,
    register_record_type,
    years_before,
)

# --- Due for review -------------------------------------------------------------------------


def _confirmed() -> Q:
    return Q(review__outcome=LogReview.Outcome.CONFIRMED)


def expired_log_copies(now: datetime, years: int) -> QuerySet[CrimeLog]:
    """Copies on no case, not confirmed stalking, unchanged by the feed for `years` years."""
    return (
        CrimeLog.objects.filter(updated_at__lte=years_before(now, years))
        .exclude(Exists(CaseLog.objects.filter(log=OuterRef("pk"))))
        .exclude(_confirmed())
    )


def closed_cases_due(now: datetime, years: int) -> QuerySet[Case]:
    return Case.objects.filter(status=Case.Status.CLOSED, closed_at__lte=years_before(now, years))


def log_reviews_due(now: datetime, years: int) -> QuerySet[LogReview]:
    """Reviews of logs on no case (advice to the officer), `years` after the review."""
    return LogReview.objects.filter(
        case__isnull=True, reviewed_at__lte=years_before(now, years)
    ).exclude(Exists(CaseLog.objects.filter(log=OuterRef("log_id"))))


# --- Disposal -------------------------------------------------------------------------------


def dispose_orphan_persons(person_ids: Collection[int]) -> int:
    """Delete the persons no remaining record names (their identifiers and addresses go with
    them); one still named anywhere (another app's record protects it) is kept."""
    orphans = (
        Person.objects.filter(pk__in=person_ids)
        .exclude(Exists(CaseParty.objects.filter(person=OuterRef("pk"))))
        .exclude(Exists(LogParty.objects.filter(person=OuterRef("pk"))))
        .exclude(Exists(Person.objects.filter(merged_into=OuterRef("pk"))))
        .values_list("pk", flat=True)
    )
    ids = list(orphans)
    if not ids:
        return 0
    try:
        # All at once; a person another app's record still names (an order file's respondent)
        # protects the lot, and then they are tried one by one.
        with transaction.atomic():
            return delete_with_history(Person.objects.filter(pk__in=ids))
    except ProtectedError:
        pass
    deleted = 0
    for pk in ids:
        try:
            with transaction.atomic():
                deleted += delete_with_history(Person.objects.filter(pk=pk))
        except ProtectedError:
            continue  # named by another app's record: kept
    return deleted


def dispose_log_copies(ids: Sequence[int], now: datetime) -> int:
    persons = set(
        LogParty.objects.filter(log_id__in=ids, person__isnull=False).values_list(
            "person_id", flat=True
        )
    )
    deleted = delete_with_history(CrimeLog.objects.filter(pk__in=ids))
    dispose_orphan_persons(persons)
    return deleted


def dispose_cases(ids: Sequence[int], now: datetime) -> int:
    """The cases, their links, parties and shares; then their logs now on no case, and the
    persons no record names any more."""
    log_ids = list(CaseLog.objects.filter(case_id__in=ids).values_list("log_id", flat=True))
    persons = set(CaseParty.objects.filter(case_id__in=ids).values_list("person_id", flat=True))
    deleted = delete_with_history(Case.objects.filter(pk__in=ids))
    orphan_logs = CrimeLog.objects.filter(pk__in=log_ids).exclude(
        Exists(CaseLog.objects.filter(log=OuterRef("pk")))
    )
    persons |= set(
        LogParty.objects.filter(log__in=orphan_logs, person__isnull=False).values_list(
            "person_id", flat=True
        )
    )
    delete_with_history(orphan_logs)
    dispose_orphan_persons(persons)
    return deleted


def dispose_log_reviews(ids: Sequence[int], now: datetime) -> int:
    return delete_with_history(LogReview.objects.filter(pk__in=ids))


# --- Subject access -------------------------------------------------------------------------


def case_entries(person_ids: Collection[int]) -> list[SubjectEntry]:
    parties = (
        CaseParty.objects.filter(person_id__in=person_ids)
        .select_related("case")
        .order_by("case_id", "role")
    )
    return [
        SubjectEntry(
            record_type="cases.case",
            object_id=party.case_id,
            role=party.get_role_display(),
            at=party.case.opened_at,
            summary=(
                f"Case {party.case.reference}: {party.case.get_status_display().lower()}, "
                f"relationship {party.case.get_relationship_display().lower()}"
            ),
            details=(
                ("Summary", party.case.summary),
                ("Outcome notes", party.case.outcome_notes),
            ),
        )
        for party in parties
    ]


def log_entries(person_ids: Collection[int]) -> list[SubjectEntry]:
    parties = (
        LogParty.objects.filter(person_id__in=person_ids)
        .select_related("log")
        .order_by("log_id", "role")
    )
    return [
        SubjectEntry(
            record_type="cases.crimelog",
            object_id=party.log_id,
            role=party.get_role_display(),
            at=party.log.recorded_at,
            summary=(
                f"Crime log {party.log.reference}: {party.log.offence or party.log.offence_code}"
            ),
            details=(
                ("Name as recorded", party.name),
                ("Date of birth as recorded", str(party.date_of_birth or "")),
                ("Narrative", party.log.narrative),
            ),
        )
        for party in parties
    ]


def log_review_entries(person_ids: Collection[int]) -> list[SubjectEntry]:
    reviews = (
        LogReview.objects.filter(log__parties__person_id__in=person_ids)
        .distinct()
        .select_related("log")
        .order_by("pk")
    )
    return [
        SubjectEntry(
            record_type="cases.logreview",
            object_id=review.pk,
            role="named on the log reviewed",
            at=review.reviewed_at,
            summary=f"Review of crime log {review.log.reference}: {review.get_outcome_display()}",
            details=(("Advice", review.advice),),
        )
        for review in reviews
    ]


# --- The subject ----------------------------------------------------------------------------


def search_persons(name: str, date_of_birth: date | None) -> list[PersonMatch]:
    found = candidates_for(name=name, date_of_birth=date_of_birth, limit=20)
    persons = Person.objects.in_bulk([c.person_id for c in found])
    return [
        PersonMatch(
            person_id=c.person_id,
            description=(
                f"{persons[c.person_id].name}, born "
                f"{persons[c.person_id].date_of_birth or 'unknown'} "
                f"(person #{c.person_id}; {c.reason})"
            ),
        )
        for c in found
        if c.person_id in persons
    ]


def expand_merges(person_ids: Collection[int]) -> set[int]:
    """These persons and every record merged into or from them, to any depth (a query per
    level of merging: merges are rare and shallow)."""
    found = set(person_ids)
    frontier = set(person_ids)
    while frontier:
        linked = Person.objects.filter(
            Q(pk__in=frontier) | Q(merged_into_id__in=frontier)
        ).values_list("pk", "merged_into_id")
        new: set[int] = set()
        for pk, into in linked:
            new.add(pk)
            if into is not None:
                new.add(into)
        frontier = new - found
        found |= new
    return found


def register_case_records() -> None:
    register_record_type(
        RecordType(
            key="cases.crimelog",
            label="Crime-log copies",
            order=10,
            rule=RuleDefault(
                years=None,
                basis="after the feed last changed it, when on no case and not confirmed stalking",
                years_setting="HUB_CRIME_LOG_EXPIRY_YEARS",
            ),
            due=expired_log_copies,
            dispose=dispose_log_copies,
            subject_access=log_entries,
            automatic=True,
        )
    )
    register_record_type(
        RecordType(
            key="cases.case",
            label="Cases (with their log links, parties and shares)",
            order=20,
            rule=RuleDefault(years=6, basis="after the case closed"),
            due=closed_cases_due,
            dispose=dispose_cases,
            subject_access=case_entries,
        )
    )
    register_record_type(
        RecordType(
            key="cases.logreview",
            label="Log reviews and advice (logs on no case)",
            order=30,
            rule=RuleDefault(years=2, basis="after the review"),
            due=log_reviews_due,
            dispose=dispose_log_reviews,
            subject_access=log_review_entries,
        )
    )
    register_person_index(PersonIndex(search=search_persons, expand=expand_merges))

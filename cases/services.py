"""Writes on cases and log reviews.

Sharing a case with another agency is how referrals and the clinic widen who sees it: they
call `share_case`/`end_case_share`, and visibility reads only CaseShare. Reviews and cases are
the coordinator's: `record_review` decides a log and opens or joins the case in one
transaction, so a half-made decision is never saved.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import connection, transaction
from django.db.models import IntegerField, Max, Q
from django.db.models.functions import Cast, Substr
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from cases.models import (
    Case,
    CaseLog,
    CaseParty,
    CaseShare,
    CrimeLog,
    LogParty,
    LogReview,
    PartyRole,
    Person,
    Relationship,
)
from cases.permissions import can_manage_case, can_review_logs
from foundation.accounts.models import Agency, Role, User
from foundation.outbox.services import enqueue, outbox_handler


class CaseError(Exception):
    """A write breaks a rule of the case file. The message is safe to show: no personal data."""


class ReviewError(CaseError):
    """A log review breaks a rule (e.g. possible stalking without advice)."""


@dataclass(frozen=True)
class NewCaseData:
    """What the reviewer says about the case a confirmed log opens."""

    relationship: str
    summary: str
    # None: the reviewer owns the case.
    owner: User | None = None
    # None: the log's officer in charge, when they have an account here.
    officer_in_charge: User | None = None


# Outcomes that ask something of the officer in charge, so they are told at once by e-mail.
_OUTCOMES_TO_NOTIFY = (LogReview.Outcome.CONFIRMED, LogReview.Outcome.POSSIBLE)
# Outcomes a bulk action may record: the ones that need no case and no advice.
BULK_OUTCOMES = (LogReview.Outcome.NOT_STALKING, LogReview.Outcome.DUPLICATE)
# Key of the advisory lock that serialises case numbering (any constant unique to this use).
_CASE_REFERENCE_LOCK = 0x5348_0001


# --- Sharing ----------------------------------------------------------------------------------


@transaction.atomic
def share_case(
    *,
    case: Case,
    agency: Agency,
    purpose: str,
    source_ref: str,
    victim_consented: bool,
    by: User,
) -> CaseShare:
    """Share a case with an agency for a referral or clinic (idempotent per purpose + source)."""
    share, created = CaseShare.objects.get_or_create(
        purpose=purpose,
        source_ref=source_ref,
        ended_at=None,
        defaults={
            "case": case,
            "agency": agency,
            "victim_consented": victim_consented,
            "shared_by": by,
        },
    )
    if not created and share.victim_consented != victim_consented:
        share.victim_consented = victim_consented
        share.save(update_fields=["victim_consented"])
    return share


@transaction.atomic
def end_case_share(*, purpose: str, source_ref: str, by: User) -> int:
    """End the live share behind a referral or clinic referral. Returns how many ended (0 or 1)."""
    return CaseShare.objects.filter(purpose=purpose, source_ref=source_ref, ended_at=None).update(
        ended_at=timezone.now()
    )


# --- Reviews ----------------------------------------------------------------------------------


@transaction.atomic
def record_review(
    *,
    log: CrimeLog,
    outcome: str,
    advice: str,
    by: User,
    new_case: NewCaseData | None = None,
    existing_case: Case | None = None,
    duplicate_of: CrimeLog | None = None,
) -> LogReview:
    """Decide a log: record the outcome and advice, and open or join a case if confirmed.

    Re-reviewing replaces the log's review; the earlier decision stays in its history. A log
    that joined a case stays on it: closing the case ("not stalking on review") is the owner's
    call. Raises ReviewError (nothing saved) on a broken rule.
    """
    advice = advice.strip()
    _check_review(
        log=log,
        outcome=outcome,
        advice=advice,
        by=by,
        new_case=new_case,
        existing_case=existing_case,
        duplicate_of=duplicate_of,
    )
    # Two reviewers deciding the same log at once: the second waits and then replaces.
    CrimeLog.objects.select_for_update().filter(pk=log.pk).values_list("pk").get()

    case: Case | None = None
    if outcome == LogReview.Outcome.CONFIRMED:
        if new_case is not None:
            case = open_case(
                logs=[log],
                relationship=new_case.relationship,
                summary=new_case.summary,
                owner=new_case.owner or by,
                officer_in_charge=new_case.officer_in_charge or officer_user_for(log.officer),
                by=by,
            )
        elif existing_case is not None:
            add_log_to_case(case=existing_case, log=log, by=by)
            case = existing_case

    review, _ = LogReview.objects.update_or_create(
        log=log,
        defaults={
            "outcome": outcome,
            "advice": advice,
            "case": case,
            "duplicate_of": duplicate_of if outcome == LogReview.Outcome.DUPLICATE else None,
            "reviewed_by": by,
            "reviewed_at": timezone.now(),
        },
    )
    if log.review_state != CrimeLog.ReviewState.REVIEWED:
        log.review_state = CrimeLog.ReviewState.REVIEWED
        log.save(update_fields=["review_state"])
    if outcome in _OUTCOMES_TO_NOTIFY:
        enqueue(send_review_feedback, review_id=review.pk)
    return review


def _check_review(
    *,
    log: CrimeLog,
    outcome: str,
    advice: str,
    by: User,
    new_case: NewCaseData | None,
    existing_case: Case | None,
    duplicate_of: CrimeLog | None,
) -> None:
    if not can_review_logs(by):
        raise ReviewError("Only the hub coordinator or tactical lead can review logs.")
    if outcome not in LogReview.Outcome.values:
        raise ReviewError("Choose an outcome.")
    if outcome == LogReview.Outcome.POSSIBLE and not advice:
        raise ReviewError("Possible stalking needs advice for the officer in charge.")
    if outcome == LogReview.Outcome.DUPLICATE:
        if duplicate_of is None:
            raise ReviewError("Say which log this one duplicates.")
        if duplicate_of.pk == log.pk:
            raise ReviewError("A log cannot be a duplicate of itself.")
    elif duplicate_of is not None:
        raise ReviewError("Only a duplicate names the log it duplicates.")
    if outcome == LogReview.Outcome.CONFIRMED:
        if (new_case is None) == (existing_case is None):
            raise ReviewError("Confirmed stalking opens a new case or joins an existing one.")
    elif new_case is not None or existing_case is not None:
        raise ReviewError("Only confirmed stalking opens or joins a case.")


@transaction.atomic
def bulk_review(
    *,
    logs: Sequence[CrimeLog],
    outcome: str,
    note: str,
    by: User,
    duplicate_of: CrimeLog | None = None,
) -> list[LogReview]:
    """Decide several logs the same way (not stalking, or duplicates of one log), all or none.

    Raises ReviewError, and saves nothing, if any one of them breaks a rule.
    """
    if outcome not in BULK_OUTCOMES:
        raise ReviewError("Several logs at once can only be marked not stalking or duplicates.")
    if not logs:
        raise ReviewError("Select at least one log.")
    if outcome == LogReview.Outcome.NOT_STALKING and not note.strip():
        raise ReviewError("Add a note for the officers in charge.")
    return [
        record_review(log=log, outcome=outcome, advice=note, by=by, duplicate_of=duplicate_of)
        for log in logs
    ]


@outbox_handler("cases.send_review_feedback")
def send_review_feedback(*, review_id: int) -> None:
    """Tell the officer in charge the hub reviewed their log and has feedback for them.

    The e-mail carries the log's reference and a link, never the advice or any name: mail
    leaves the system, so the detail stays behind the sign-in (DESIGN.md §4).
    """
    review = LogReview.objects.select_related("log").filter(pk=review_id).first()
    if review is None:
        return
    officer = officer_user_for(review.log.officer)
    if officer is None or not officer.has_role(Role.OFFICER, Role.CHAMPION):
        return
    context = {
        "officer": officer,
        "review": review,
        "reference": review.log.reference,
        # A path, not a full link: the site's address is not a setting yet.
        "path": reverse("cases:my_log", args=[review.log_id]),
    }
    send_mail(
        subject=render_to_string("emails/review_feedback_subject.txt", context).strip(),
        message=render_to_string("emails/review_feedback.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[officer.email],
    )


def officer_user_for(officer: str) -> User | None:
    """The active account of a log's officer in charge (by e-mail or collar number), if any."""
    officer = officer.strip()
    if not officer:
        return None
    return (
        User.objects.filter(is_active=True)
        .filter(Q(email__iexact=officer) | Q(collar_number__iexact=officer))
        .order_by("pk")
        .first()
    )


# --- Cases ------------------------------------------------------------------------------------


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

"""The coordinator's decisions on logs: one review, a bulk review, the officer's feedback."""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from cases.models import (
    Case,
    CrimeLog,
    LogReview,
)
from cases.permissions import can_review_logs
from cases.services.cases import NewCaseData, add_log_to_case, open_case
from cases.services.errors import ReviewError
from foundation.accounts.models import Role, User
from foundation.outbox.services import enqueue, outbox_handler

# Outcomes that ask something of the officer in charge, so they are told at once by e-mail.
_OUTCOMES_TO_NOTIFY = (LogReview.Outcome.CONFIRMED, LogReview.Outcome.POSSIBLE)


# Outcomes a bulk action may record: the ones that need no case and no advice.
BULK_OUTCOMES = (LogReview.Outcome.NOT_STALKING, LogReview.Outcome.DUPLICATE)


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

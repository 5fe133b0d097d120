"""Writes on advice requests and guidance.

Service levels (docs/advice-requests.md): urgent requests are answered within 4 working hours,
routine ones by the end of the second working day; working time is 08:00-18:00 Monday to
Friday, Europe/London, excluding England & Wales bank holidays.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from cases.selectors import log_id_by_reference
from foundation.accounts.models import User
from foundation.lib.working_time import (
    add_working_time,
    end_of_working_day,
    subtract_working_time,
)
from foundation.outbox.services import enqueue
from referrals.errors import NotAllowed, ReferralError
from referrals.models import AdviceCategory, AdviceRequest, Guidance
from referrals.notifications import send_advice_answered_email, send_urgent_advice_email
from referrals.permissions import (
    advice_queue_scope,
    can_manage_guidance,
    can_submit_advice,
)

URGENT_WITHIN = timedelta(hours=4)
# The longest question the hub takes (docs/advice-requests.md).
QUESTION_MAX_LENGTH = 5000
ROUTINE_WORKING_DAYS = 2
# The queue is reminded this much working time before a request falls due.
DUE_SOON_NOTICE = timedelta(hours=1)


def due_at_for(*, urgency: str, submitted_at: datetime) -> datetime:
    """When an answer is due: 4 working hours, or the end of the second working day."""
    if urgency == AdviceRequest.Urgency.URGENT:
        return add_working_time(submitted_at, URGENT_WITHIN)
    return end_of_working_day(submitted_at, ROUTINE_WORKING_DAYS)


def _matching_log(reference: str) -> int | None:
    """The id of the one log with this reference (through the case file's selector)."""
    return log_id_by_reference(reference)


@transaction.atomic
def submit_advice_request(
    *,
    category: str,
    urgency: str,
    question: str,
    crime_log_reference: str,
    by: User,
) -> AdviceRequest:
    """An officer or champion asks the hub. Raises NotAllowed or ReferralError (nothing saved)."""
    if not can_submit_advice(by):
        raise NotAllowed("Advice requests are submitted by officers and champions.")
    if category not in AdviceCategory.values:
        raise ReferralError("Choose what the question is about.")
    if urgency not in AdviceRequest.Urgency.values:
        raise ReferralError("Choose how urgent the question is.")
    if not question.strip():
        raise ReferralError("Write your question.")
    if len(question.strip()) > QUESTION_MAX_LENGTH:
        raise ReferralError(f"Keep the question to {QUESTION_MAX_LENGTH:,} characters.")
    reference = crime_log_reference.strip().upper()
    now = timezone.now()
    due_at = due_at_for(urgency=urgency, submitted_at=now)
    advice = AdviceRequest.objects.create(
        requester=by,
        category=category,
        urgency=urgency,
        question=question.strip(),
        crime_log_reference=reference,
        crime_log_id=_matching_log(reference),
        submitted_at=now,
        due_at=due_at,
        due_soon_at=subtract_working_time(due_at, DUE_SOON_NOTICE),
    )
    if urgency == AdviceRequest.Urgency.URGENT:
        enqueue(send_urgent_advice_email, advice_request_id=advice.pk)
    return advice


@transaction.atomic
def answer_advice_request(*, advice: AdviceRequest, answer: str, by: User) -> AdviceRequest:
    """Answer a request; the requester is e-mailed. Raises NotAllowed or ReferralError."""
    if not answer.strip():
        raise ReferralError("Write the answer.")
    locked = advice_queue_scope(by).select_for_update().filter(pk=advice.pk).first()
    if locked is None:
        raise NotAllowed("You do not answer this kind of request.")
    if locked.answered_at is not None:
        raise ReferralError(f"{locked.reference} has already been answered.")
    locked.answer = answer.strip()
    locked.answered_by = by
    locked.answered_at = timezone.now()
    locked.save(update_fields=["answer", "answered_by", "answered_at"])
    enqueue(send_advice_answered_email, advice_request_id=locked.pk)
    return locked


@transaction.atomic
def rate_advice(*, advice: AdviceRequest, rating: str, by: User) -> AdviceRequest:
    """The requester says whether the answer was useful (and may change their mind)."""
    if advice.requester_id != by.pk:
        raise NotAllowed("Only the person who asked rates the answer.")
    if not advice.is_answered:
        raise ReferralError("Only an answered request can be rated.")
    if rating not in AdviceRequest.Rating.values:
        raise ReferralError("Choose useful or not useful.")
    advice.rating = rating
    advice.rated_at = timezone.now()
    advice.save(update_fields=["rating", "rated_at"])
    return advice


def _check_guidance(*, title: str, body: str, category: str, by: User) -> None:
    if not can_manage_guidance(by):
        raise NotAllowed("Guidance is written by the hub coordinator or tactical lead.")
    if not title.strip() or not body.strip():
        raise ReferralError("Guidance needs a title and a body.")
    if category not in AdviceCategory.values:
        raise ReferralError("Choose the category the guidance answers.")


@transaction.atomic
def create_guidance(
    *,
    title: str,
    body: str,
    category: str,
    is_published: bool,
    by: User,
    source_request: AdviceRequest | None = None,
) -> Guidance:
    """Write guidance, e.g. from a frequently asked question. Raises NotAllowed/ReferralError."""
    _check_guidance(title=title, body=body, category=category, by=by)
    return Guidance.objects.create(
        title=title.strip(),
        body=body.strip(),
        category=category,
        is_published=is_published,
        source_request=source_request,
        created_by=by,
    )


@transaction.atomic
def update_guidance(
    *, guidance: Guidance, title: str, body: str, category: str, is_published: bool, by: User
) -> Guidance:
    """Change or (un)publish guidance. Raises NotAllowed or ReferralError."""
    _check_guidance(title=title, body=body, category=category, by=by)
    guidance.title = title.strip()
    guidance.body = body.strip()
    guidance.category = category
    guidance.is_published = is_published
    guidance.updated_at = timezone.now()
    guidance.save()
    return guidance

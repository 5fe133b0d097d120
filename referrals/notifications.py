"""E-mails about referrals, casework and advice requests.

User actions enqueue the `@outbox_handler` functions here (they take ids); the reminder sweeps
(referrals/reminders.py) call the `send_*_reminder` functions directly under a lease. Every
e-mail carries references, states and a path into the hub, never a victim's or suspect's
name, the reason for referral or the question asked: mail leaves the system, so the detail
stays behind the sign-in (DESIGN.md §4).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.db.models import Q, QuerySet
from django.urls import reverse

from foundation.accounts.cover import with_coverers
from foundation.accounts.models import Role, User
from foundation.lib.mail import send_templated as send_mail_templated
from foundation.outbox.services import outbox_handler
from referrals.models import AdviceCategory, AdviceRequest, Referral, SafetyPlan


def send_templated(template: str, context: Mapping[str, object], users: Iterable[User]) -> int:
    """Render `emails/<template>_subject.txt` and `emails/<template>.txt` and send one message
    per recipient (nobody learns who else was told). Returns how many were sent."""
    # Whoever covers a recipient now is told too (foundation/accounts/cover.py).
    return send_mail_templated(
        template, context, (user.email for user in with_coverers(users) if user.is_active)
    )


# --- Recipients -----------------------------------------------------------------------------------


def receiving_users(referral: Referral) -> QuerySet[User]:
    """The users of the agency a referral is addressed to who work referrals."""
    return User.objects.filter(
        is_active=True, agency_id=referral.agency_id, roles__overlap=[Role.ISAC, Role.PARTNER]
    )


def advice_queue_users(category: str) -> QuerySet[User]:
    """Who answers this category: the hub and enhanced champions; the solicitor for SPO/legal."""
    who = Q(roles__overlap=[Role.COORDINATOR, Role.TACTICAL_LEAD]) | Q(
        roles__contains=[Role.CHAMPION], is_enhanced_champion=True
    )
    if category == AdviceCategory.SPO_LEGAL:
        who |= Q(roles__contains=[Role.SOLICITOR])
    return User.objects.filter(who, is_active=True)


def _referral_context(referral: Referral) -> dict[str, object]:
    return {
        "referral": referral,
        "reference": referral.reference,
        "case_reference": referral.case.reference,
        "agency": referral.agency.name,
        # A path, not a full link: the site's address is not a setting yet.
        "path": reverse("referrals:detail", args=[referral.pk]),
    }


def _advice_context(advice: AdviceRequest) -> dict[str, object]:
    return {
        "advice": advice,
        "reference": advice.reference,
        "path": reverse("referrals:advice_detail", args=[advice.pk]),
    }


def _referral(referral_id: int) -> Referral | None:
    return (
        Referral.objects.select_related("case", "agency", "referred_by", "caseworker")
        .filter(pk=referral_id)
        .first()
    )


# --- Outbox handlers (user actions) ---------------------------------------------------------------


@outbox_handler("referrals.send_referral_sent_email")
def send_referral_sent_email(*, referral_id: int) -> None:
    """Tell the receiving agency's users that a referral is waiting for their decision."""
    referral = _referral(referral_id)
    if referral is None or referral.state != Referral.State.SENT:
        return  # withdrawn or decided before the message ran: nothing to ask any more
    send_templated("referral_sent", _referral_context(referral), receiving_users(referral))


@outbox_handler("referrals.send_referral_decision_email")
def send_referral_decision_email(*, referral_id: int) -> None:
    """Tell the referrer the agency accepted or declined."""
    referral = _referral(referral_id)
    if referral is None:
        return
    send_templated("referral_decision", _referral_context(referral), [referral.referred_by])


@outbox_handler("referrals.send_referral_allocated_email")
def send_referral_allocated_email(*, referral_id: int) -> None:
    """Tell a caseworker the manager gave them a referral."""
    referral = _referral(referral_id)
    if referral is None or referral.caseworker is None:
        return
    send_templated("referral_allocated", _referral_context(referral), [referral.caseworker])


@outbox_handler("referrals.send_urgent_advice_email")
def send_urgent_advice_email(*, advice_request_id: int) -> None:
    """An urgent request has 4 working hours: tell the queue at once."""
    advice = AdviceRequest.objects.filter(pk=advice_request_id, answered_at=None).first()
    if advice is None:
        return
    send_templated("advice_urgent", _advice_context(advice), advice_queue_users(advice.category))


@outbox_handler("referrals.send_advice_answered_email")
def send_advice_answered_email(*, advice_request_id: int) -> None:
    """Tell the requester their question has an answer (the answer itself stays in the hub)."""
    advice = (
        AdviceRequest.objects.select_related("requester", "answered_by")
        .filter(pk=advice_request_id)
        .first()
    )
    if advice is None or advice.answered_at is None:
        return
    send_templated("advice_answered", _advice_context(advice), [advice.requester])


# --- Reminders (called by the sweeps under a lease) -----------------------------------------------


def send_referral_overdue_reminder(referral: Referral) -> int:
    """Chase a referral still waiting for a decision: the agency's users and the referrer."""
    recipients = [*receiving_users(referral), referral.referred_by]
    return send_templated("referral_overdue", _referral_context(referral), recipients)


def send_advice_due_soon_reminder(advice: AdviceRequest) -> int:
    return send_templated(
        "advice_due_soon", _advice_context(advice), advice_queue_users(advice.category)
    )


def send_advice_overdue_reminder(advice: AdviceRequest) -> int:
    return send_templated(
        "advice_overdue", _advice_context(advice), advice_queue_users(advice.category)
    )


def send_safety_plan_review_reminder(plan: SafetyPlan) -> int:
    """Tell the caseworker (or, with none, the service's managers) a plan review is due."""
    referral = plan.referral
    recipients: Iterable[User]
    if referral.caseworker is not None:
        recipients = [referral.caseworker]
    else:
        recipients = User.objects.filter(
            is_active=True,
            agency_id=referral.agency_id,
            roles__contains=[Role.ISAC],
            is_manager=True,
        )
    context = {
        **_referral_context(referral),
        "plan": plan,
        "path": reverse("referrals:safety_plan", args=[referral.pk]),
    }
    return send_templated("safety_plan_review", context, recipients)

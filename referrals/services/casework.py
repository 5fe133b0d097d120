"""Writes on ISAC casework: contacts, the specialist risk assessment, safety-plan versions,
support needs, criminal-justice milestones, intake/exit outcomes and closing the casework.

Only ISACs of the receiving service write, while the referral is accepted or active; each
service raises NotAllowed otherwise (views answer 404 before that).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from cases.models import RiskLevel
from foundation.accounts.models import User
from referrals.errors import NotAllowed, ReferralError
from referrals.models import (
    Contact,
    JusticeMilestone,
    OutcomeMeasure,
    Referral,
    SafetyPlan,
    SpecialistRiskAssessment,
    SupportNeed,
)
from referrals.permissions import can_write_casework
from referrals.services.referrals import close_referral

# Clocks differ a little between devices; a contact "in the future" beyond this is a mistake.
_CLOCK_SKEW = timedelta(minutes=5)


@dataclass(frozen=True)
class OutcomeAnswers:
    abuse: str
    feels_safe: int
    quality_of_life: int
    notes: str = ""
    # 1 to 5, or None with `confidence_declined` (None and not declined: not asked).
    police_confidence: int | None = None
    confidence_declined: bool = False
    what_would_have_helped: str = ""


def _require_writer(referral: Referral, by: User) -> None:
    if not can_write_casework(by, referral):
        raise NotAllowed("Only the ISAC service records casework, while the referral is open.")


@transaction.atomic
def record_contact(
    *,
    referral: Referral,
    contact_at: datetime,
    channel: str,
    outcome: str,
    notes: str,
    by: User,
) -> Contact:
    """Log a contact with the victim or a failed attempt. Raises NotAllowed or ReferralError."""
    _require_writer(referral, by)
    if contact_at > timezone.now() + _CLOCK_SKEW:
        raise ReferralError("A contact cannot be in the future.")
    if channel not in Contact.Channel.values or outcome not in Contact.Outcome.values:
        raise ReferralError("Choose the channel and whether contact was made.")
    return Contact.objects.create(
        referral=referral,
        contact_at=contact_at,
        channel=channel,
        outcome=outcome,
        notes=notes.strip(),
        recorded_by=by,
    )


@transaction.atomic
def record_specialist_risk(
    *, referral: Referral, level: str, rationale: str, by: User
) -> SpecialistRiskAssessment:
    """The ISAC's own risk judgement; the newest one is current. Raises NotAllowed/ReferralError."""
    _require_writer(referral, by)
    if level not in RiskLevel.values:
        raise ReferralError("Choose a risk level.")
    if not rationale.strip():
        raise ReferralError("Give the reasons for the risk level.")
    return SpecialistRiskAssessment.objects.create(
        referral=referral, level=level, rationale=rationale.strip(), assessed_by=by
    )


@transaction.atomic
def save_safety_plan(
    *, referral: Referral, measures: str, responsibilities: str, review_on: date, by: User
) -> SafetyPlan:
    """Save the safety plan as a new version; earlier versions stay readable.

    Raises NotAllowed or ReferralError (empty plan, review date in the past).
    """
    _require_writer(referral, by)
    if not measures.strip() or not responsibilities.strip():
        raise ReferralError("Write the safety measures and who does what.")
    if review_on < timezone.localdate():
        raise ReferralError("The review date cannot be in the past.")
    # Lock the referral so two saves at once get versions n and n+1, never n twice.
    Referral.objects.select_for_update().filter(pk=referral.pk).values_list("pk").get()
    latest = SafetyPlan.objects.filter(referral=referral).aggregate(n=Max("version"))["n"] or 0
    SafetyPlan.objects.filter(referral=referral, is_current=True).update(is_current=False)
    return SafetyPlan.objects.create(
        referral=referral,
        version=latest + 1,
        is_current=True,
        measures=measures.strip(),
        responsibilities=responsibilities.strip(),
        review_on=review_on,
        created_by=by,
    )


@transaction.atomic
def add_support_need(*, referral: Referral, kind: str, notes: str, by: User) -> SupportNeed:
    """Record a support need. Raises NotAllowed or ReferralError."""
    _require_writer(referral, by)
    if kind not in SupportNeed.Kind.values:
        raise ReferralError("Choose the kind of support needed.")
    return SupportNeed.objects.create(
        referral=referral, kind=kind, notes=notes.strip(), recorded_by=by
    )


@transaction.atomic
def set_support_need_status(*, need: SupportNeed, status: str, by: User) -> SupportNeed:
    """Mark a need met, unmet or back to being worked on. Raises NotAllowed/ReferralError."""
    _require_writer(need.referral, by)
    if status not in SupportNeed.Status.values:
        raise ReferralError("Choose a status.")
    need.status = status
    need.save(update_fields=["status"])
    return need


@transaction.atomic
def record_milestone(
    *, referral: Referral, kind: str, happened_on: date, note: str, by: User
) -> JusticeMilestone:
    """Record a criminal-justice step (a court date may lie ahead). Raises NotAllowed or
    ReferralError."""
    _require_writer(referral, by)
    if kind not in JusticeMilestone.Kind.values:
        raise ReferralError("Choose the milestone.")
    if kind != JusticeMilestone.Kind.COURT and happened_on > timezone.localdate():
        raise ReferralError("Only a court hearing can be dated in the future.")
    return JusticeMilestone.objects.create(
        referral=referral, kind=kind, happened_on=happened_on, note=note.strip(), recorded_by=by
    )


def _check_answers(answers: OutcomeAnswers) -> None:
    if answers.abuse not in OutcomeMeasure.Abuse.values:
        raise ReferralError("Say whether the abuse is continuing, reduced or stopped.")
    if not (1 <= answers.feels_safe <= 5 and 1 <= answers.quality_of_life <= 5):
        raise ReferralError("Safety and quality of life are scored from 1 to 5.")
    if answers.police_confidence is not None and (
        answers.confidence_declined or not 1 <= answers.police_confidence <= 5
    ):
        raise ReferralError("Confidence in the police is scored from 1 to 5, or declined.")


@transaction.atomic
def record_outcome(
    *, referral: Referral, stage: str, answers: OutcomeAnswers, by: User
) -> OutcomeMeasure:
    """Record (or correct) the intake or exit answers. Raises NotAllowed or ReferralError."""
    _require_writer(referral, by)
    if stage not in OutcomeMeasure.Stage.values:
        raise ReferralError("Choose intake or exit.")
    _check_answers(answers)
    measure, _ = OutcomeMeasure.objects.update_or_create(
        referral=referral,
        stage=stage,
        defaults={
            "abuse": answers.abuse,
            "feels_safe": answers.feels_safe,
            "quality_of_life": answers.quality_of_life,
            "police_confidence": answers.police_confidence,
            "confidence_declined": answers.confidence_declined,
            "what_would_have_helped": answers.what_would_have_helped.strip(),
            "notes": answers.notes.strip(),
            "recorded_by": by,
        },
    )
    return measure


@transaction.atomic
def close_casework(
    *, referral: Referral, reason: str, notes: str, exit_answers: OutcomeAnswers, by: User
) -> Referral:
    """Close the ISAC's work with the victim: the exit outcomes and the referral together.

    Raises NotAllowed, IllegalTransition or ReferralError; nothing is saved then.
    """
    _require_writer(referral, by)
    record_outcome(referral=referral, stage=OutcomeMeasure.Stage.EXIT, answers=exit_answers, by=by)
    return close_referral(referral=referral, reason=reason, notes=notes, by=by)

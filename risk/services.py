"""Writes on risk assessments: recording one, which also sets the case's current risk."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from django.db import transaction
from django.utils import timezone

from cases.models import Case
from cases.services import set_current_risk
from foundation.accounts.models import User
from risk.definitions import Level
from risk.models import Instrument, RiskAssessment
from risk.permissions import can_complete_instrument, cases_for_assessment
from risk.scoring import compute_result, decide_final_level
from risk.sync import definition_of


class AssessmentRefused(Exception):
    """The assessment may not be recorded: the assessor, instrument or case does not allow it."""


class InvalidReviewDate(ValueError):
    """The review date is not in the future."""


@transaction.atomic
def record_assessment(
    *,
    case: Case,
    instrument: Instrument,
    answers: Mapping[str, str],
    final_level: Level | str | None,
    reason: str,
    rationale: str,
    plan_note: str,
    review_date: date,
    by: User,
) -> RiskAssessment:
    """Score the answers, apply the judgement rules, store the assessment, and make its final
    level the case's current risk (the previous assessment is superseded).

    ``final_level`` None keeps a count-based band. Raises AssessmentRefused (role, trained SRP
    assessor, inactive instrument, closed or out-of-scope case), InvalidAnswers,
    JudgementRefused (scoring.decide_final_level) or InvalidReviewDate; nothing is saved then.
    """
    if not can_complete_instrument(by, instrument):
        if instrument.requires_trained_assessor and not by.is_srp_assessor:
            raise AssessmentRefused(
                f"Only trained SRP assessors may complete the {instrument.name}."
            )
        raise AssessmentRefused(f"You may not complete the {instrument.name}.")
    if not cases_for_assessment(by).filter(pk=case.pk).exists():
        raise AssessmentRefused("You may not assess this case.")
    # Lock the case: two assessments recorded at once must leave one current assessment.
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if locked.status != Case.Status.OPEN:
        raise AssessmentRefused("The case is closed: reopen it before assessing the risk.")
    if review_date <= timezone.localdate():
        raise InvalidReviewDate("The review date must be in the future.")

    definition = definition_of(instrument)
    computed = compute_result(definition, answers)
    level = decide_final_level(definition, computed, final_level or None, reason)

    now = timezone.now()
    RiskAssessment.objects.filter(case=locked, superseded_at__isnull=True).update(superseded_at=now)
    assessment = RiskAssessment.objects.create(
        case=locked,
        instrument=instrument,
        instrument_version=definition.version,
        answers=dict(answers),
        result=computed.as_dict(),
        computed_band=computed.band.value if computed.band else "",
        final_level=level.value,
        judgement_reason=reason.strip(),
        rationale=rationale.strip(),
        plan_note=plan_note.strip(),
        review_date=review_date,
        assessor=by,
        completed_at=now,
    )
    set_current_risk(case=locked, level=level.value, at=now)
    case.current_risk, case.current_risk_at = locked.current_risk, locked.current_risk_at
    return assessment

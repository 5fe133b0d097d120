"""record_assessment: scoring of every shipped instrument, the judgement and assessor rules."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from pghistory.models import Events

from cases.models import Case
from risk.models import RiskAssessment
from risk.scoring import InvalidAnswers, JudgementRefused
from risk.services import AssessmentRefused, InvalidReviewDate, record_assessment
from tests.factories import CaseFactory, UserFactory
from tests.factories.risk import (
    dash_answers,
    four_answers,
    instrument,
    sam_answers,
    sdash_answers,
    srp_answers,
)


def record(case, key, answers, *, by, level=None, reason="", review_date=None):
    return record_assessment(
        case=case,
        instrument=instrument(key),
        answers=answers,
        final_level=level,
        reason=reason,
        rationale="Placeholder rationale.",
        plan_note="Placeholder plan.",
        review_date=review_date or timezone.localdate() + timedelta(days=30),
        by=by,
    )


def assert_nothing_saved(case: Case) -> None:
    assert not RiskAssessment.objects.filter(case=case).exists()
    case.refresh_from_db()
    assert case.current_risk == ""
    assert case.current_risk_at is None


# -- scoring of each shipped instrument, through the service --------------------------------


@pytest.mark.parametrize(("yes", "band"), [(9, "standard"), (10, "medium"), (13, "medium")])
def test_dash_below_fourteen_is_not_high(case, coordinator, yes, band):
    assessment = record(case, "dash", dash_answers(yes), by=coordinator)
    assert assessment.computed_band == band
    assert assessment.final_level == band
    assert assessment.result["yes_count"] == yes


def test_dash_fourteen_yes_is_high_and_becomes_the_current_risk(case, coordinator):
    assessment = record(case, "dash", dash_answers(14), by=coordinator)
    assert assessment.computed_band == "high"
    assert assessment.final_level == "high"
    assert assessment.result["summary"] == "14 of 24 yes — high (14+)"
    assert assessment.instrument_version == "1"
    case.refresh_from_db()
    assert case.current_risk == "high"
    assert case.current_risk_at == assessment.completed_at


def test_dash_not_known_is_never_counted_as_yes(case, coordinator):
    assessment = record(case, "dash", dash_answers(13, unknown=5), by=coordinator)
    assert assessment.final_level == "medium"
    assert assessment.result["unknown_count"] == 5


def test_four_all_core_with_fear_is_high(case, coordinator):
    assessment = record(case, "four", four_answers(4, fear="yes"), by=coordinator)
    assert assessment.final_level == "high"
    assert assessment.result["band_rule"] == "stalking indicated with escalation or fear"


def test_four_two_core_is_medium_possible_stalking(case, coordinator):
    assessment = record(case, "four", four_answers(2), by=coordinator)
    assert assessment.final_level == "medium"


def test_sdash_has_no_band_and_needs_the_assessors_level_with_a_reason(case, coordinator):
    with pytest.raises(JudgementRefused, match="assessor must set the final level"):
        record(case, "sdash", sdash_answers(7), by=coordinator)
    with pytest.raises(JudgementRefused, match="a reason is required"):
        record(case, "sdash", sdash_answers(7), by=coordinator, level="high")
    assert_nothing_saved(case)
    assessment = record(
        case, "sdash", sdash_answers(7), by=coordinator, level="high", reason="Very frightened."
    )
    assert assessment.computed_band == ""
    assert assessment.final_level == "high"
    assert assessment.result["yes_count"] == 7
    assert assessment.judgement_reason == "Very frightened."


def test_srp_has_no_total_and_records_type_and_four_ratings(case, coordinator):
    answers = srp_answers("resentful", violence="moderate", persistence="high", recurrence="low")
    assessment = record(case, "srp", answers, by=coordinator, level="high")
    result = assessment.result
    assert result["yes_count"] is None
    assert result["counted"] is None
    assert result["band"] is None
    assert result["choices"] == {"stalker_type": "resentful"}
    assert result["ratings"] == {
        "violence": "moderate",
        "persistence": "high",
        "recurrence": "low",
        "psychosocial_damage": "low",
    }
    assert result["suggested_level"] == "high"
    assert "no total score" in result["summary"]
    assert assessment.final_level == "high"
    assert assessment.computed_band == ""


def test_srp_level_differing_from_the_suggestion_needs_a_reason(case, coordinator):
    with pytest.raises(JudgementRefused, match="differs from the level the ratings suggest"):
        record(case, "srp", srp_answers(violence="high"), by=coordinator, level="medium")
    assert_nothing_saved(case)


def test_sam_suggests_from_the_summary_judgements(case, coordinator):
    assessment = record(
        case, "sam", sam_answers(continued_stalking="moderate"), by=coordinator, level="medium"
    )
    assert assessment.result["suggested_level"] == "medium"
    assert set(assessment.result["ratings"]) == {
        "case_prioritisation",
        "continued_stalking",
        "violence",
    }


# -- the no-downgrade rule ----------------------------------------------------------------


def test_a_count_based_high_cannot_be_lowered_even_with_a_reason(case, coordinator):
    with pytest.raises(JudgementRefused, match="never lower it"):
        record(case, "dash", dash_answers(14), by=coordinator, level="medium", reason="Seems fine.")
    assert_nothing_saved(case)


def test_judgement_may_raise_a_band_with_a_reason(case, coordinator):
    with pytest.raises(JudgementRefused, match="reason is required for raising"):
        record(case, "dash", dash_answers(12), by=coordinator, level="high")
    assessment = record(
        case, "dash", dash_answers(12), by=coordinator, level="high", reason="Escalating."
    )
    assert assessment.computed_band == "medium"
    assert assessment.final_level == "high"
    assert assessment.level_changed_by_judgement


def test_judgement_may_lower_a_medium_with_a_reason(case, coordinator):
    assessment = record(
        case, "dash", dash_answers(11), by=coordinator, level="standard", reason="Moved away."
    )
    assert assessment.final_level == "standard"


# -- who may complete what ----------------------------------------------------------------


def test_srp_is_refused_to_a_coordinator_who_is_not_a_trained_assessor(case, home_force):
    untrained = UserFactory(roles=["coordinator"], agency=home_force, is_srp_assessor=False)
    with pytest.raises(AssessmentRefused, match="Only trained SRP assessors"):
        record(case, "srp", srp_answers(), by=untrained, level="standard")
    assert_nothing_saved(case)
    # Other instruments stay open to them.
    assert record(case, "dash", dash_answers(3), by=untrained).final_level == "standard"


def test_a_trained_tactical_lead_may_complete_the_srp(case, home_force):
    lead = UserFactory(roles=["tactical_lead"], agency=home_force, is_srp_assessor=True)
    assert record(case, "srp", srp_answers(), by=lead, level="standard").assessor == lead


@pytest.mark.parametrize("role", ["solicitor", "partner", "champion", "officer", "auditor"])
def test_roles_without_assessment_rights_are_refused(case, home_force, role):
    user = UserFactory(roles=[role], agency=home_force, is_srp_assessor=True)
    with pytest.raises(AssessmentRefused):
        record(case, "four", four_answers(), by=user)
    assert_nothing_saved(case)


def test_isac_completes_victim_focused_instruments_on_a_shared_case(shared_case, isac):
    assessment = record(shared_case, "dash", dash_answers(15), by=isac)
    assert assessment.final_level == "high"
    shared_case.refresh_from_db()
    assert shared_case.current_risk == "high"


def test_isac_may_not_complete_perpetrator_instruments(shared_case, isac):
    isac.is_srp_assessor = True
    isac.save()
    with pytest.raises(AssessmentRefused):
        record(shared_case, "srp", srp_answers(), by=isac, level="standard")
    with pytest.raises(AssessmentRefused):
        record(shared_case, "sam", sam_answers(), by=isac, level="standard")
    assert_nothing_saved(shared_case)


def test_isac_may_not_assess_a_case_not_shared_with_their_agency(case, isac, outsider_isac):
    with pytest.raises(AssessmentRefused, match="may not assess this case"):
        record(case, "dash", dash_answers(3), by=isac)
    assert_nothing_saved(case)


def test_an_inactive_instrument_is_refused(case, coordinator):
    four = instrument("four")
    four.is_active = False
    four.save()
    with pytest.raises(AssessmentRefused):
        record(case, "four", four_answers(), by=coordinator)


# -- bad input: nothing half-saved ----------------------------------------------------------


def test_invalid_answers_are_refused_naming_keys_and_nothing_is_saved(case, coordinator):
    answers = dash_answers(3)
    del answers["dash_05"]
    answers["dash_06"] = "perhaps"
    with pytest.raises(InvalidAnswers) as caught:
        record(case, "dash", answers, by=coordinator)
    assert "dash_05: an answer is required" in caught.value.errors
    assert any(error.startswith("dash_06:") for error in caught.value.errors)
    assert "perhaps" not in str(caught.value)
    assert_nothing_saved(case)


@pytest.mark.parametrize("days", [0, -1])
def test_the_review_date_must_be_in_the_future(case, coordinator, days):
    with pytest.raises(InvalidReviewDate):
        record(
            case,
            "four",
            four_answers(),
            by=coordinator,
            review_date=timezone.localdate() + timedelta(days=days),
        )
    assert_nothing_saved(case)


def test_a_closed_case_is_not_assessed(coordinator):
    case = CaseFactory(owner=coordinator, closed=True)
    with pytest.raises(AssessmentRefused, match="closed"):
        record(case, "four", four_answers(), by=coordinator)
    assert_nothing_saved(case)


# -- history and the current risk -----------------------------------------------------------


def test_a_new_assessment_supersedes_the_last_and_sets_the_current_risk(case, coordinator):
    with time_machine.travel("2026-03-02 10:00Z", tick=False):
        first = record(case, "four", four_answers(4, fear="yes"), by=coordinator)
    with time_machine.travel("2026-03-09 10:00Z", tick=False):
        second = record(case, "dash", dash_answers(5), by=coordinator)
    first.refresh_from_db()
    case.refresh_from_db()
    assert first.superseded_at == second.completed_at
    assert not first.is_current
    assert second.is_current
    assert case.current_risk == "standard"
    assert case.current_risk_at == second.completed_at
    assert RiskAssessment.objects.filter(case=case, superseded_at=None).count() == 1


def test_assessments_and_the_current_risk_keep_their_history(case, coordinator):
    assessment = record(case, "four", four_answers(), by=coordinator)
    assert Events.objects.tracks(assessment).filter(pgh_label="insert").count() == 1
    assert Events.objects.tracks(case).filter(pgh_label="update").count() == 1

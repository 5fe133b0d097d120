"""ISAC casework: who writes it, versioned safety plans, outcomes and closing."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from cases.models import CaseShare
from foundation.lib.working_time import LONDON
from referrals.errors import IllegalTransition, NotAllowed, ReferralError
from referrals.models import Contact, OutcomeMeasure, Referral, SafetyPlan
from referrals.services import casework as services
from referrals.services.casework import OutcomeAnswers
from tests.factories.referrals import ReferralFactory, SafetyPlanFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 5, 12, 11, 0, tzinfo=LONDON)
GOOD = OutcomeAnswers(abuse="reduced", feels_safe=4, quality_of_life=3, notes="Calmer.")


@pytest.fixture
def referral(open_case, isac_service, isac):
    return ReferralFactory(case=open_case, agency=isac_service, active=True, caseworker=isac)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def test_isac_records_contacts_including_failed_attempts(referral, isac):
    services.record_contact(
        referral=referral,
        contact_at=NOW - timedelta(hours=1),
        channel=Contact.Channel.PHONE,
        outcome=Contact.Outcome.ATTEMPTED,
        notes=" No answer; no voicemail left. ",
        by=isac,
    )
    contact = referral.contacts.get()
    assert contact.outcome == Contact.Outcome.ATTEMPTED
    assert contact.notes == "No answer; no voicemail left."
    assert contact.recorded_by == isac


def test_a_contact_cannot_be_in_the_future(referral, isac):
    with pytest.raises(ReferralError, match="future"):
        services.record_contact(
            referral=referral,
            contact_at=NOW + timedelta(hours=1),
            channel=Contact.Channel.PHONE,
            outcome=Contact.Outcome.MADE,
            notes="",
            by=isac,
        )
    assert not Contact.objects.exists()


@pytest.mark.parametrize("who", ["coordinator", "outsider_isac", "partner", "tactical_lead"])
def test_only_the_isac_service_writes_casework(referral, request, who):
    user = request.getfixturevalue(who)
    with pytest.raises(NotAllowed):
        services.record_contact(
            referral=referral,
            contact_at=NOW,
            channel=Contact.Channel.PHONE,
            outcome=Contact.Outcome.MADE,
            notes="",
            by=user,
        )
    with pytest.raises(NotAllowed):
        services.record_specialist_risk(referral=referral, level="high", rationale="x", by=user)


def test_closed_or_undecided_referrals_take_no_casework(open_case, isac_service, isac):
    for traits in ({"closed": True}, {"sent": True}):
        referral = ReferralFactory(case=open_case, agency=isac_service, **traits)
        with pytest.raises(NotAllowed):
            services.add_support_need(referral=referral, kind="housing", notes="", by=isac)


def test_each_safety_plan_save_is_a_new_version(referral, isac, isac_manager):
    first = services.save_safety_plan(
        referral=referral,
        measures="Change phone number.",
        responsibilities="Victim: new number. ISAC: call weekly.",
        review_on=date(2026, 6, 1),
        by=isac,
    )
    second = services.save_safety_plan(
        referral=referral,
        measures="Change phone number. Doorbell camera fitted.",
        responsibilities="Police: fit camera.",
        review_on=date(2026, 6, 15),
        by=isac_manager,
    )
    assert (first.version, second.version) == (1, 2)
    plans = {plan.version: plan for plan in SafetyPlan.objects.filter(referral=referral)}
    assert plans[1].is_current is False
    assert plans[1].measures == "Change phone number."  # the older version is kept as it was
    assert plans[2].is_current is True


def test_a_safety_plan_needs_content_and_a_review_date_not_in_the_past(referral, isac):
    with pytest.raises(ReferralError, match="past"):
        services.save_safety_plan(
            referral=referral,
            measures="x",
            responsibilities="y",
            review_on=date(2026, 5, 1),
            by=isac,
        )
    with pytest.raises(ReferralError, match="measures"):
        services.save_safety_plan(
            referral=referral,
            measures=" ",
            responsibilities="y",
            review_on=date(2026, 6, 1),
            by=isac,
        )
    assert not SafetyPlan.objects.exists()


def test_specialist_risk_needs_a_rationale(referral, isac):
    with pytest.raises(ReferralError, match="reasons"):
        services.record_specialist_risk(referral=referral, level="high", rationale="", by=isac)
    assessment = services.record_specialist_risk(
        referral=referral, level="high", rationale="Fixated; threats.", by=isac
    )
    assert referral.risk_assessments.get() == assessment


def test_milestones_only_a_court_hearing_may_be_ahead(referral, isac):
    services.record_milestone(
        referral=referral, kind="court", happened_on=date(2026, 7, 1), note="Trial", by=isac
    )
    with pytest.raises(ReferralError, match="court hearing"):
        services.record_milestone(
            referral=referral, kind="arrest", happened_on=date(2026, 7, 1), note="", by=isac
        )
    assert referral.milestones.count() == 1


def test_support_need_status_changes(referral, isac):
    need = services.add_support_need(referral=referral, kind="housing", notes="Move", by=isac)
    services.set_support_need_status(need=need, status="met", by=isac)
    need.refresh_from_db()
    assert need.status == "met"
    with pytest.raises(ReferralError):
        services.set_support_need_status(need=need, status="nonsense", by=isac)


def test_intake_answers_can_be_corrected(referral, isac):
    services.record_outcome(referral=referral, stage="intake", answers=GOOD, by=isac)
    services.record_outcome(
        referral=referral,
        stage="intake",
        answers=OutcomeAnswers(abuse="continuing", feels_safe=1, quality_of_life=2),
        by=isac,
    )
    intake = referral.outcomes.get()
    assert (intake.abuse, intake.feels_safe) == ("continuing", 1)
    with pytest.raises(ReferralError, match="1 to 5"):
        services.record_outcome(
            referral=referral,
            stage="exit",
            answers=OutcomeAnswers(abuse="stopped", feels_safe=6, quality_of_life=3),
            by=isac,
        )


def test_closing_casework_records_exit_outcomes_and_closes_the_referral(referral, isac):
    referral.share = CaseShare.objects.create(
        case=referral.case,
        agency=referral.agency,
        facets=["existence"],
        shared_by=referral.referred_by,
    )
    referral.save(update_fields=["share"])
    services.close_casework(
        referral=referral, reason="completed", notes="Support ended.", exit_answers=GOOD, by=isac
    )
    referral.refresh_from_db()
    assert referral.state == Referral.State.CLOSED
    assert referral.closed_at == timezone.now()
    exit_ = referral.outcomes.get(stage=OutcomeMeasure.Stage.EXIT)
    assert (exit_.abuse, exit_.feels_safe, exit_.quality_of_life) == ("reduced", 4, 3)
    assert not CaseShare.objects.filter(pk=referral.share_id, ended_at=None).exists()
    # Read-only afterwards.
    with pytest.raises(NotAllowed):
        services.record_contact(
            referral=referral,
            contact_at=NOW,
            channel="phone",
            outcome="made",
            notes="",
            by=isac,
        )


def test_a_failed_close_saves_no_exit_answers(referral, isac):
    with pytest.raises(ReferralError):
        services.close_casework(
            referral=referral, reason="not-a-reason", notes="", exit_answers=GOOD, by=isac
        )
    referral.refresh_from_db()
    assert referral.state == Referral.State.ACTIVE
    assert not referral.outcomes.exists()


def test_a_closed_referral_cannot_be_closed_again(open_case, isac_service, isac):
    referral = ReferralFactory(case=open_case, agency=isac_service, closed=True)
    with pytest.raises((IllegalTransition, NotAllowed)):
        services.close_casework(
            referral=referral, reason="completed", notes="", exit_answers=GOOD, by=isac
        )


def test_safety_plan_factory_matches_the_service_shape(referral):
    plan = SafetyPlanFactory(referral=referral)
    assert plan.is_current
    assert plan.version == 1

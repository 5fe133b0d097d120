"""E-mails: the right people, the right reference, and nothing personal in them."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.core import mail

from foundation.lib.working_time import LONDON
from referrals import notifications
from referrals.models import AdviceCategory
from referrals.services import advice as advice_services
from referrals.services import referrals as services
from referrals.services.referrals import ReferralDetails
from tests.factories import UserFactory
from tests.factories.referrals import AdviceRequestFactory, ReferralFactory, SafetyPlanFactory
from tests.referrals.conftest import REASON_SECRET, VICTIM_NAME, run_outbox

pytestmark = pytest.mark.django_db

QUESTION_SECRET = "QUESTION-SECRET about Ottoline"


def assert_no_personal_data(message) -> None:
    text = message.subject + message.body
    for secret in (VICTIM_NAME, REASON_SECRET, QUESTION_SECRET, "voicemail"):
        assert secret not in text


@pytest.fixture
def sent(open_case, isac_service, coordinator, isac, isac_manager, no_broker):
    referral = services.create_referral(
        case=open_case,
        details=ReferralDetails(
            agency=isac_service,
            reason=REASON_SECRET,
            urgency="urgent",
            consent="given",
            shared_items=["case_summary"],
            safe_contact="Never leave voicemail.",
        ),
        by=coordinator,
    )
    services.send_referral(referral=referral, by=coordinator)
    return referral


def test_a_sent_referral_is_announced_to_each_isac_of_the_service(
    sent, isac, isac_manager, outsider_isac, partner
):
    # A deactivated ISAC of the service is not told.
    UserFactory(roles=["isac"], agency=sent.agency, is_active=False)
    run_outbox()
    assert sorted(m.to[0] for m in mail.outbox) == sorted([isac.email, isac_manager.email])
    assert all(len(m.to) == 1 for m in mail.outbox)  # nobody sees the other recipients
    message = mail.outbox[0]
    assert sent.reference in message.subject
    assert "(urgent)" in message.subject
    assert sent.case.reference in message.body
    assert f"/referrals/{sent.pk}/" in message.body
    assert_no_personal_data(message)


def test_the_decision_goes_back_to_the_referrer(sent, coordinator, isac):
    run_outbox()
    mail.outbox.clear()
    services.decline_referral(referral=sent, reason=REASON_SECRET, by=isac)
    run_outbox()
    [message] = mail.outbox
    assert message.to == [coordinator.email]
    assert "declined" in message.subject
    assert sent.reference in message.subject
    assert_no_personal_data(message)


def test_allocation_tells_the_caseworker(sent, isac, isac_manager):
    services.accept_referral(referral=sent, by=isac_manager)
    run_outbox()
    mail.outbox.clear()
    services.allocate_referral(referral=sent, caseworker=isac, by=isac_manager)
    run_outbox()
    [message] = mail.outbox
    assert message.to == [isac.email]
    assert sent.reference in message.subject
    assert_no_personal_data(message)


def test_a_withdrawn_referral_is_not_announced_late(sent, coordinator):
    services.close_referral(referral=sent, reason="withdrawn", notes="", by=coordinator)
    run_outbox()
    assert mail.outbox == []


def test_answered_advice_emails_the_requester_without_the_answer(champion, coordinator, no_broker):
    advice = advice_services.submit_advice_request(
        category=AdviceCategory.RISK,
        urgency="routine",
        question=QUESTION_SECRET,
        crime_log_reference="",
        by=champion,
    )
    advice_services.answer_advice_request(advice=advice, answer="ANSWER-SECRET", by=coordinator)
    run_outbox()
    [message] = mail.outbox
    assert message.to == [champion.email]
    assert advice.reference in message.subject
    assert "ANSWER-SECRET" not in message.body
    assert f"/advice/{advice.pk}/" in message.body
    assert_no_personal_data(message)


def test_queue_recipients_by_category(coordinator, tactical_lead, solicitor, champion, no_broker):
    enhanced = UserFactory(roles=["champion"], is_enhanced_champion=True)
    general = set(notifications.advice_queue_users(AdviceCategory.RISK))
    legal = set(notifications.advice_queue_users(AdviceCategory.SPO_LEGAL))
    assert general == {coordinator, tactical_lead, enhanced}
    assert legal == {coordinator, tactical_lead, enhanced, solicitor}
    assert champion not in legal


def test_reminder_emails_render_their_reference(open_case, isac_service, isac, coordinator):
    referral = ReferralFactory(
        case=open_case,
        agency=isac_service,
        sent=True,
        reason=REASON_SECRET,
        referred_by=coordinator,
    )
    assert notifications.send_referral_overdue_reminder(referral) == 2  # isac + referrer
    advice = AdviceRequestFactory(
        question=QUESTION_SECRET, due_at=datetime(2026, 5, 12, 18, 0, tzinfo=LONDON)
    )
    assert notifications.send_advice_overdue_reminder(advice) == 1  # the coordinator
    assert notifications.send_advice_due_soon_reminder(advice) == 1
    plan = SafetyPlanFactory(
        referral=ReferralFactory(case=open_case, agency=isac_service, active=True, caseworker=isac)
    )
    assert notifications.send_safety_plan_review_reminder(plan) == 1
    subjects = [m.subject for m in mail.outbox]
    assert (
        subjects[:2] == [f"Reminder: referral {referral.reference} is waiting for a decision"] * 2
    )
    assert subjects[2] == f"Overdue: advice request {advice.reference}"
    assert subjects[3] == f"Advice request {advice.reference} is due by 18:00"
    assert subjects[4] == f"Safety plan review due: referral {plan.referral.reference}"
    assert "Tuesday 12 May 2026, 18:00" in mail.outbox[2].body
    assert mail.outbox[4].to == [isac.email]
    for message in mail.outbox:
        assert_no_personal_data(message)

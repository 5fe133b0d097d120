"""Advice requests: service levels, the crime-log link, answering, rating, guidance."""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine

from foundation.lib.working_time import LONDON
from referrals.errors import NotAllowed, ReferralError
from referrals.models import AdviceCategory, AdviceRequest, Guidance
from referrals.services import advice as services
from tests.factories import CrimeLogFactory
from tests.factories.referrals import AdviceRequestFactory
from tests.referrals.conftest import outbox_handlers

pytestmark = pytest.mark.django_db


def submit(user, **overrides):
    values = {
        "category": AdviceCategory.RECORDING,
        "urgency": AdviceRequest.Urgency.ROUTINE,
        "question": "Should this be recorded as stalking rather than harassment?",
        "crime_log_reference": "",
    }
    values.update(overrides)
    return services.submit_advice_request(by=user, **values)


@pytest.mark.parametrize(
    ("submitted", "urgency", "due", "due_soon"),
    [
        # The brief: urgent at 17:00 on the Friday before a bank-holiday Monday -> 11:00 Tuesday.
        (
            datetime(2026, 5, 1, 17, 0, tzinfo=LONDON),
            "urgent",
            datetime(2026, 5, 5, 11, 0, tzinfo=LONDON),
            datetime(2026, 5, 5, 10, 0, tzinfo=LONDON),
        ),
        # Urgent in the evening: the clock starts at 08:00 the next working day.
        (
            datetime(2026, 5, 12, 20, 30, tzinfo=LONDON),
            "urgent",
            datetime(2026, 5, 13, 12, 0, tzinfo=LONDON),
            datetime(2026, 5, 13, 11, 0, tzinfo=LONDON),
        ),
        # The brief: routine on a Saturday -> end of Tuesday.
        (
            datetime(2026, 5, 9, 10, 0, tzinfo=LONDON),
            "routine",
            datetime(2026, 5, 12, 18, 0, tzinfo=LONDON),
            datetime(2026, 5, 12, 17, 0, tzinfo=LONDON),
        ),
        # Routine on Wednesday morning -> end of Thursday.
        (
            datetime(2026, 5, 13, 9, 0, tzinfo=LONDON),
            "routine",
            datetime(2026, 5, 14, 18, 0, tzinfo=LONDON),
            datetime(2026, 5, 14, 17, 0, tzinfo=LONDON),
        ),
        # Routine on Christmas Eve after hours -> Tuesday 29th and Wednesday 30th December.
        (
            datetime(2026, 12, 24, 18, 30, tzinfo=LONDON),
            "routine",
            datetime(2026, 12, 30, 18, 0, tzinfo=LONDON),
            datetime(2026, 12, 30, 17, 0, tzinfo=LONDON),
        ),
    ],
)
def test_due_times_follow_working_hours(champion, no_broker, submitted, urgency, due, due_soon):
    with time_machine.travel(submitted, tick=False):
        advice = submit(champion, urgency=urgency)
    assert advice.submitted_at == submitted
    assert advice.due_at == due
    assert advice.due_soon_at == due_soon


def test_urgent_requests_alert_the_queue_routine_ones_do_not(champion, no_broker):
    submit(champion, urgency="routine")
    assert outbox_handlers() == []
    submit(champion, urgency="urgent")
    assert outbox_handlers() == ["send_urgent_advice_email"]


def test_only_officers_and_champions_submit(coordinator, isac, officer, no_broker):
    for user in (coordinator, isac):
        with pytest.raises(NotAllowed):
            submit(user)
    with pytest.raises(ReferralError, match="question"):
        submit(officer, question="   ")
    with pytest.raises(ReferralError, match="about"):
        submit(officer, category="nonsense")
    assert not AdviceRequest.objects.exists()


def test_a_known_crime_log_reference_is_linked(officer, no_broker):
    log = CrimeLogFactory(reference="NS/26/0001234")
    linked = submit(officer, crime_log_reference=" ns/26/0001234 ")
    assert linked.crime_log == log
    assert linked.crime_log_reference == "NS/26/0001234"
    unknown = submit(officer, crime_log_reference="NS/26/9999999")
    assert unknown.crime_log is None
    assert unknown.crime_log_reference == "NS/26/9999999"


def test_an_ambiguous_reference_links_nothing(officer, no_broker):
    CrimeLogFactory(reference="DUP-1", source="rms")
    CrimeLogFactory(reference="DUP-1", source="other")
    assert submit(officer, crime_log_reference="DUP-1").crime_log is None


def test_answering_records_who_and_emails_the_requester(champion, enhanced_champion, no_broker):
    advice = submit(champion)
    services.answer_advice_request(
        advice=advice, answer="Yes, record it as stalking.", by=enhanced_champion
    )
    advice.refresh_from_db()
    assert advice.answered_by == enhanced_champion
    assert advice.answered_at is not None
    assert outbox_handlers() == ["send_advice_answered_email"]
    with pytest.raises(ReferralError, match="already been answered"):
        services.answer_advice_request(advice=advice, answer="Again", by=enhanced_champion)


def test_who_answers_what(champion, other_champion, solicitor, no_broker):
    question = submit(champion)
    legal = submit(champion, category=AdviceCategory.SPO_LEGAL)
    for user in (champion, other_champion, solicitor):
        with pytest.raises(NotAllowed):
            services.answer_advice_request(advice=question, answer="x", by=user)
    services.answer_advice_request(advice=legal, answer="Apply for an interim SPO.", by=solicitor)
    with pytest.raises(ReferralError, match="Write"):
        services.answer_advice_request(advice=question, answer=" ", by=solicitor)


def test_only_the_requester_rates_and_only_once_answered(champion, other_champion, coordinator):
    advice = AdviceRequestFactory(requester=champion)
    with pytest.raises(ReferralError, match="answered"):
        services.rate_advice(advice=advice, rating="useful", by=champion)
    advice = AdviceRequestFactory(requester=champion, answered=True)
    with pytest.raises(NotAllowed):
        services.rate_advice(advice=advice, rating="useful", by=other_champion)
    services.rate_advice(advice=advice, rating="not_useful", by=champion)
    services.rate_advice(advice=advice, rating="useful", by=champion)
    advice.refresh_from_db()
    assert advice.rating == "useful"


def test_guidance_is_written_by_the_hub(coordinator, enhanced_champion):
    source = AdviceRequestFactory(answered=True)
    guidance = services.create_guidance(
        title="Harassment or stalking?",
        body="Look for fixated, obsessive, unwanted, repeated behaviour.",
        category=AdviceCategory.RECORDING,
        is_published=True,
        source_request=source,
        by=coordinator,
    )
    assert guidance.source_request == source
    with pytest.raises(NotAllowed):
        services.create_guidance(
            title="x", body="y", category="risk", is_published=True, by=enhanced_champion
        )
    services.update_guidance(
        guidance=guidance,
        title="New",
        body="Body",
        category="risk",
        is_published=False,
        by=coordinator,
    )
    guidance.refresh_from_db()
    assert (guidance.title, guidance.is_published) == ("New", False)
    assert Guidance.objects.count() == 1

"""Advice-request pages: who sees which request, the queue, guidance before asking, answering,
rating, and query counts."""

from __future__ import annotations

import pytest
from django.urls import reverse

from referrals.models import AdviceCategory, AdviceRequest, Guidance
from tests.factories import CrimeLogFactory, UserFactory
from tests.factories.referrals import AdviceRequestFactory, GuidanceFactory
from tests.referrals.test_views_referrals import EVERYONE, assert_denied, count_queries

pytestmark = pytest.mark.django_db

QUESTION = "QUESTION-SECRET: is following her to the gym enough for a course of conduct?"
ADVICE_EVERYONE = [*EVERYONE, "enhanced_champion", "other_champion"]
QUEUE = {"coordinator", "tactical_lead", "enhanced_champion"}


@pytest.fixture
def question(champion):
    return AdviceRequestFactory(requester=champion, category=AdviceCategory.RISK, question=QUESTION)


@pytest.fixture
def legal(champion):
    return AdviceRequestFactory(requester=champion, legal=True, question=QUESTION)


def opens(client, user, url) -> bool:
    client.force_login(user)
    response = client.get(url)
    if response.status_code == 404:
        assert_denied(response, QUESTION)
        return False
    assert response.status_code == 200
    return True


@pytest.mark.parametrize("who", ADVICE_EVERYONE)
def test_detail_matrix(client, request, who, question, legal):
    user = request.getfixturevalue(who)
    # A champion asking for someone else's request gets 404; the requester and the queue see it.
    expected = who in QUEUE | {"champion"}
    assert opens(client, user, reverse("referrals:advice_detail", args=[question.pk])) == expected
    expected_legal = who in QUEUE | {"champion", "solicitor"}
    assert (
        opens(client, user, reverse("referrals:advice_detail", args=[legal.pk])) == expected_legal
    )


@pytest.mark.parametrize("who", ADVICE_EVERYONE)
def test_answer_page_matrix(client, request, who, question, legal):
    user = request.getfixturevalue(who)
    assert opens(client, user, reverse("referrals:advice_answer", args=[question.pk])) == (
        who in QUEUE
    )
    assert opens(client, user, reverse("referrals:advice_answer", args=[legal.pk])) == (
        who in QUEUE | {"solicitor"}
    )


@pytest.mark.parametrize("who", ADVICE_EVERYONE)
def test_guidance_from_request_matrix(client, request, who, champion):
    answered = AdviceRequestFactory(requester=champion, answered=True, question=QUESTION)
    url = reverse("referrals:guidance_from_request", args=[answered.pk])
    assert opens(client, request.getfixturevalue(who), url) == (
        who in {"coordinator", "tactical_lead"}
    )


@pytest.mark.parametrize("who", ADVICE_EVERYONE)
def test_guidance_edit_matrix(client, request, who):
    guidance = GuidanceFactory()
    url = reverse("referrals:guidance_edit", args=[guidance.pk])
    assert opens(client, request.getfixturevalue(who), url) == (
        who in {"coordinator", "tactical_lead"}
    )


@pytest.mark.parametrize("who", ADVICE_EVERYONE)
def test_rating_is_the_requesters_alone(client, request, who, champion):
    answered = AdviceRequestFactory(requester=champion, answered=True, question=QUESTION)
    client.force_login(request.getfixturevalue(who))
    response = client.post(
        reverse("referrals:advice_rate", args=[answered.pk]), {"rating": "useful"}
    )
    answered.refresh_from_db()
    if who == "champion":
        assert response.status_code == 302
        assert answered.rating == "useful"
    else:
        assert_denied(response, QUESTION)
        assert answered.rating == ""


def test_enhanced_champion_sees_the_queue_ordinary_champion_only_their_own(
    client, champion, other_champion, enhanced_champion, question
):
    AdviceRequestFactory(requester=other_champion)
    client.force_login(champion)
    mine = client.get(reverse("referrals:advice_mine")).context["page"]
    assert [a.pk for a in mine] == [question.pk]
    assert client.get(reverse("referrals:advice_queue")).status_code == 404
    client.force_login(enhanced_champion)
    queue = client.get(reverse("referrals:advice_queue")).context["page"]
    assert len(queue) == 2
    assert (
        reverse("referrals:advice_queue")
        in client.get(reverse("referrals:advice_mine")).content.decode()
    )


def test_solicitor_queue_holds_only_spo_legal(client, solicitor, question, legal):
    client.force_login(solicitor)
    queue = client.get(reverse("referrals:advice_queue")).context["page"]
    assert [a.pk for a in queue] == [legal.pk]


def test_queue_shows_age_against_the_sla(client, coordinator, champion):
    AdviceRequestFactory(requester=champion)  # due in 2026: overdue by now
    client.force_login(coordinator)
    body = client.get(reverse("referrals:advice_queue")).content.decode()
    assert "Overdue" in body


def test_queue_is_soonest_due_first_and_answered_ones_are_separate(client, coordinator):
    late = AdviceRequestFactory(urgent=True)
    early = AdviceRequestFactory()
    early.due_at = late.due_at.replace(year=2025)
    early.save()
    answered = AdviceRequestFactory(answered=True)
    client.force_login(coordinator)
    open_page = client.get(reverse("referrals:advice_queue")).context["page"]
    assert [a.pk for a in open_page] == [early.pk, late.pk]
    answered_page = client.get(reverse("referrals:advice_queue") + "?show=answered").context["page"]
    assert [a.pk for a in answered_page] == [answered.pk]


@pytest.mark.parametrize(
    ("url_name", "who"),
    [
        ("referrals:advice_queue", "coordinator"),
        ("referrals:advice_mine", "champion"),
        ("referrals:guidance_list", "coordinator"),
    ],
)
def test_advice_lists_queries_stay_flat(client, request, url_name, who, champion):
    client.force_login(request.getfixturevalue(who))
    AdviceRequestFactory.create_batch(2, requester=champion)
    GuidanceFactory.create_batch(2)
    few = count_queries(client, reverse(url_name))
    AdviceRequestFactory.create_batch(20, requester=champion, answered=True)
    AdviceRequestFactory.create_batch(20, requester=champion)
    GuidanceFactory.create_batch(20)
    assert count_queries(client, reverse(url_name)) == few


def test_guidance_for_the_chosen_topic_is_shown_before_submitting(client, champion):
    GuidanceFactory(title="Harassment or stalking?", category=AdviceCategory.RECORDING)
    GuidanceFactory(title="Unpublished draft", category=AdviceCategory.RECORDING, draft=True)
    GuidanceFactory(title="About risk", category=AdviceCategory.RISK)
    client.force_login(champion)
    topic = client.get(reverse("referrals:advice_create")).content.decode()
    assert "What is your question about?" in topic
    body = client.get(reverse("referrals:advice_create") + "?category=recording").content.decode()
    assert "Harassment or stalking?" in body
    assert "Unpublished draft" not in body
    assert "About risk" not in body
    assert 'value="recording" selected' in body


def test_submitting_and_bad_input(client, officer, no_broker):
    client.force_login(officer)
    url = reverse("referrals:advice_create")
    response = client.post(url, {"category": "risk", "urgency": "urgent", "question": ""})
    assert "This field is required" in response.content.decode()
    response = client.post(url, {"category": "nonsense", "urgency": "urgent", "question": "Q?"})
    assert "Select a valid choice" in response.content.decode()
    assert not AdviceRequest.objects.exists()
    response = client.post(url, {"category": "risk", "urgency": "urgent", "question": "Q?"})
    advice = AdviceRequest.objects.get()
    assert response.url == reverse("referrals:advice_detail", args=[advice.pk])
    assert advice.requester == officer


def test_the_requester_is_told_nothing_about_a_matched_log(
    client, champion, coordinator, no_broker
):
    log = CrimeLogFactory(reference="NS/26/0000777", narrative="NARRATIVE-SECRET")
    client.force_login(champion)
    client.post(
        reverse("referrals:advice_create"),
        {
            "category": "risk",
            "urgency": "routine",
            "question": "Q?",
            "crime_log_reference": log.reference,
        },
    )
    advice = AdviceRequest.objects.get()
    assert advice.crime_log == log
    log_url = reverse("cases:log_detail", args=[log.pk])
    body = client.get(advice.get_absolute_url()).content.decode()
    assert log.reference in body  # what they typed
    assert log_url not in body
    assert "NARRATIVE-SECRET" not in body
    client.force_login(coordinator)
    assert log_url in client.get(advice.get_absolute_url()).content.decode()


def test_answering_through_the_page_then_the_requester_reads_and_rates(
    client, champion, enhanced_champion, question, no_broker
):
    client.force_login(enhanced_champion)
    url = reverse("referrals:advice_answer", args=[question.pk])
    response = client.post(url, {"answer": ""})
    assert "This field is required" in response.content.decode()
    client.post(url, {"answer": "Yes: two or more incidents are a course of conduct."})
    client.force_login(champion)
    body = client.get(question.get_absolute_url()).content.decode()
    assert "two or more incidents" in body
    assert "Was this answer useful?" in body
    client.post(reverse("referrals:advice_rate", args=[question.pk]), {"rating": "not_useful"})
    question.refresh_from_db()
    assert question.rating == "not_useful"
    # Answering twice is refused politely.
    client.force_login(enhanced_champion)
    response = client.get(url)
    assert response.status_code == 302


def test_turning_an_answer_into_guidance(client, coordinator, champion):
    answered = AdviceRequestFactory(requester=champion, answered=True, category="recording")
    client.force_login(coordinator)
    url = reverse("referrals:guidance_from_request", args=[answered.pk])
    assert answered.answer in client.get(url).content.decode()
    client.post(
        url,
        {
            "title": "Course of conduct",
            "category": "recording",
            "body": "Two incidents.",
            "is_published": "on",
        },
    )
    guidance = Guidance.objects.get()
    assert guidance.source_request == answered
    assert guidance.is_published
    assert guidance.created_by == coordinator


def test_deactivated_users_see_nothing(client, question):
    leaver = UserFactory(roles=["coordinator"], is_active=False)
    client.force_login(leaver)
    response = client.get(reverse("referrals:advice_detail", args=[question.pk]))
    assert response.status_code in (302, 404)


def test_continuing_without_a_topic_says_so(client, officer):
    client.force_login(officer)
    body = client.get(reverse("referrals:advice_create") + "?step=topic").content.decode()
    assert "What is your question about?" in body
    assert "This field is required" in body


@pytest.mark.parametrize(
    ("reference", "accepted"),
    [
        ("NS/25/0012345", True),
        ("a1-2", True),
        ("anything at all", False),
        ("ABC/DEF", False),
        ("<b>12</b>", False),
        ("12", False),
    ],
)
def test_a_crime_log_reference_must_look_like_one(client, officer, no_broker, reference, accepted):
    client.force_login(officer)
    response = client.post(
        reverse("referrals:advice_create"),
        {
            "category": "risk",
            "urgency": "routine",
            "question": "Q?",
            "crime_log_reference": reference,
        },
    )
    assert AdviceRequest.objects.exists() is accepted
    if not accepted:
        body = response.content.decode()
        assert "does not look like a crime log reference" in body
        assert body.count("does not look like a crime log reference") == 1


def test_a_question_is_capped_with_a_clear_message(client, officer, no_broker):
    client.force_login(officer)
    url = reverse("referrals:advice_create")
    response = client.post(
        url, {"category": "risk", "urgency": "routine", "question": "x" * 60_000}
    )
    body = response.content.decode()
    assert "Keep the question to 5,000 characters (this one has 60000)" in body
    assert not AdviceRequest.objects.exists()
    client.post(url, {"category": "risk", "urgency": "routine", "question": "x" * 5000})
    assert AdviceRequest.objects.count() == 1

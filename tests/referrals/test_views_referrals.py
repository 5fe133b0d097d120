"""Referral pages: the permission matrix for every URL, bad input, flows, query counts."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from foundation.audit.models import AccessRecord
from referrals.models import Referral
from tests.conftest import ROLE_FIXTURES
from tests.factories import CaseFactory
from tests.factories.referrals import ReferralFactory
from tests.referrals.conftest import REASON_SECRET

pytestmark = pytest.mark.django_db

EVERYONE = [*ROLE_FIXTURES, "outsider_isac", "outsider_partner", "isac_manager"]
HUB_READ = {"coordinator", "tactical_lead", "solicitor"}
REFERRERS = {"coordinator", "tactical_lead"}


def assert_denied(response, *secrets: str) -> None:
    assert response.status_code == 404
    body = response.content.decode()
    assert "Not found" in body
    for secret in secrets:
        assert secret not in body


def check(client, user, url, allowed: bool, *secrets: str, method: str = "get"):
    client.force_login(user)
    response = getattr(client, method)(url)
    if allowed:
        assert response.status_code == 200, (url, response.status_code)
    else:
        assert_denied(response, *secrets)
    return response


@pytest.fixture
def isac_referral(open_case, isac_service, isac):
    return ReferralFactory(
        case=open_case, agency=isac_service, active=True, caseworker=isac, reason=REASON_SECRET
    )


@pytest.fixture
def probation_referral(open_case, probation):
    return ReferralFactory(case=open_case, agency=probation, active=True, reason=REASON_SECRET)


@pytest.mark.parametrize("who", EVERYONE)
def test_detail_matrix_isac_referral(client, request, who, isac_referral):
    allowed = who in HUB_READ | {"isac", "isac_manager"}
    url = reverse("referrals:detail", args=[isac_referral.pk])
    response = check(client, request.getfixturevalue(who), url, allowed, REASON_SECRET)
    if allowed:
        assert REASON_SECRET in response.content.decode()
        assert "Never leave voicemail" in response.content.decode()


@pytest.mark.parametrize("who", EVERYONE)
def test_detail_matrix_partner_referral(client, request, who, probation_referral):
    allowed = who in HUB_READ | {"partner"}
    url = reverse("referrals:detail", args=[probation_referral.pk])
    check(client, request.getfixturevalue(who), url, allowed, REASON_SECRET)


@pytest.mark.parametrize("who", EVERYONE)
def test_a_draft_is_the_hubs_own(client, request, who, open_case, isac_service):
    draft = ReferralFactory(case=open_case, agency=isac_service, reason=REASON_SECRET)
    check(
        client,
        request.getfixturevalue(who),
        reverse("referrals:detail", args=[draft.pk]),
        who in HUB_READ,
        REASON_SECRET,
    )
    check(
        client,
        request.getfixturevalue(who),
        reverse("referrals:edit", args=[draft.pk]),
        who in REFERRERS,
        REASON_SECRET,
    )


@pytest.mark.parametrize("who", EVERYONE)
@pytest.mark.parametrize("action", ["accept", "decline"])
def test_only_the_receiving_service_decides(client, request, who, action, open_case, isac_service):
    referral = ReferralFactory(case=open_case, agency=isac_service, sent=True, reason=REASON_SECRET)
    url = reverse(f"referrals:{action}", args=[referral.pk])
    check(client, request.getfixturevalue(who), url, who in {"isac", "isac_manager"}, REASON_SECRET)


@pytest.mark.parametrize("who", EVERYONE)
def test_allocation_page_matrix(client, request, who, open_case, isac_service):
    referral = ReferralFactory(case=open_case, agency=isac_service, accepted=True)
    url = reverse("referrals:allocate", args=[referral.pk])
    check(client, request.getfixturevalue(who), url, who in {"isac", "isac_manager"})


@pytest.mark.parametrize("who", EVERYONE)
def test_close_page_matrix(client, request, who, probation_referral):
    url = reverse("referrals:close", args=[probation_referral.pk])
    check(client, request.getfixturevalue(who), url, who in REFERRERS | {"partner"}, REASON_SECRET)


@pytest.mark.parametrize("who", EVERYONE)
@pytest.mark.parametrize("action", ["send", "start"])
def test_post_only_actions_are_404_for_outsiders(client, request, who, action, probation_referral):
    allowed_roles = {"send": REFERRERS, "start": {"partner"}}[action]
    client.force_login(request.getfixturevalue(who))
    response = client.post(reverse(f"referrals:{action}", args=[probation_referral.pk]))
    if who in allowed_roles:
        assert response.status_code == 302  # a stale action is a message, not an error page
    else:
        assert_denied(response, REASON_SECRET)
    probation_referral.refresh_from_db()
    assert probation_referral.state == Referral.State.ACTIVE


def test_get_never_changes_state(client, coordinator, open_case, isac_service):
    draft = ReferralFactory(case=open_case, agency=isac_service)
    client.force_login(coordinator)
    assert client.get(reverse("referrals:send", args=[draft.pk])).status_code == 405
    draft.refresh_from_db()
    assert draft.state == Referral.State.DRAFT


def test_denied_and_allowed_reads_are_recorded(client, isac_referral, isac, outsider_isac):
    url = reverse("referrals:detail", args=[isac_referral.pk])
    client.force_login(outsider_isac)
    client.get(url)
    client.force_login(isac)
    client.get(url)
    records = AccessRecord.objects.filter(
        object_type="referrals.referral", object_id=str(isac_referral.pk)
    )
    assert {(r.user_id, r.outcome) for r in records} == {
        (outsider_isac.pk, AccessRecord.Outcome.DENIED),
        (isac.pk, AccessRecord.Outcome.ALLOWED),
    }


def test_isac_closing_is_sent_to_the_casework_close_page(client, isac, isac_referral):
    client.force_login(isac)
    response = client.get(reverse("referrals:close", args=[isac_referral.pk]))
    assert response.status_code == 302
    assert response.url == reverse("referrals:casework_close", args=[isac_referral.pk])


# --- Flows through the pages ------------------------------------------------------------------


def form_data(case, agency, **overrides):
    data = {
        "case_reference": case.reference,
        "agency": agency.pk,
        "urgency": "routine",
        "reason": "Victim asks for advocacy.",
        "consent": "given",
        "shared_items": ["case_summary", "victim_contact"],
        "safe_contact": "Never leave voicemail.",
    }
    data.update(overrides)
    return data


def test_drafting_sending_and_accepting_through_the_pages(
    client, coordinator, isac, open_case, isac_service, no_broker
):
    client.force_login(coordinator)
    url = reverse("referrals:create") + f"?case={open_case.pk}"
    assert open_case.reference in client.get(url).content.decode()
    response = client.post(url, form_data(open_case, isac_service))
    referral = Referral.objects.get()
    assert response.url == reverse("referrals:detail", args=[referral.pk])
    client.post(reverse("referrals:send", args=[referral.pk]))
    referral.refresh_from_db()
    assert referral.state == Referral.State.SENT

    client.force_login(isac)
    client.post(reverse("referrals:accept", args=[referral.pk]), {"take_it": "on"})
    referral.refresh_from_db()
    assert (referral.state, referral.caseworker) == (Referral.State.ACTIVE, isac)


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"reason": ""}, "This field is required"),
        ({"case_reference": "SH-0000-99999"}, "No case with that reference"),
        ({"consent": "maybe"}, "Select a valid choice"),
    ],
)
def test_bad_input_is_explained_and_nothing_is_saved(
    client, coordinator, open_case, isac_service, overrides, error
):
    client.force_login(coordinator)
    response = client.post(
        reverse("referrals:create"), form_data(open_case, isac_service, **overrides)
    )
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not Referral.objects.exists()


def test_a_closed_case_cannot_be_referred(client, coordinator, isac_service):
    case = CaseFactory(closed=True)
    client.force_login(coordinator)
    response = client.post(reverse("referrals:create"), form_data(case, isac_service))
    assert "only open cases are referred" in response.content.decode()
    assert not Referral.objects.exists()


def test_sending_without_consent_or_reason_is_refused_with_a_message(
    client, coordinator, open_case, isac_service, no_broker
):
    client.force_login(coordinator)
    client.post(reverse("referrals:create"), form_data(open_case, isac_service, consent="refused"))
    referral = Referral.objects.get()
    detail = client.get(referral.get_absolute_url()).content.decode()
    assert "has not consented" in detail
    response = client.post(reverse("referrals:send", args=[referral.pk]))
    assert "has not consented" in " ".join(str(m) for m in get_messages(response.wsgi_request))
    referral.refresh_from_db()
    assert referral.state == Referral.State.DRAFT


def test_a_decision_on_a_stale_page_is_a_message(
    client, isac, isac_manager, open_case, isac_service
):
    referral = ReferralFactory(case=open_case, agency=isac_service, declined=True)
    client.force_login(isac)
    response = client.post(reverse("referrals:accept", args=[referral.pk]), {})
    assert response.status_code == 302
    assert "cannot become accepted" in " ".join(str(m) for m in get_messages(response.wsgi_request))


# --- Lists stay at a fixed number of queries --------------------------------------------------


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("who", ["coordinator", "isac"])
def test_referral_list_queries_stay_flat(client, request, who, isac_service, coordinator):
    user = request.getfixturevalue(who)
    client.force_login(user)
    url = reverse("referrals:list")
    ReferralFactory.create_batch(3, agency=isac_service, active=True)
    few = count_queries(client, url)
    ReferralFactory.create_batch(25, agency=isac_service, active=True)
    many = count_queries(client, url)
    assert few == many
    assert many <= 12


def test_isac_list_shows_only_their_agency(client, isac, isac_service, probation, other_agency):
    mine = ReferralFactory(agency=isac_service, sent=True)
    ReferralFactory(agency=other_agency, sent=True)
    ReferralFactory(agency=probation, sent=True)
    ReferralFactory(agency=isac_service)  # a draft is not addressed to anyone yet
    client.force_login(isac)
    page = client.get(reverse("referrals:list")).context["page"]
    assert [r.pk for r in page] == [mine.pk]


def test_referral_detail_queries_are_bounded(
    client, coordinator, isac_referral, django_assert_max_num_queries
):
    client.force_login(coordinator)
    with django_assert_max_num_queries(15):
        client.get(reverse("referrals:detail", args=[isac_referral.pk]))


def test_the_hub_list_says_what_it_lists_with_the_agency_and_links_to_open_cases(
    client, solicitor, partner, open_case, probation, isac_service
):
    draft = ReferralFactory(case=open_case, agency=isac_service)
    sent = ReferralFactory(case=open_case, agency=probation, sent=True)
    client.force_login(solicitor)
    body = client.get(reverse("referrals:list")).content.decode()
    assert "Referrals addressed to" not in body
    assert "drafts included" in body
    assert draft.reference in body
    assert isac_service.name in body
    assert probation.name in body
    assert f'href="{reverse("cases:detail", args=[open_case.pk])}"' in body
    # The partner's list: their own agency's, and the case is a link only while shared.
    client.force_login(partner)
    body = client.get(reverse("referrals:list")).content.decode()
    assert f"Referrals addressed to {probation.name}" in body
    assert sent.reference in body
    assert draft.reference not in body
    assert f'href="{reverse("cases:detail", args=[open_case.pk])}"' not in body

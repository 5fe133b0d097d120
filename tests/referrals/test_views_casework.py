"""Casework pages: the ISAC service's own, the coordinator's only with consent; safe-contact
instructions on every page; bad input; query counts."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from foundation.audit.models import AccessRecord
from referrals.models import Contact, Referral, SafetyPlan
from tests.factories.referrals import (
    ContactFactory,
    OutcomeMeasureFactory,
    ReferralFactory,
    SafetyPlanFactory,
)
from tests.referrals.test_views_referrals import EVERYONE, assert_denied, count_queries

pytestmark = pytest.mark.django_db

NOTE_SECRET = "CONTACT-SECRET spoke about her new address"
SAFE_CONTACT = "Never leave voicemail. Text first from a withheld number."
SERVICE = {"isac", "isac_manager"}

READ_PAGES = ["casework", "safety_plan"]
WRITE_PAGES = [
    "contact_create",
    "risk_create",
    "safety_plan_create",
    "need_create",
    "milestone_create",
    "intake_outcome",
    "casework_close",
]


@pytest.fixture
def consented(open_case, isac_service, isac):
    referral = ReferralFactory(case=open_case, agency=isac_service, active=True, caseworker=isac)
    ContactFactory(referral=referral, notes=NOTE_SECRET, recorded_by=isac)
    SafetyPlanFactory(referral=referral, created_by=isac)
    return referral


@pytest.fixture
def not_consented(open_case, isac_service, isac):
    referral = ReferralFactory(
        case=open_case, agency=isac_service, active=True, caseworker=isac, without_consent=True
    )
    ContactFactory(referral=referral, notes=NOTE_SECRET, recorded_by=isac)
    return referral


def get(client, user, name, referral, *extra):
    client.force_login(user)
    return client.get(reverse(f"referrals:{name}", args=[referral.pk, *extra]))


def assert_recorded(client, user, name, referral, allowed: bool):
    """One more attempt at the page: the door records it on the referral with what the user
    got (allowed, or denied and a 404), and nothing else the other way."""
    before = AccessRecord.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    get(client, user, name, referral)
    written = AccessRecord.objects.filter(pk__gt=before, user=user)
    expected = "allowed" if allowed else "denied"
    assert set(written.values_list("outcome", flat=True)) == {expected}, (name, expected)
    assert written.filter(object_type="referrals.referral", object_id=str(referral.pk)).exists()


@pytest.mark.parametrize("who", EVERYONE)
@pytest.mark.parametrize("page", READ_PAGES)
def test_casework_read_matrix_with_consent(client, request, who, page, consented):
    user = request.getfixturevalue(who)
    response = get(client, user, page, consented)
    if who in SERVICE | {"coordinator"}:
        assert response.status_code == 200
    else:
        assert_denied(response, NOTE_SECRET, SAFE_CONTACT)
    assert_recorded(client, user, page, consented, who in SERVICE | {"coordinator"})


@pytest.mark.parametrize("who", EVERYONE)
def test_without_consent_police_roles_never_see_casework(client, request, who, not_consented):
    response = get(client, request.getfixturevalue(who), "casework", not_consented)
    if who in SERVICE:
        assert response.status_code == 200
        assert NOTE_SECRET in response.content.decode()
    else:
        assert_denied(response, NOTE_SECRET)


@pytest.mark.parametrize("who", EVERYONE)
@pytest.mark.parametrize("page", WRITE_PAGES)
def test_only_the_service_opens_the_write_pages(client, request, who, page, consented):
    user = request.getfixturevalue(who)
    response = get(client, user, page, consented)
    if who in SERVICE:
        assert response.status_code == 200
        assert SAFE_CONTACT in response.content.decode()
    else:
        assert_denied(response, NOTE_SECRET, SAFE_CONTACT)
    assert_recorded(client, user, page, consented, who in SERVICE)


def test_safe_contact_instructions_head_every_casework_page(client, isac, consented):
    for page in READ_PAGES + WRITE_PAGES:
        body = get(client, isac, page, consented).content.decode()
        assert "Safe-contact instructions" in body
        assert SAFE_CONTACT in body
        assert body.index(SAFE_CONTACT) < body.index("<h1")
    body = get(client, isac, "safety_plan_version", consented, 1).content.decode()
    assert SAFE_CONTACT in body


def test_partner_referrals_have_no_casework(client, partner, coordinator, open_case, probation):
    referral = ReferralFactory(case=open_case, agency=probation, active=True)
    for user in (partner, coordinator):
        assert_denied(get(client, user, "casework", referral))


def test_closed_casework_is_read_only(client, isac, open_case, isac_service):
    referral = ReferralFactory(case=open_case, agency=isac_service, closed=True, caseworker=isac)
    assert get(client, isac, "casework", referral).status_code == 200
    assert_denied(get(client, isac, "contact_create", referral))


def test_coordinator_reads_but_cannot_write(client, coordinator, consented):
    body = get(client, coordinator, "casework", consented).content.decode()
    assert NOTE_SECRET in body
    assert "Record a contact" not in body
    client.force_login(coordinator)
    response = client.post(
        reverse("referrals:contact_create", args=[consented.pk]),
        {"contact_at": "2026-05-12T10:00", "channel": "phone", "outcome": "made"},
    )
    assert_denied(response)


def test_recording_a_contact_and_bad_input(client, isac, consented):
    client.force_login(isac)
    url = reverse("referrals:contact_create", args=[consented.pk])
    future = (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(url, {"contact_at": future, "channel": "phone", "outcome": "made"})
    assert "cannot be in the future" in response.content.decode()
    response = client.post(url, {"contact_at": "", "channel": "phone", "outcome": "made"})
    assert "This field is required" in response.content.decode()
    assert consented.contacts.count() == 1
    past = (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        url, {"contact_at": past, "channel": "text", "outcome": "attempted", "notes": "No reply"}
    )
    assert response.status_code == 302
    assert consented.contacts.filter(channel=Contact.Channel.TEXT).exists()


def test_saving_the_plan_makes_a_version_and_old_ones_stay_readable(client, isac, consented):
    client.force_login(isac)
    review = (timezone.localdate() + timedelta(days=14)).isoformat()
    form = client.get(reverse("referrals:safety_plan_create", args=[consented.pk]))
    assert "Vary the route to work" in form.content.decode()  # prefilled from the current one
    client.post(
        reverse("referrals:safety_plan_create", args=[consented.pk]),
        {
            "measures": "Panic alarm fitted.",
            "responsibilities": "Police: alarm.",
            "review_on": review,
        },
    )
    assert list(consented.safety_plans.values_list("version", "is_current")) == [
        (2, True),
        (1, False),
    ]
    old = get(client, isac, "safety_plan_version", consented, 1).content.decode()
    assert "Vary the route to work" in old
    assert "earlier version" in old
    assert get(client, isac, "safety_plan_version", consented, 9).status_code == 404


def test_closing_casework_through_the_page(client, isac, consented):
    OutcomeMeasureFactory(referral=consented, recorded_by=isac)
    client.force_login(isac)
    url = reverse("referrals:casework_close", args=[consented.pk])
    response = client.post(url, {"reason": "completed", "abuse": "stopped"})
    assert "This field is required" in response.content.decode()
    consented.refresh_from_db()
    assert consented.state == Referral.State.ACTIVE
    client.post(
        url,
        {"reason": "completed", "abuse": "stopped", "feels_safe": "4", "quality_of_life": "5"},
    )
    consented.refresh_from_db()
    assert consented.state == Referral.State.ACTIVE  # confidence in the police: unanswered
    client.post(
        url,
        {
            "reason": "completed",
            "abuse": "stopped",
            "feels_safe": "4",
            "quality_of_life": "5",
            "police_confidence": "declined",
        },
    )
    consented.refresh_from_db()
    assert consented.state == Referral.State.CLOSED
    assert consented.outcomes.count() == 2
    assert consented.outcomes.get(stage="exit").confidence_declined


def test_support_need_status_is_a_post(client, isac, consented):
    client.force_login(isac)
    client.post(
        reverse("referrals:need_create", args=[consented.pk]), {"kind": "housing", "notes": ""}
    )
    need = consented.support_needs.get()
    url = reverse("referrals:need_status", args=[consented.pk, need.pk])
    assert client.get(url).status_code == 405
    client.post(url, {"status": "met"})
    need.refresh_from_db()
    assert need.status == "met"


def test_casework_page_queries_stay_flat(client, isac, consented):
    client.force_login(isac)
    url = reverse("referrals:casework", args=[consented.pk])
    few = count_queries(client, url)
    ContactFactory.create_batch(20, referral=consented, recorded_by=isac)
    assert count_queries(client, url) == few


def test_safety_plan_versions_page_queries_stay_flat(client, isac, consented):
    client.force_login(isac)
    url = reverse("referrals:safety_plan", args=[consented.pk])
    few = count_queries(client, url)
    SafetyPlan.objects.filter(referral=consented).update(is_current=False)
    for version in range(2, 12):
        SafetyPlanFactory(referral=consented, version=version, is_current=version == 11)
    assert count_queries(client, url) == few


@pytest.mark.parametrize("who", EVERYONE)
def test_caseload_is_the_managers(client, request, who, consented):
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("referrals:caseload"))
    if who == "isac_manager":
        assert response.status_code == 200
        assert consented.reference in response.content.decode()
    else:
        assert_denied(response, consented.reference)


def test_caseload_counts_and_queries_stay_flat(client, isac, isac_manager, isac_service):
    client.force_login(isac_manager)
    url = reverse("referrals:caseload")
    ReferralFactory.create_batch(2, agency=isac_service, active=True, caseworker=isac)
    few = count_queries(client, url)
    ReferralFactory.create_batch(10, agency=isac_service, active=True, caseworker=isac)
    ReferralFactory.create_batch(3, agency=isac_service, accepted=True)
    ReferralFactory.create_batch(4, agency=isac_service, closed=True, caseworker=isac)
    assert count_queries(client, url) == few
    response = client.get(url)
    loads = {load.caseworker: load for load in response.context["loads"]}
    assert loads[isac].open_count == 12
    assert len(loads[isac].referrals) == 12
    assert loads[isac_manager].open_count == 0
    assert len(response.context["unallocated"]) == 3


def test_outcomes_summary_counts_consented_casework_for_the_coordinator(
    client, coordinator, isac_manager, isac, consented, not_consented
):
    for referral in (consented, not_consented):
        OutcomeMeasureFactory(referral=referral, recorded_by=isac, feels_safe=1)
        OutcomeMeasureFactory(referral=referral, recorded_by=isac, exit=True)
    client.force_login(coordinator)
    assert client.get(reverse("referrals:outcomes")).context["summary"].closed_with_both == 1
    client.force_login(isac_manager)
    summary = client.get(reverse("referrals:outcomes")).context["summary"]
    assert summary.closed_with_both == 2
    assert summary.safer == 2
    assert summary.abuse_at_exit["stopped"] == 2
    assert summary.average_safety_change == 3.0


def test_caseload_highlights_overdue_contacts_and_safety_plan_reviews(
    client, isac, isac_manager, isac_service
):
    from datetime import UTC, date, datetime

    import time_machine

    from tests.factories.referrals import ContactFactory

    now = datetime(2026, 6, 10, 12, 0, tzinfo=UTC)
    stale = ReferralFactory(agency=isac_service, active=True, caseworker=isac)
    ContactFactory(referral=stale, contact_at=datetime(2026, 5, 20, 10, 0, tzinfo=UTC))
    late_review = ReferralFactory(agency=isac_service, active=True, caseworker=isac)
    ContactFactory(referral=late_review, contact_at=datetime(2026, 6, 9, 10, 0, tzinfo=UTC))
    SafetyPlanFactory(referral=late_review, review_on=date(2026, 6, 9))
    fine = ReferralFactory(agency=isac_service, active=True, caseworker=isac)
    ContactFactory(referral=fine, contact_at=datetime(2026, 6, 8, 10, 0, tzinfo=UTC))
    SafetyPlanFactory(referral=fine, review_on=date(2026, 6, 10))
    client.force_login(isac_manager)
    with time_machine.travel(now, tick=False):
        response = client.get(reverse("referrals:caseload"))
    rows = {row.referral.pk: row for load in response.context["loads"] for row in load.referrals}
    assert (rows[stale.pk].contact_overdue, rows[stale.pk].review_overdue) == (True, False)
    assert (rows[late_review.pk].contact_overdue, rows[late_review.pk].review_overdue) == (
        False,
        True,
    )
    assert (rows[fine.pk].contact_overdue, rows[fine.pk].review_overdue) == (False, False)
    body = response.content.decode()
    assert body.count("Contact overdue") == 1
    assert body.count("Review overdue") == 1
    # Case references are links.
    assert reverse("cases:detail", args=[stale.case_id]) in body


def test_a_refused_contact_shows_its_error_once(client, isac, isac_service):
    from datetime import timedelta as _timedelta

    referral = ReferralFactory(agency=isac_service, active=True, caseworker=isac)
    client.force_login(isac)
    future = timezone.localtime() + _timedelta(days=2)
    response = client.post(
        reverse("referrals:contact_create", args=[referral.pk]),
        {
            "contact_at": future.strftime("%Y-%m-%dT%H:%M"),
            "channel": "phone",
            "outcome": "made",
            "notes": "Kept",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert not Contact.objects.exists()
    assert body.count("cannot be in the future") == 1
    assert "Kept" in body  # nothing typed is lost


@pytest.mark.parametrize(
    ("url_name", "data", "message"),
    [
        (
            "referrals:safety_plan_create",
            {"measures": "Vary routes.", "responsibilities": "Victim.", "review_on": "2020-01-01"},
            "cannot be in the past",
        ),
        (
            "referrals:milestone_create",
            {
                "kind": "arrest",
                "happened_on": (date.today() + timedelta(days=30)).isoformat(),
                "note": "",
            },
            "can be dated in the future",
        ),
    ],
)
def test_a_refused_casework_form_shows_its_error_once(
    client, isac, isac_service, url_name, data, message
):
    referral = ReferralFactory(agency=isac_service, active=True, caseworker=isac)
    client.force_login(isac)
    response = client.post(reverse(url_name, args=[referral.pk]), data)
    assert response.status_code == 200
    assert response.content.decode().count(message) == 1

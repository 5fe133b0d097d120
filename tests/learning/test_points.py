"""Learning points: raised from each source through its door, the leak check, triage."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from cases.models import CaseParty, PartyRole, PersonAddress
from foundation.audit.models import AccessRecord
from learning.leaks import find_leak
from learning.models import LearningPoint, SourceKind
from tests.factories import (
    AdviceRequestFactory,
    CaseFactory,
    ClinicReferralFactory,
    CrimeLogFactory,
    LogPartyFactory,
    LogReviewFactory,
    PersonFactory,
    PersonIdentifierFactory,
    ReferralFactory,
)

pytestmark = pytest.mark.django_db

GOOD = (
    "Officers recorded repeated unwanted contact as malicious communications; "
    "record it as stalking."
)


@pytest.fixture
def world():
    victim = PersonFactory(name="Amelia Jane Blackwood", date_of_birth=date(1990, 3, 1))
    victim.aliases = ["Millie Woods"]
    victim.save()
    PersonIdentifierFactory(person=victim, value="PNC0420001")
    PersonAddress.objects.create(
        person=victim, address="14 Larkspur Close, Northtown", postcode="NT4 7QX"
    )
    case = CaseFactory(reference="SH-77001")
    CaseParty.objects.create(case=case, person=victim, role=PartyRole.VICTIM)
    log = CrimeLogFactory(reference="NS/26/0099911")
    LogPartyFactory(log=log, name="Darren Pike", date_of_birth=date(1985, 11, 23), suspect=True)
    LogReviewFactory(log=log, outcome="confirmed", case=case)
    return case, log


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("Amelia Jane Blackwood was not told of the outcome.", "a party's name"),
        ("The victim, Ms blackwood, was not called back.", "a party's name"),
        ("Known as Millie Woods to friends; nobody checked.", "a party's name"),
        ("Pike was not arrested for the breach.", "a party's name"),
        ("The suspect born 23/11/1985 was not checked.", "a date of birth"),
        ("Born 1 March 1990, the victim had no safety plan.", "a date of birth"),
        ("Born 1990-03-01.", "a date of birth"),
        ("Visits to 14 Larkspur Close were not logged.", "an address"),
        ("The postcode nt47qx was shared.", "a postcode"),
        ("The log NS/26/0099911 shows the gap.", "the case or log reference"),
        ("Case sh-77001 was closed too early.", "the case or log reference"),
        ("PNC0420001 was not circulated.", "a person's identifier"),
    ],
)
def test_the_leak_check_names_every_identifying_field(world, text, field):
    case, log = world
    leak = find_leak(text, case=case, log=log)
    assert leak is not None
    assert leak.field == field


def test_the_leak_check_passes_clean_text(world):
    case, log = world
    assert find_leak(GOOD, case=case, log=log) is None
    # A name part inside another word is not a leak ("Pikestaff"), nor a short first name.
    assert find_leak("As plain as a pikestaff: record stalking.", case=case, log=log) is None


def _add(client, kind, source_id, text=GOOD, theme="recording"):
    return client.post(
        reverse("learning:point_add"),
        {"source": kind, "id": source_id, "theme": theme, "text": text},
    )


def test_raise_from_a_log_review_then_accept(client, coordinator, world):
    case, log = world
    client.force_login(coordinator)
    page = client.get(reverse("learning:point_add"), {"source": "log_review", "id": log.pk})
    assert page.status_code == 200
    response = _add(client, "log_review", log.pk)
    point = LearningPoint.objects.get()
    assert response.status_code == 302
    assert (point.case, point.log, point.source_kind) == (case, log, SourceKind.LOG_REVIEW)
    assert point.source_url == reverse("cases:log_detail", args=[log.pk])
    accepted = client.post(reverse("learning:point_triage", args=[point.pk]), {"action": "accept"})
    assert accepted.status_code == 302
    point.refresh_from_db()
    assert point.state == LearningPoint.State.ACCEPTED


def test_a_point_naming_a_party_is_refused_naming_the_field(client, coordinator, world):
    _, log = world
    client.force_login(coordinator)
    response = _add(
        client, "log_review", log.pk, text="Amelia Blackwood was never called back by anyone."
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "a party&#x27;s name" in body or "a party's name" in body
    assert not LearningPoint.objects.exists()


def test_accepting_with_an_edited_text_that_leaks_is_refused(client, coordinator, world):
    _, log = world
    client.force_login(coordinator)
    _add(client, "log_review", log.pk)
    point = LearningPoint.objects.get()
    response = client.post(
        reverse("learning:point_triage", args=[point.pk]),
        {
            "action": "accept",
            "text": "Record stalking: the victim was born 01/03/1990 and nobody asked.",
        },
    )
    assert response.status_code == 400
    assert "a date of birth" in response.content.decode()
    point.refresh_from_db()
    assert point.state == LearningPoint.State.PROPOSED
    assert point.text == GOOD


def test_merge_and_dismiss(client, coordinator, world):
    _, log = world
    client.force_login(coordinator)
    for _ in range(3):
        _add(client, "log_review", log.pk)
    first, second, third = LearningPoint.objects.order_by("pk")
    client.post(reverse("learning:point_triage", args=[first.pk]), {"action": "accept"})
    client.post(
        reverse("learning:point_triage", args=[second.pk]), {"action": "merge", "into": first.pk}
    )
    no_reason = client.post(
        reverse("learning:point_triage", args=[third.pk]), {"action": "dismiss"}
    )
    assert "Say why the point is dismissed." in no_reason.content.decode()
    client.post(
        reverse("learning:point_triage", args=[third.pk]),
        {"action": "dismiss", "reason": "Already covered by the recording bulletin."},
    )
    second.refresh_from_db()
    third.refresh_from_db()
    assert (second.state, second.merged_into) == (LearningPoint.State.MERGED, first)
    assert third.state == LearningPoint.State.DISMISSED


def test_raise_from_every_hub_source(client, coordinator, solicitor):
    from tests.legal.conftest import open_spo

    case = CaseFactory(closed=True)
    spo_case = CaseFactory()
    CaseParty.objects.create(case=spo_case, person=PersonFactory(), role=PartyRole.SUSPECT)
    order_file = open_spo(spo_case, solicitor)
    sources = {
        "clinic_decision": ClinicReferralFactory().pk,
        "advice_request": AdviceRequestFactory(answered=True).pk,
        "case_closure": case.pk,
        "isac_feedback": ReferralFactory(accepted=True).pk,
    }
    client.force_login(coordinator)
    for kind, source_id in sources.items():
        assert _add(client, kind, source_id).status_code == 302, kind
    client.force_login(solicitor)
    assert _add(client, "spo_outcome", order_file.pk, theme="spo_legal").status_code == 302
    assert set(LearningPoint.objects.values_list("source_kind", flat=True)) == set(
        SourceKind.values
    ) - {"log_review"}


def test_an_officer_cannot_raise_a_point_and_the_door_records_it(client, officer, world):
    _, log = world
    client.force_login(officer)
    assert _add(client, "log_review", log.pk).status_code == 404
    assert not LearningPoint.objects.exists()


def test_a_source_the_user_may_not_open_is_refused_by_its_door(client, solicitor, world):
    _, log = world  # the solicitor sees logs of cases with an order file only
    client.force_login(solicitor)
    assert _add(client, "log_review", log.pk).status_code == 404
    assert AccessRecord.objects.filter(
        user=solicitor, object_type="cases.crimelog", outcome=AccessRecord.Outcome.DENIED
    ).exists()


def test_isac_raises_victim_voice_points_on_own_casework_only(client, isac, outsider_isac):
    referral = ReferralFactory(accepted=True, agency=isac.agency)
    client.force_login(isac)
    refused_theme = _add(client, "isac_feedback", referral.pk, theme="recording")
    assert refused_theme.status_code == 200
    assert not LearningPoint.objects.exists()
    assert _add(client, "isac_feedback", referral.pk, theme="victim_voice").status_code == 302
    point = LearningPoint.objects.get()
    # The ISAC sees their own point, without the link to the source.
    page = client.get(reverse("learning:point", args=[point.pk])).content.decode()
    assert "open the source" not in page
    client.force_login(outsider_isac)
    assert _add(client, "isac_feedback", referral.pk, theme="victim_voice").status_code == 404
    assert client.get(reverse("learning:point", args=[point.pk])).status_code == 404


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [("coordinator", True), ("tactical_lead", True), ("solicitor", False), ("trainer", False)],
    indirect=["persona"],
)
def test_point_list_and_triage_by_role(client, persona, allowed, coordinator, world):
    _, log = world
    client.force_login(coordinator)
    _add(client, "log_review", log.pk)
    point = LearningPoint.objects.get()
    client.force_login(persona)
    assert client.get(reverse("learning:points")).status_code == (200 if allowed else 404)
    triage = client.post(reverse("learning:point_triage", args=[point.pk]), {"action": "accept"})
    assert triage.status_code == (302 if allowed else 404)


def test_the_add_action_shows_on_source_pages_for_hub_staff_only(client, coordinator, world):
    _, log = world
    advice = AdviceRequestFactory(answered=True)
    client.force_login(coordinator)
    for url in (
        reverse("cases:log_detail", args=[log.pk]),
        reverse("referrals:advice_detail", args=[advice.pk]),
    ):
        assert "Add a learning point" in client.get(url).content.decode(), url
    client.force_login(advice.requester)
    page = client.get(reverse("referrals:advice_detail", args=[advice.pk])).content.decode()
    assert "Add a learning point" not in page

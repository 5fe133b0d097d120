"""Subject rights: everything held about a person across apps (through merges), the bundle as
an audited disclosure, redaction, rectification."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.urls import reverse

from cases.models import CaseParty, Person
from foundation.audit.models import AccessRecord
from foundation.records import services
from foundation.records.models import RectificationRequest, SubjectAccessRequest
from tests.factories.cases import CaseFactory, CrimeLogFactory, LogPartyFactory, PersonFactory
from tests.factories.clinic import ClinicReferralFactory
from tests.factories.referrals import AdviceRequestFactory, ReferralFactory
from tests.factories.risk import RiskAssessmentFactory
from tests.records.builders import order_file

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)


@pytest.fixture
def subject() -> tuple[Person, Person]:
    """A victim recorded twice, the duplicate merged into the survivor."""
    survivor = PersonFactory(name="Imogen Trask", date_of_birth=date(1990, 4, 1))
    duplicate = PersonFactory(
        name="Imogen Trask", date_of_birth=date(1990, 4, 1), merged_into=survivor
    )
    case = CaseFactory(summary="Followed home repeatedly.")
    CaseParty.objects.create(case=case, person=survivor, role="victim")
    log = CrimeLogFactory(narrative="IP followed from the station by the suspect.")
    LogPartyFactory(log=log, person=duplicate)  # found only through the merge
    RiskAssessmentFactory(case=case)
    ReferralFactory(case=case)
    ClinicReferralFactory(case=case)
    order_file(NOW, respondent=PersonFactory(), case=case).protected_persons.add(survivor)
    AdviceRequestFactory(crime_log=log)
    return survivor, duplicate


def test_the_search_finds_every_app_through_the_merge(subject):
    survivor, _ = subject
    entries = services.find_subject_entries([survivor.pk])
    kinds = {e.record_type for e in entries}
    assert kinds >= {
        "cases.case",
        "cases.crimelog",
        "risk.riskassessment",
        "referrals.referral",
        "clinic.clinicreferral",
        "legal.orderfile",
        "referrals.advicerequest",
    }
    log_entry = next(e for e in entries if e.record_type == "cases.crimelog")
    assert ("Narrative", "IP followed from the station by the suspect.") in log_entry.details


def test_privileged_notes_are_noted_never_disclosed(subject):
    from legal.models import OrderFile

    survivor, _ = subject
    OrderFile.objects.update(privileged_notes="Counsel's advice: weak on s.2 element.")
    entries = services.find_subject_entries([survivor.pk])
    legal = next(e for e in entries if e.record_type == "legal.orderfile")
    text = " ".join(v for _, v in legal.details)
    assert "withheld" in text
    assert "Counsel" not in text


def test_a_request_redacted_and_disclosed_is_recorded(client, information_manager, subject):
    survivor, duplicate = subject
    request = services.open_subject_access_request(
        person_ids=[survivor.pk],
        description="Letter of 1 Nov",
        received_on=date(2026, 11, 1),
        by=information_manager,
        now=NOW,
    )
    assert set(request.person_ids) == {survivor.pk, duplicate.pk}
    items = list(request.items.all())
    withheld = next(i for i in items if i.record_type == "risk.riskassessment")
    with pytest.raises(services.RecordsError):
        services.redact_item(
            item=withheld, include=False, details="", note="", by=information_manager
        )
    services.redact_item(
        item=withheld,
        include=False,
        details="",
        note="s.45(4)(b): would prejudice an investigation",
        by=information_manager,
    )
    client.force_login(information_manager)
    response = client.post(reverse("records:subject_bundle", args=[request.pk, "csv"]))
    assert response.status_code == 200
    body = response.content.decode("utf-8-sig")
    assert "IP followed from the station" in body
    assert "Risk assessments" not in body
    disclosed = AccessRecord.objects.filter(action="disclose", user=information_manager)
    assert disclosed.filter(
        object_type="records.subjectaccessrequest", object_id=str(request.pk)
    ).exists()
    assert disclosed.filter(object_type="cases.crimelog").exists()
    assert not disclosed.filter(object_type="risk.riskassessment").exists()
    request.refresh_from_db()
    assert request.state == SubjectAccessRequest.State.DISCLOSED
    response = client.post(reverse("records:subject_bundle", args=[request.pk, "pdf"]))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    # Disclosed: no more redaction.
    with pytest.raises(services.RecordsError):
        services.redact_item(
            item=items[0], include=True, details="x", note="", by=information_manager
        )


def test_a_person_search_finds_the_subject_and_opens_a_request(
    client, information_manager, subject
):
    survivor, _ = subject
    client.force_login(information_manager)
    url = reverse("records:subject_requests") + "?name=Imogen+Trask&date_of_birth=1990-04-01"
    response = client.get(url)
    assert response.status_code == 200
    assert f'value="{survivor.pk}"'.encode() in response.content
    response = client.post(
        url,
        {
            "person_ids": [str(survivor.pk)],
            "description": "Email of 2 Nov",
            "received_on": "2026-11-01",
        },
    )
    request = SubjectAccessRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == request.get_absolute_url()
    assert request.items.count() >= 7


def test_a_request_without_a_person_saves_nothing(client, information_manager, subject):
    client.force_login(information_manager)
    url = reverse("records:subject_requests") + "?name=Imogen+Trask"
    response = client.post(url, {"description": "x", "received_on": "2026-11-01"})
    assert response.status_code == 200
    assert b"This field is required" in response.content
    assert not SubjectAccessRequest.objects.exists()


def test_rectification_is_recorded_and_decided(client, information_manager):
    client.force_login(information_manager)
    response = client.post(
        reverse("records:rectifications"),
        {
            "record_type": "cases.case",
            "object_id": "12",
            "requested_change": "Date of birth is wrong",
            "received_on": "2026-11-01",
        },
    )
    rectification = RectificationRequest.objects.get()
    assert response.status_code == 302
    url = reverse("records:rectification", args=[rectification.pk])
    response = client.post(url, {"state": "rectified", "action_taken": ""})
    assert response.status_code == 200
    rectification.refresh_from_db()
    assert rectification.state == "open"
    response = client.post(
        url, {"state": "rectified", "action_taken": "Corrected on the person record."}
    )
    rectification.refresh_from_db()
    assert rectification.state == "rectified"
    assert rectification.decided_by == information_manager


def test_rectification_of_an_unknown_type_is_refused(client, information_manager):
    client.force_login(information_manager)
    response = client.post(
        reverse("records:rectifications"),
        {
            "record_type": "cases.nothing",
            "object_id": "1",
            "requested_change": "x",
            "received_on": "2026-11-01",
        },
    )
    assert response.status_code == 200
    assert not RectificationRequest.objects.exists()


def test_each_person_shown_by_the_search_is_recorded(client, information_manager, subject):
    survivor, _ = subject
    client.force_login(information_manager)
    client.get(reverse("records:subject_requests") + "?name=Imogen+Trask&date_of_birth=1990-04-01")
    assert AccessRecord.objects.filter(
        user=information_manager,
        object_type="cases.person",
        object_id=str(survivor.pk),
        need="subject_search",
    ).exists()


def test_the_redaction_form_saves_an_item(client, information_manager, subject):
    survivor, _ = subject
    request = services.open_subject_access_request(
        person_ids=[survivor.pk],
        description="Letter",
        received_on=date(2026, 11, 1),
        by=information_manager,
        now=NOW,
    )
    item = request.items.filter(record_type="cases.crimelog").get()
    client.force_login(information_manager)
    page = client.get(reverse("records:subject_request", args=[request.pk]))
    assert b"Crime-log copies #" in page.content
    url = reverse("records:subject_item", args=[request.pk, item.pk])
    response = client.post(
        url,
        {
            f"i{item.pk}-include": "on",
            f"i{item.pk}-details": "Narrative: [redacted]",
            f"i{item.pk}-note": "",
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.details == "Narrative: [redacted]"
    # Withheld without a reason: refused, nothing saved.
    client.post(url, {f"i{item.pk}-details": "x", f"i{item.pk}-note": ""})
    item.refresh_from_db()
    assert item.include is True
    assert item.details == "Narrative: [redacted]"

"""Search from the review queue (crime logs) and the case list (cases): POST only, scoped,
ranked, at most 50, audited as one consultation without the terms (docs/review-queue.md)."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from cases.models import CaseLog, CaseParty, PartyRole
from cases.search import MAX_RESULTS
from foundation.audit.models import AccessRecord
from tests.conftest import ROLE_FIXTURES
from tests.factories import CaseFactory, CrimeLogFactory, LogPartyFactory, PersonFactory

pytestmark = pytest.mark.django_db

NAME = "Philippa Quennell-Synthetic"
DOB = date(1984, 2, 29)


def search(client, url_name: str, text: str, dob: str = ""):
    return client.post(
        reverse(f"cases:{url_name}"), {"search-text": text, "search-date_of_birth": dob}
    )


@pytest.fixture
def named_log():
    person = PersonFactory(name=NAME, date_of_birth=DOB)
    log = CrimeLogFactory(reference="NS/26/0042424")
    LogPartyFactory(log=log, person=person, victim=True)
    return log


@pytest.fixture
def named_case(coordinator, named_log):
    case = CaseFactory(owner=coordinator, reference="SH-2026-04242")
    CaseLog.objects.create(case=case, log=named_log, added_by=coordinator)
    person = named_log.parties.get().person
    CaseParty.objects.create(case=case, person=person, role=PartyRole.VICTIM)
    return case


@pytest.mark.parametrize("persona", ROLE_FIXTURES, indirect=True)
@pytest.mark.parametrize(
    ("url_name", "allowed"),
    [
        ("log_search", {"coordinator", "tactical_lead"}),
        ("case_search", {"coordinator", "tactical_lead", "solicitor"}),
    ],
)
def test_who_may_search(client, persona, request, url_name, allowed, named_case):
    client.force_login(persona)
    response = search(client, url_name, NAME)
    role = request.node.callspec.params["persona"]
    if role in allowed:
        assert response.status_code == 200
        assert "1 result" in response.content.decode()
    else:
        assert response.status_code == 404
        assert NAME not in response.content.decode()
        assert named_case.reference not in response.content.decode()


@pytest.mark.parametrize("url_name", ["log_search", "case_search"])
def test_search_is_post_only_and_keeps_nothing(client, coordinator, url_name, named_case):
    client.force_login(coordinator)
    assert client.get(reverse(f"cases:{url_name}") + f"?search-text={NAME}").status_code == 405
    before = dict(client.session.items())
    response = search(client, url_name, NAME)
    assert response.status_code == 200
    assert dict(client.session.items()) == before
    # The terms come back in the form to refine, never in a link.
    body = response.content.decode()
    assert f'value="{NAME}"' in body
    assert "search-text=" not in body


def test_a_log_reference_finds_the_log_exactly_and_the_case_holding_it(
    client, coordinator, named_case, named_log
):
    CrimeLogFactory(reference="NS/26/00424249")  # a longer reference: not an exact match
    client.force_login(coordinator)
    hits = search(client, "log_search", "ns/26/0042424").context["hits"]
    assert [(hit.item, hit.matched) for hit in hits] == [(named_log, "reference")]
    hits = search(client, "case_search", "NS/26/0042424").context["hits"]
    assert [hit.item for hit in hits] == [named_case]
    hits = search(client, "case_search", "sh-2026-04242").context["hits"]
    assert [hit.item for hit in hits] == [named_case]


def test_names_are_matched_by_similarity_and_narrowed_by_date_of_birth(
    client, coordinator, named_log
):
    namesake = PersonFactory(name="Philipa Quennel-Synthetic", date_of_birth=date(1990, 1, 1))
    other_log = CrimeLogFactory()
    LogPartyFactory(log=other_log, person=namesake, suspect=True)
    unrelated = CrimeLogFactory()
    LogPartyFactory(log=unrelated, person=PersonFactory(name="Bartholomew Xylophone"))
    client.force_login(coordinator)
    hits = search(client, "log_search", NAME).context["hits"]
    assert [hit.item for hit in hits] == [named_log, other_log]  # exact name first
    assert "similar" in hits[1].matched
    hits = search(client, "log_search", "quennell philippa", DOB.isoformat()).context["hits"]
    assert [hit.item for hit in hits] == [named_log]
    assert "same date of birth" in hits[0].matched


def test_at_most_one_page_of_fifty(client, coordinator):
    for _ in range(MAX_RESULTS + 5):
        LogPartyFactory(log=CrimeLogFactory(), person=PersonFactory(name=NAME))
    client.force_login(coordinator)
    response = search(client, "log_search", NAME)
    assert len(response.context["hits"]) == MAX_RESULTS
    assert "add a date of birth" in response.content.decode()


@pytest.mark.parametrize(
    ("text", "dob", "message"),
    [
        ("", "", "Type a reference or a name"),
        ("a", "", "at least two letters"),
        ("x" * 201, "", "at most 200 characters"),
        (NAME, "not-a-date", "Enter a valid date"),
    ],
)
def test_bad_input_says_what_is_wrong_and_records_nothing(client, coordinator, text, dob, message):
    client.force_login(coordinator)
    response = search(client, "log_search", text, dob)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not AccessRecord.objects.filter(need="search").exists()


def test_each_search_is_one_consultation_without_the_terms(client, coordinator, named_case):
    client.force_login(coordinator)
    search(client, "case_search", NAME, DOB.isoformat())
    search(client, "log_search", "NS/26/0042424")
    records = list(AccessRecord.objects.filter(need="search").order_by("id"))
    assert [(r.object_type, r.object_id, r.action) for r in records] == [
        ("cases.case", "search", "consult"),
        ("cases.crimelog", "search", "consult"),
    ]
    assert records[0].justification == "search by name and date of birth: 1 result"
    assert records[1].justification == "search by reference: 1 result"
    for record in records:
        assert "Quennell" not in record.justification


def test_queries_stay_flat_whatever_the_data(client, coordinator, django_assert_max_num_queries):
    def add(n: int) -> None:
        for _ in range(n):
            case = CaseFactory(owner=coordinator)
            person = PersonFactory(name=NAME)
            log = CrimeLogFactory()
            LogPartyFactory(log=log, person=person)
            CaseParty.objects.create(case=case, person=person, role=PartyRole.SUSPECT)

    client.force_login(coordinator)
    add(2)
    with django_assert_max_num_queries(15):
        search(client, "log_search", NAME)
    with django_assert_max_num_queries(15):
        search(client, "case_search", NAME)
    add(30)
    with django_assert_max_num_queries(15):
        search(client, "log_search", NAME)
    with django_assert_max_num_queries(15):
        search(client, "case_search", NAME)


def test_the_queue_and_the_case_list_carry_the_search_form(client, coordinator):
    client.force_login(coordinator)
    assert reverse("cases:log_search") in client.get(reverse("cases:queue")).content.decode()
    assert reverse("cases:case_search") in client.get(reverse("cases:list")).content.decode()

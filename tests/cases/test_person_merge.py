"""Merging two person records from the log review page (docs/review-queue.md, "Merging people";
docs/access.md, "Crime logs and cases")."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from cases.models import CrimeLog, LogParty, Person
from foundation.audit.models import AccessRecord
from tests.conftest import ROLE_FIXTURES
from tests.factories import CrimeLogFactory, LogPartyFactory, PersonFactory

# The merge service's own record (the doors also record each person read for the merge).
MERGE_RECORD = {"object_type": "cases.person", "need": "merge", "object_id__contains": ">"}
pytestmark = pytest.mark.django_db

REVIEWERS = {"coordinator", "tactical_lead"}
DOB = date(1984, 3, 9)
KEEP_NAME = "Quillon Thwaite-Secret"
MERGE_NAME = "Quillon Thwaites-Secret"
REASON = "Same PNC number and address on both logs."


@pytest.fixture
def pair() -> tuple[Person, Person, CrimeLog]:
    """Two records of one victim, each on its own log; the second log is the one reviewed."""
    keep = PersonFactory(name=KEEP_NAME, date_of_birth=DOB)
    merge = PersonFactory(name=MERGE_NAME, date_of_birth=DOB)
    LogPartyFactory(log=CrimeLogFactory(awaiting=True), victim=True, person=keep)
    log = CrimeLogFactory(awaiting=True, reference="NS/25/MERGE-LOG")
    LogPartyFactory(log=log, victim=True, person=merge)
    return keep, merge, log


def post_merge(client, *, keep: Person, merge: Person, log: CrimeLog, reason: str = REASON):
    return client.post(
        reverse("cases:person_merge"),
        {"keep": keep.pk, "merge": merge.pk, "next_log": log.pk, "reason": reason},
    )


def assert_nothing_merged(merge: Person) -> None:
    merge.refresh_from_db()
    assert merge.merged_into_id is None
    assert LogParty.objects.filter(person=merge).exists()
    assert not AccessRecord.objects.filter(**MERGE_RECORD).exists()


def assert_not_found_without_data(response) -> None:
    assert response.status_code == 404
    body = response.content.decode()
    assert "Not found" in body
    for secret in (KEEP_NAME, MERGE_NAME, "NS/25/MERGE-LOG"):
        assert secret not in body


# --- Permission matrix -----------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLE_FIXTURES)
def test_merge_matrix(client, request, role, pair):
    keep, merge, log = pair
    client.force_login(request.getfixturevalue(role))
    response = post_merge(client, keep=keep, merge=merge, log=log)
    if role in REVIEWERS:
        assert response.status_code == 302
        merge.refresh_from_db()
        assert merge.merged_into_id == keep.pk
    else:
        assert_not_found_without_data(response)
        assert_nothing_merged(merge)


def test_merge_is_post_only(client, coordinator, pair):
    client.force_login(coordinator)
    assert client.get(reverse("cases:person_merge")).status_code == 405


# --- Merging ---------------------------------------------------------------------------------


def test_merge_repoints_parties_audits_and_returns_to_the_log(client, coordinator, pair):
    keep, merge, log = pair
    client.force_login(coordinator)

    response = post_merge(client, keep=keep, merge=merge, log=log)

    assert response.status_code == 302
    assert response.url == reverse("cases:log_detail", args=[log.pk])
    merge.refresh_from_db()
    assert merge.merged_into_id == keep.pk
    assert not LogParty.objects.filter(person=merge).exists()
    assert LogParty.objects.filter(person=keep).count() == 2
    record = AccessRecord.objects.get(**MERGE_RECORD)
    assert (record.user_id, record.object_id) == (coordinator.pk, f"{merge.pk}>{keep.pk}")
    assert record.justification == REASON

    page = client.get(response.url).content.decode()
    assert "The two records are now one person." in page


@pytest.mark.parametrize(
    ("reason", "error"),
    [
        ("", "Give the reason you are sure these are the same person."),
        ("   ", "Give the reason you are sure these are the same person."),
        ("Same DOB", "at least 10 characters"),
        ("x" * 501, "500 characters or fewer"),
    ],
)
def test_merge_without_a_proper_reason_changes_nothing(client, coordinator, pair, reason, error):
    keep, merge, log = pair
    client.force_login(coordinator)

    response = post_merge(client, keep=keep, merge=merge, log=log, reason=reason)

    assert response.status_code == 302
    assert response.url == reverse("cases:log_detail", args=[log.pk])
    assert_nothing_merged(merge)
    page = client.get(response.url).content.decode()
    assert error in page
    assert "The two records are now one person." not in page


def test_merging_a_person_into_itself_is_refused(client, coordinator, pair):
    _, merge, log = pair
    client.force_login(coordinator)

    response = post_merge(client, keep=merge, merge=merge, log=log)

    assert response.status_code == 302
    assert_nothing_merged(merge)
    assert "A person cannot be merged into themselves." in client.get(response.url).content.decode()


@pytest.mark.parametrize("side", ["keep", "merge"])
def test_a_person_on_no_visible_log_is_not_found(client, coordinator, pair, side):
    keep, merge, log = pair
    stranger = PersonFactory(name="Unlogged Synthetic", date_of_birth=DOB)
    client.force_login(coordinator)
    people = {"keep": keep, "merge": merge} | {side: stranger}

    response = post_merge(client, log=log, **people)

    assert_not_found_without_data(response)
    assert "Unlogged Synthetic" not in response.content.decode()
    assert_nothing_merged(merge)
    stranger.refresh_from_db()
    assert stranger.merged_into_id is None
    assert AccessRecord.objects.filter(
        object_type="cases.person", object_id=str(stranger.pk), outcome=AccessRecord.Outcome.DENIED
    ).exists()


@pytest.mark.parametrize("field", ["keep", "merge", "next_log"])
def test_broken_hidden_ids_are_not_found(client, coordinator, pair, field):
    keep, merge, log = pair
    client.force_login(coordinator)
    data = {"keep": keep.pk, "merge": merge.pk, "next_log": log.pk, "reason": REASON}
    data[field] = "not-an-id"

    assert_not_found_without_data(client.post(reverse("cases:person_merge"), data))
    assert_nothing_merged(merge)


def test_an_unknown_log_to_return_to_is_not_found(client, coordinator, pair):
    keep, merge, _ = pair
    client.force_login(coordinator)
    data = {"keep": keep.pk, "merge": merge.pk, "next_log": 999_999_999, "reason": REASON}

    assert_not_found_without_data(client.post(reverse("cases:person_merge"), data))
    assert_nothing_merged(merge)


# --- The review page -------------------------------------------------------------------------


def test_review_page_offers_the_merge_under_each_candidate(client, coordinator, pair):
    keep, merge, log = pair
    client.force_login(coordinator)

    page = client.get(reverse("cases:log_detail", args=[log.pk])).content.decode()

    assert page.count("<summary>Merge into this record</summary>") == 1
    assert f'action="{reverse("cases:person_merge")}"' in page
    assert f'name="keep" value="{keep.pk}"' in page
    assert f'name="merge" value="{merge.pk}"' in page
    assert f'name="next_log" value="{log.pk}"' in page


def test_review_page_offers_no_merge_for_an_unlinked_party(client, coordinator):
    PersonFactory(name=KEEP_NAME, date_of_birth=DOB)
    log = CrimeLogFactory(awaiting=True)
    LogPartyFactory(log=log, victim=True, name=MERGE_NAME, date_of_birth=DOB)
    client.force_login(coordinator)

    page = client.get(reverse("cases:log_detail", args=[log.pk])).content.decode()

    assert KEEP_NAME in page  # still suggested
    assert "Merge into this record" not in page

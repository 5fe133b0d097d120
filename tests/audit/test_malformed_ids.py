"""A NUL byte or another malformed value in an id (path, query or form) answers 404 (or a form
error), never reaches the database as an error, and — where it names a record — is recorded as
a denied attempt (issue 11 §1b). One test per kind of id."""

from __future__ import annotations

import pytest
from django.urls import reverse

from foundation.audit.models import AccessRecord
from tests.factories import CaseFactory
from tests.factories.cases import (
    CrimeLogFactory,
    FeedImportFactory,
    LogPartyFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db

MALFORMED = ["1\x00", "1%00", "abc", "-1", "1.0", "9" * 40, "1 OR 1=1", ""]


def denied(object_type: str) -> list[str]:
    return list(
        AccessRecord.objects.filter(object_type=object_type, outcome="denied").values_list(
            "object_id", flat=True
        )
    )


@pytest.mark.parametrize(
    "path",
    [
        "/cases/1%00/",
        "/logs/1%00/",
        "/referrals/1%00/",
        "/advice/1%00/",
        "/logs/imports/1%00/",
        "/cases/1%00/risk/",
        "/cases/1/risk/1%00/",
        "/clinic/meetings/1%00/",
        "/training/teams/1%00/",
        "/oversight/plans/1%00/",
        "/cases/99999999999999999999999/",
    ],
)
def test_a_malformed_id_in_the_path_is_a_plain_404(client, coordinator, path):
    # Path ids are typed in the URL patterns (<int:…>): a malformed one matches no page, so
    # no view and no query runs; an id too large for the database is refused by its door.
    client.force_login(coordinator)
    response = client.get(path)
    assert response.status_code == 404
    assert b"Not found" in response.content
    assert not AccessRecord.objects.filter(outcome="allowed").exists()


@pytest.mark.parametrize("value", MALFORMED[:-1])
def test_a_malformed_case_id_in_the_query_is_recorded_denied(client, coordinator, value):
    CaseFactory(owner=coordinator)
    client.force_login(coordinator)
    response = client.get(reverse("referrals:create"), {"case": value})
    assert response.status_code == 404
    assert denied("cases.case") == [value.replace("\x00", "\\x00")]


def test_a_refused_role_with_a_case_in_the_query_is_recorded_denied(client, officer, coordinator):
    case = CaseFactory(owner=coordinator)
    client.force_login(officer)
    response = client.get(reverse("referrals:create"), {"case": case.pk})
    assert response.status_code == 404
    assert denied("cases.case") == [str(case.pk)]


@pytest.mark.parametrize("value", ["1\x00", "abc", "-5"])
def test_a_malformed_team_id_in_the_export_query_is_recorded_denied(client, trainer, value):
    client.force_login(trainer)
    response = client.get(reverse("training:compliance_export"), {"team": value})
    assert response.status_code == 404
    assert denied("training.team") == [value.replace("\x00", "\\x00")]


@pytest.mark.parametrize("field", ["keep", "merge", "next_log"])
@pytest.mark.parametrize("value", ["1\x00", "abc", ""])
def test_a_malformed_id_in_the_merge_form_is_recorded_and_merges_nothing(
    client, coordinator, field, value
):
    log = CrimeLogFactory()
    keep, merge = PersonFactory(), PersonFactory()
    LogPartyFactory(log=log, person=keep, position=0)
    LogPartyFactory(log=log, person=merge, position=1)
    data = {"keep": keep.pk, "merge": merge.pk, "next_log": log.pk, "reason": "x" * 30}
    data[field] = value
    client.force_login(coordinator)
    response = client.post(reverse("cases:person_merge"), data)
    assert response.status_code == 404
    object_type = "cases.crimelog" if field == "next_log" else "cases.person"
    assert denied(object_type) == [value.replace("\x00", "\\x00")]
    keep.refresh_from_db()
    merge.refresh_from_db()
    assert merge.merged_into_id is None


def test_a_malformed_log_id_from_a_non_reviewer_is_recorded_denied(client, officer):
    client.force_login(officer)
    response = client.post(
        reverse("cases:bulk"), {"logs": ["7\x00"], "action": "not_stalking", "note": "x"}
    )
    assert response.status_code == 404
    assert denied("cases.crimelog") == ["7\\x00"]


def test_a_malformed_id_in_the_admin_is_recorded_denied(client, admin_user):
    client.force_login(admin_user)
    response = client.get(reverse("admin:cases_case_change", args=["1\x00"]))
    assert response.status_code in {302, 404}
    assert denied("cases.case") == ["1\\x00"]


@pytest.mark.parametrize(
    ("url_name", "need"),
    [
        ("admin:cases_case_change", "admin_change"),
        ("admin:cases_case_delete", "admin_delete"),
        ("admin:cases_case_history", "admin_history"),
    ],
)
def test_an_admin_single_record_page_of_a_sensitive_model_is_recorded_denied(
    client, admin_user, coordinator, url_name, need
):
    case = CaseFactory(owner=coordinator)
    client.force_login(admin_user)
    response = client.get(reverse(url_name, args=[case.pk]))
    assert response.status_code == 403
    assert case.reference.encode() not in response.content
    record = AccessRecord.objects.get(object_type="cases.case")
    assert (record.object_id, record.need, record.outcome) == (str(case.pk), need, "denied")


def test_an_admin_page_of_a_model_that_is_not_sensitive_records_nothing(client, admin_user):
    feed_import = FeedImportFactory()
    client.force_login(admin_user)
    # Feed imports are sensitive (registered by cases): recorded. A list page: nothing.
    client.get(reverse("admin:cases_feedimport_change", args=[feed_import.pk]))
    client.get(reverse("admin:cases_feedimport_changelist"))
    assert denied("cases.feedimport") == [str(feed_import.pk)]
    assert AccessRecord.objects.count() == 1

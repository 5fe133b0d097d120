"""The information manager's pages: every URL for every role persona (admin included), the
bulk review, bad input, bounded queries (docs/access.md, "Information management")."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from foundation.audit.models import AccessRecord
from foundation.records.models import RecordReview, RectificationRequest, SubjectAccessRequest
from tests.conftest import ROLE_FIXTURES
from tests.records.builders import BUILDERS

pytestmark = pytest.mark.django_db

EVERYONE = [*ROLE_FIXTURES, "information_manager"]
ANCHOR = datetime(2012, 1, 5, 12, 0, tzinfo=UTC)


@pytest.fixture
def sar(information_manager) -> SubjectAccessRequest:
    request = SubjectAccessRequest.objects.create(
        reference="SAR-2026-00001",
        received_on=date(2026, 1, 2),
        person_ids=[],
        subject_description="Letter",
        created_by=information_manager,
    )
    request.items.create(record_type="cases.case", object_id=1, role="victim", summary="Case SH-1")
    return request


@pytest.fixture
def rectification(information_manager) -> RectificationRequest:
    return RectificationRequest.objects.create(
        received_on=date(2026, 1, 2),
        record_type="cases.case",
        object_id=1,
        requested_change="Wrong date of birth",
        recorded_by=information_manager,
    )


def pages(sar, rectification) -> list[tuple[str, str, bool]]:
    """(method, url, has a record behind a door)."""
    item = sar.items.get()
    return [
        ("get", reverse("records:reviews"), False),
        ("get", reverse("records:rules"), False),
        ("get", reverse("records:rule_edit", args=["cases.case"]), False),
        ("get", reverse("records:disposed"), False),
        ("get", reverse("records:subject_requests"), False),
        ("get", reverse("records:subject_request", args=[sar.pk]), True),
        ("post", reverse("records:subject_item", args=[sar.pk, item.pk]), True),
        ("post", reverse("records:subject_bundle", args=[sar.pk, "csv"]), True),
        ("post", reverse("records:subject_bundle", args=[sar.pk, "pdf"]), True),
        ("get", reverse("records:rectifications"), False),
        ("get", reverse("records:rectification", args=[rectification.pk]), True),
    ]


@pytest.mark.parametrize("persona", EVERYONE, indirect=True)
def test_every_page_opens_for_the_information_manager_only(client, persona, sar, rectification):
    client.force_login(persona)
    allowed = persona.has_role("information_manager")
    for method, url, door in pages(sar, rectification):
        before = AccessRecord.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        response = getattr(client, method)(url)
        if allowed:
            assert response.status_code in (200, 302), url
            continue
        assert response.status_code == 404, (url, persona.roles)
        assert b"Letter" not in response.content
        assert b"Wrong date" not in response.content
        assert b"<table" not in response.content
        written = AccessRecord.objects.filter(pk__gt=before, user=persona)
        assert not written.filter(outcome="allowed").exists(), url
        if door:  # a record behind a door: the refusal is recorded
            assert written.filter(outcome="denied").exists(), url


def test_a_missing_request_is_a_recorded_404(client, information_manager):
    client.force_login(information_manager)
    response = client.get(reverse("records:subject_request", args=[999999]))
    assert response.status_code == 404
    assert AccessRecord.objects.filter(
        object_type="records.subjectaccessrequest", object_id="999999", outcome="denied"
    ).exists()


def test_a_rule_from_a_setting_has_no_edit_page(client, information_manager):
    client.force_login(information_manager)
    assert client.get(reverse("records:rule_edit", args=["cases.crimelog"])).status_code == 404
    assert client.get(reverse("records:rule_edit", args=["nothing.here"])).status_code == 404


def test_the_rule_page_saves_and_refuses_bad_years(client, information_manager):
    from foundation.records.models import RetentionRule

    client.force_login(information_manager)
    url = reverse("records:rule_edit", args=["cases.case"])
    response = client.post(url, {"years": "0", "basis": "after the case closed"})
    assert response.status_code == 200
    assert RetentionRule.objects.get(record_type="cases.case").years == 6
    response = client.post(
        url, {"years": "8", "basis": "after the case closed", "notes": "MoPI group 2"}
    )
    assert response.status_code == 302
    rule = RetentionRule.objects.get(record_type="cases.case")
    assert rule.years == 8
    assert rule.updated_by == information_manager


@pytest.mark.parametrize(
    "url",
    [
        "admin:records_retentionrule_changelist",
        "admin:records_recordreview_changelist",
        "admin:records_tombstone_changelist",
        "admin:records_subjectaccessrequest_changelist",
        "admin:records_rectificationrequest_changelist",
        "admin:records_accessrecorddisposal_changelist",
    ],
)
def test_the_admin_lists_the_records_by_id(client, admin_user, information_manager, sar, url):
    client.force_login(admin_user)
    response = client.get(reverse(url))
    assert response.status_code == 200
    assert b"Letter" not in response.content
    client.force_login(information_manager)
    assert client.get(reverse(url)).status_code in (302, 403, 404)


def test_the_admin_never_opens_a_subject_access_request(client, admin_user, sar):
    client.force_login(admin_user)
    response = client.get(reverse("admin:records_subjectaccessrequest_change", args=[sar.pk]))
    assert response.status_code in (302, 403)
    assert b"Letter" not in response.content
    assert AccessRecord.objects.filter(
        object_type="records.subjectaccessrequest", outcome="denied", user=admin_user
    ).exists()


def due_reviews(n: int) -> list[RecordReview]:
    return [
        RecordReview.objects.create(
            record_type="cases.case", object_id=BUILDERS["cases.case"](ANCHOR).pk
        )
        for _ in range(n)
    ]


def test_the_review_list_runs_the_same_queries_at_two_sizes(
    client, information_manager, django_assert_num_queries
):
    client.force_login(information_manager)
    due_reviews(2)
    client.get(reverse("records:reviews"))  # warm caches (session, content types)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get(reverse("records:reviews"))
    due_reviews(20)
    with CaptureQueriesContext(connection) as large:
        response = client.get(reverse("records:reviews"))
    assert len(small.captured_queries) == len(large.captured_queries)
    assert response.content.count(b'name="review"') == 22


def test_retain_in_bulk_from_the_page(client, information_manager):
    reviews = due_reviews(3)
    client.force_login(information_manager)
    on = (timezone.localdate() + timedelta(days=400)).isoformat()
    response = client.post(
        reverse("records:reviews"),
        {
            "review": [r.pk for r in reviews[:2]],
            "decision": "retain",
            "reason": "Appeal pending",
            "review_on": on,
        },
    )
    assert response.status_code == 302
    states = dict(RecordReview.objects.values_list("pk", "state"))
    assert [states[r.pk] for r in reviews] == ["retained", "retained", "due"]


def test_bad_input_saves_nothing(client, information_manager):
    reviews = due_reviews(2)
    client.force_login(information_manager)
    url = reverse("records:reviews")
    ids = [r.pk for r in reviews]
    # Retain without a reason or a date; dispose without the confirmation; nothing ticked.
    for data, message in [
        ({"review": ids, "decision": "retain"}, b"Give the reason for keeping these records."),
        ({"review": ids, "decision": "dispose"}, b"Tick to confirm the disposal."),
        ({"decision": "dispose", "confirm": "on"}, b"Tick at least one record."),
    ]:
        response = client.post(url, data)
        assert response.status_code == 200
        assert message in response.content
    assert set(RecordReview.objects.values_list("state", flat=True)) == {"due"}


def test_a_review_id_that_does_not_exist_is_a_recorded_404(client, information_manager):
    reviews = due_reviews(1)
    client.force_login(information_manager)
    response = client.post(
        reverse("records:reviews"),
        {"review": [reviews[0].pk, 999999], "decision": "dispose", "confirm": "on"},
    )
    assert response.status_code == 404
    assert RecordReview.objects.get().state == "due"
    assert AccessRecord.objects.filter(
        object_type="records.recordreview", object_id="999999", outcome="denied"
    ).exists()


def test_navigation_shows_information_management_to_its_role_only(
    client, information_manager, auditor
):
    client.force_login(information_manager)
    labels = [i.label for i in client.get(reverse("home")).context["nav_items"]]
    assert "Information management" in labels
    client.force_login(auditor)
    labels = [i.label for i in client.get(reverse("home")).context["nav_items"]]
    assert "Information management" not in labels


def test_docs_access_table_matches_these_tests():
    """docs/access.md, "Information management": the information manager's column only."""
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs" / "access.md").read_text(encoding="utf-8")
    rows = [line for line in doc.splitlines() if line.startswith("| `records:")]
    assert len(rows) == 6
    for row in rows:
        cells = [cell.strip() for cell in row.strip("|").split("|")][1:]
        assert cells == ["✗"] * 10 + ["✓"], row

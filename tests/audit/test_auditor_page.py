"""The auditor's page: filter by a case or log reference (old spellings included), export the
filtered records as CSV (an audited disclosure, formula cells neutralised); the admin's roles
as checkboxes with their display names."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from foundation.accounts.models import Role, User
from foundation.audit.export import neutralise
from foundation.audit.models import AccessRecord
from tests.conftest import ROLE_FIXTURES
from tests.factories import CaseFactory, CrimeLogFactory

pytestmark = pytest.mark.django_db


def record(user, object_type: str, object_id: object, **extra) -> AccessRecord:
    return AccessRecord.objects.create(
        user=user, action="consult", object_type=object_type, object_id=str(object_id), **extra
    )


def test_the_auditor_filters_by_a_case_or_log_reference_under_any_spelling(
    client, auditor, coordinator
):
    case = CaseFactory(reference="SH-2026-00042")
    log = CrimeLogFactory(reference="NS/25/0012345")
    other = CaseFactory()
    record(coordinator, "case", case.pk)  # an older spelling
    record(coordinator, "cases.case", case.pk, need="victim_identity")
    record(coordinator, "cases.crimelog", log.pk)
    record(coordinator, "cases.case", other.pk)
    record(coordinator, "cases.crimelog", log.pk + 1000)  # another log
    client.force_login(auditor)
    page = client.get(reverse("audit:access_records"), {"reference": "sh-2026-00042"})
    found = {(r.object_type, r.object_id) for r in page.context["page"]}
    assert found == {("case", str(case.pk)), ("cases.case", str(case.pk))}
    page = client.get(reverse("audit:access_records"), {"reference": "NS/25/0012345"})
    assert [(r.object_type, r.object_id) for r in page.context["page"]] == [
        ("cases.crimelog", str(log.pk))
    ]
    page = client.get(reverse("audit:access_records"), {"reference": "SH-NOPE-1"})
    assert "No case or crime log has this reference." in page.content.decode()


def test_the_export_is_the_filtered_records_as_csv_and_is_itself_recorded(
    client, auditor, coordinator
):
    case = CaseFactory(reference="SH-2026-00077")
    record(coordinator, "cases.case", case.pk, justification='=HYPERLINK("http://x")')
    record(coordinator, "cases.case", CaseFactory().pk)
    client.force_login(auditor)
    response = client.get(reverse("audit:access_records_export"), {"reference": case.reference})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:3] == ["when_utc", "user", "roles"]
    assert len(rows) == 2
    assert rows[1][6] == "Case"
    assert rows[1][10] == '\'=HYPERLINK("http://x")'
    export = AccessRecord.objects.get(user=auditor, action="disclose")
    assert (export.object_type, export.object_id, export.need) == (
        "audit.accessrecord",
        "export",
        "disclose",
    )
    assert "1 access records" in export.justification
    assert f"cases.case#{case.pk}" in export.justification


@pytest.mark.parametrize("persona", ROLE_FIXTURES, indirect=True)
def test_only_the_auditor_exports(client, persona, request):
    client.force_login(persona)
    response = client.get(reverse("audit:access_records_export"))
    role = request.node.callspec.params["persona"]
    assert response.status_code == (200 if role == "auditor" else 404)
    assert AccessRecord.objects.filter(action="disclose").exists() is (role == "auditor")


def test_an_invalid_filter_exports_nothing(client, auditor):
    client.force_login(auditor)
    response = client.get(
        reverse("audit:access_records_export"), {"date_from": "2026-05-02", "date_to": "2026-05-01"}
    )
    assert response.status_code == 400
    assert not AccessRecord.objects.filter(action="disclose").exists()


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+44 20", "'+44 20"),
        ("-5", "'-5"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("plain", "plain"),
        ("", ""),
    ],
)
def test_formula_cells_are_neutralised(cell, written):
    assert neutralise(cell) == written


def test_the_admin_sets_roles_with_checkboxes_by_their_names(client, admin_user, officer):
    client.force_login(admin_user)
    url = reverse("admin:accounts_user_change", args=[officer.pk])
    body = client.get(url).content.decode()
    assert 'type="checkbox" name="roles" value="coordinator"' in body
    assert "Hub coordinator" in body
    form = client.get(url).context["adminform"].form
    data = {
        name: form[name].value()
        for name in form.fields
        if name not in {"password", "last_login", "date_joined", "roles"}
        and form[name].value() is not None
    }
    data |= {"roles": [Role.CHAMPION, Role.OFFICER], "agency": officer.agency_id}
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert User.objects.get(pk=officer.pk).roles == ["champion", "officer"]
    response = client.post(url, data | {"roles": ["wizard"]})
    assert "Select a valid choice" in response.content.decode()
    listing = client.get(reverse("admin:accounts_user_changelist")).content.decode()
    assert "DA &amp; stalking champion, Officer" in listing

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from foundation.audit.models import AccessRecord
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db


@pytest.mark.urls("tests.audit.urls")
def test_allowed_read_is_recorded_with_who_what_and_request_id(client, coordinator, home_force):
    client.force_login(coordinator)
    response = client.get(f"/agency/{home_force.pk}/")
    assert response.status_code == 200
    record = AccessRecord.objects.get()
    assert record.user == coordinator
    assert record.roles == "coordinator"
    assert record.agency_name == home_force.name
    assert (record.action, record.outcome) == ("consult", "allowed")
    assert (record.object_type, record.object_id) == ("accounts.agency", str(home_force.pk))
    assert record.need == "read"
    assert record.request_id == response["X-Request-ID"]


@pytest.mark.urls("tests.audit.urls")
def test_out_of_scope_is_a_404_with_no_data_and_is_recorded_as_denied(client, coordinator):
    hidden = AgencyFactory(name="Hidden Service", kind="isac_service")
    client.force_login(coordinator)
    response = client.get(f"/agency/{hidden.pk}/")
    assert response.status_code == 404
    assert b"Hidden Service" not in response.content
    record = AccessRecord.objects.get()
    assert record.outcome == "denied"
    assert record.object_id == str(hidden.pk)


@pytest.mark.urls("tests.audit.urls")
def test_when_the_record_cannot_be_written_the_data_is_not_served(
    client, coordinator, home_force, monkeypatch
):
    def broken(*args, **kwargs):
        raise DatabaseError("audit table unavailable")

    monkeypatch.setattr(AccessRecord.objects, "create", broken)
    client.force_login(coordinator)
    response = client.get(f"/agency/{home_force.pk}/")
    assert response.status_code == 503
    assert b"SECRET-" not in response.content
    assert b"cannot be shown" in response.content


def test_access_records_are_append_only(coordinator):
    record = AccessRecord.objects.create(
        user=coordinator, action="consult", object_type="case", object_id="1"
    )
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessRecord.objects.filter(pk=record.pk).update(justification="edited")
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessRecord.objects.filter(pk=record.pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_accessrecord")
    assert AccessRecord.objects.filter(pk=record.pk, justification="").exists()


def test_auditor_filters_access_records(
    client, auditor, coordinator, officer, django_assert_max_num_queries
):
    for n in range(30):
        AccessRecord.objects.create(
            user=coordinator, action="consult", object_type="case", object_id=str(n)
        )
    AccessRecord.objects.create(
        user=officer, action="disclose", object_type="export", object_id="9"
    )
    client.force_login(auditor)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("audit:access_records"))
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 31
    filtered = client.get(
        reverse("audit:access_records"), {"user_email": officer.email, "action": "disclose"}
    )
    assert [r.object_id for r in filtered.context["page"]] == ["9"]


def test_access_record_list_query_count_is_flat(
    client, auditor, coordinator, django_assert_max_num_queries
):
    AccessRecord.objects.bulk_create(
        AccessRecord(user=coordinator, action="consult", object_type="case", object_id=str(n))
        for n in range(200)
    )
    client.force_login(auditor)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("audit:access_records")).status_code == 200


def test_bad_filter_input_gets_a_clear_message(client, auditor):
    client.force_login(auditor)
    response = client.get(
        reverse("audit:access_records"), {"date_from": "2026-05-02", "date_to": "2026-05-01"}
    )
    assert response.status_code == 200
    assert b"The end date is before the start date." in response.content


def test_changes_to_users_are_kept_as_history_including_bulk_updates(officer):
    from pghistory.models import Events

    from foundation.accounts.models import User

    User.objects.filter(pk=officer.pk).update(full_name="Renamed Officer")
    names = list(Events.objects.tracks(officer).values_list("pgh_data__full_name", flat=True))
    assert names[-1] == "Renamed Officer"
    assert len(names) >= 2


def test_the_auditor_finds_old_and_new_spellings_under_one_readable_type(coordinator):
    from foundation.audit.selectors import AccessRecordFilter, access_records, object_types

    AccessRecord.objects.create(
        user=coordinator, action="consult", object_type="crime_log", object_id="7"
    )
    AccessRecord.objects.create(
        user=coordinator, action="consult", object_type="cases.crimelog", object_id="8"
    )
    AccessRecord.objects.create(
        user=coordinator, action="consult", object_type="referral", object_id="9"
    )
    found = access_records(AccessRecordFilter(object_type="cases.crimelog"))
    assert sorted(found.values_list("object_id", flat=True)) == ["7", "8"]
    assert ("cases.crimelog", "Crime log") in object_types()
    assert all(label != "crime_log" for label, _ in object_types())


def test_a_nul_in_an_id_is_a_recorded_404_not_an_error(client, coordinator):
    from cases.models import Case

    client.force_login(coordinator)
    response = client.get("/cases/1%00/")
    assert response.status_code == 404
    from django.http import Http404

    from foundation.audit.access import Need, open_door

    with pytest.raises(Http404):
        open_door(Case.objects.all(), "1\x00", user=coordinator, need=Need.READ)
    record = AccessRecord.objects.get(object_type="cases.case")
    assert (record.outcome, record.object_id) == ("denied", "1\\x00")


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"date_to": "9999-12-31"}, "Enter a date at most 5 years ahead"),
        ({"date_from": "0001-01-01"}, "Enter a date from 1 January 1900 onwards."),
    ],
)
def test_a_date_out_of_range_is_refused_with_a_message_not_a_server_error(
    client, auditor, params, message
):
    client.force_login(auditor)
    response = client.get(reverse("audit:access_records"), params)
    assert response.status_code == 200
    assert message in response.content.decode()

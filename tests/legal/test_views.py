"""The pages' forms: a happy path through the views, and bad input shown as a clear message
with nothing saved."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from legal.models import Breach, FileState, Hearing, OrderFile, ProtectiveOrder
from tests.legal.conftest import to_state

pytestmark = pytest.mark.django_db


def test_the_solicitor_opens_a_file_from_the_case(client, solicitor, legal_case, suspect, victim):
    client.force_login(solicitor)
    url = reverse("legal:file_create", args=[legal_case.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "respondent": suspect.pk,
            "kind": "spo",
            "applying_force": "Northshire Police",
            "force_basis": "coming_to",
            "other_force_liaison": "",
            "solicitor": solicitor.pk,
            "protected_persons": [victim.pk],
        },
    )
    file = OrderFile.objects.get()
    assert response["Location"] == file.get_absolute_url()
    assert file.state == FileState.CONSIDERING
    assert list(file.protected_persons.all()) == [victim]


def test_an_illegal_step_is_refused_with_a_message(client, solicitor, spo_file):
    client.force_login(solicitor)
    response = client.post(
        reverse("legal:file_step", args=[spo_file.pk]),
        {"key": "apply", "on": timezone.localdate().isoformat()},
        follow=True,
    )
    assert "cannot take the step" in response.content.decode()
    spo_file.refresh_from_db()
    assert spo_file.state == FileState.CONSIDERING


def test_a_short_fixed_term_is_shown_and_nothing_saved(client, solicitor, spo_file):
    file = to_state(spo_file, solicitor, "applied")
    client.force_login(solicitor)
    made = timezone.localdate() - timedelta(days=1)
    response = client.post(
        reverse("legal:order_create", args=[file.pk]),
        {
            "kind": "full",
            "made_on": made.isoformat(),
            "fixed_end_on": (made + timedelta(days=700)).isoformat(),
            "prohibitions": "Not to contact the victim",
        },
    )
    assert response.status_code == 200
    assert "at least two years" in response.content.decode()
    assert not ProtectiveOrder.objects.exists()


def test_a_past_hearing_and_a_duplicate_breach_are_refused(client, solicitor, spo_file):
    file = to_state(spo_file, solicitor, "in_force")
    client.force_login(solicitor)
    response = client.post(
        reverse("legal:hearing_create", args=[file.pk]),
        {
            "court": "Northtown Magistrates' Court",
            "starts_at": (timezone.localtime() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
            "kind": "variation",
        },
    )
    assert "past cannot be entered as upcoming" in response.content.decode()
    assert not Hearing.objects.exists()
    order = file.orders.get()
    data = {
        "occurred_on": timezone.localdate().isoformat(),
        "log_source": "rms",
        "log_reference": "NS/26/NOT-YET",
    }
    url = reverse("legal:breach_create", args=[order.pk])
    assert client.post(url, data).status_code == 302
    response = client.post(url, data)
    assert "already recorded" in response.content.decode()
    assert Breach.objects.get().log is None  # kept, linked when the log arrives


def test_a_date_before_1900_or_in_the_future_is_refused(client, solicitor, spo_file):
    file = to_state(spo_file, solicitor, "in_force")
    client.force_login(solicitor)
    order = file.orders.get()
    url = reverse("legal:service", args=[order.pk])
    response = client.post(url, {"served_on": "1899-12-31"})
    assert "1900" in response.content.decode()
    response = client.post(
        url, {"served_on": (timezone.localdate() + timedelta(days=1)).isoformat()}
    )
    assert "cannot be in the future" in response.content.decode()
    order.refresh_from_db()
    assert order.served_on is None

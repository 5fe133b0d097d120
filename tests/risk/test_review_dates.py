"""The risk review date: after today, at most five years ahead (docs/risk-instruments.md)."""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine
from django.urls import reverse

from foundation.lib.working_time import LONDON
from risk.forms import JudgementForm
from risk.models import RiskAssessment
from tests.factories.risk import dash_answers
from tests.risk.test_views import form_data

NOW = datetime(2026, 6, 15, 12, 0, tzinfo=LONDON)
TOO_FAR = "Enter a date at most 5 years ahead: 15 June 2031 or earlier."


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1899-12-31", ["The review date must be in the future."]),
        ("2026-06-15", ["The review date must be in the future."]),
        ("2026-06-16", []),
        ("2031-06-15", []),
        ("2031-06-16", [TOO_FAR]),
        ("9999-12-31", [TOO_FAR]),
    ],
)
def test_review_date_boundaries(value, expected):
    assert JudgementForm({"review_date": value}).errors.get("review_date", []) == expected


@pytest.mark.django_db
def test_a_review_date_too_far_ahead_saves_no_assessment(client, coordinator, case):
    client.force_login(coordinator)
    data = form_data(dash_answers(3), save="1") | {"review_date": "9999-12-31"}
    response = client.post(reverse("risk:new", args=[case.pk, "dash"]), data)
    assert response.status_code == 200
    assert response.context["judgement_form"].errors["review_date"] == [TOO_FAR]
    assert 'min="2026-06-16" max="2031-06-15"' in response.content.decode()
    assert not RiskAssessment.objects.exists()

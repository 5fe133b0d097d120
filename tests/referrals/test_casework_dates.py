"""Casework dates are bounded (docs/referrals.md, "Dates"): each field at its boundaries, and
through the pages, where a date out of range saves nothing."""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine
from django.urls import reverse

from foundation.lib.working_time import LONDON
from referrals.forms import ContactForm, MilestoneForm, SafetyPlanForm
from referrals.models import Contact, JusticeMilestone, SafetyPlan
from tests.factories.referrals import ReferralFactory

NOW = datetime(2026, 6, 15, 12, 0, tzinfo=LONDON)
FIVE_YEARS = "2031-06-15"
FIVE_YEARS_AND_A_DAY = "2031-06-16"
TOO_FAR = "Enter a date at most 5 years ahead: 15 June 2031 or earlier."
BEFORE_1900 = "Enter a date from 1 January 1900 onwards."


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def contact_errors(value: str) -> list[str]:
    form = ContactForm({"contact_at": value, "channel": "phone", "outcome": "made"})
    return form.errors.get("contact_at", [])


def plan_errors(value: str) -> list[str]:
    form = SafetyPlanForm({"measures": "Alarm.", "responsibilities": "Police.", "review_on": value})
    return form.errors.get("review_on", [])


def milestone_errors(kind: str, value: str) -> list[str]:
    return MilestoneForm({"kind": kind, "happened_on": value}).errors.get("happened_on", [])


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1899-12-31T23:59", [BEFORE_1900]),
        ("1900-01-01T00:00", []),
        ("2026-06-15T12:00", []),
        ("2026-06-16T12:00", ["A contact cannot be in the future."]),
        ("0001-01-01T00:00", [BEFORE_1900]),
        ("9999-12-31T23:59", ["A contact cannot be in the future."]),
    ],
)
def test_contact_date_and_time(value, expected):
    assert contact_errors(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1899-12-31", ["The review date cannot be in the past."]),
        ("2026-06-14", ["The review date cannot be in the past."]),
        ("2026-06-15", []),
        (FIVE_YEARS, []),
        (FIVE_YEARS_AND_A_DAY, [TOO_FAR]),
        ("9999-12-31", [TOO_FAR]),
    ],
)
def test_safety_plan_review_date(value, expected):
    assert plan_errors(value) == expected


@pytest.mark.parametrize("kind", [k for k in JusticeMilestone.Kind.values if k != "court"])
@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1899-12-31", [BEFORE_1900]),
        ("1900-01-01", []),
        ("2026-06-15", []),
        ("2026-06-16", ["Only a court hearing can be dated in the future."]),
        ("9999-12-31", [TOO_FAR]),
    ],
)
def test_milestones_that_happened(kind, value, expected):
    assert milestone_errors(kind, value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1899-12-31", [BEFORE_1900]),
        ("1900-01-01", []),
        ("2026-06-16", []),
        (FIVE_YEARS, []),
        (FIVE_YEARS_AND_A_DAY, [TOO_FAR]),
    ],
)
def test_a_court_hearing_is_scheduled(value, expected):
    assert milestone_errors("court", value) == expected


# --- Through the pages --------------------------------------------------------------------------


@pytest.fixture
def casework(open_case, isac_service, isac):
    return ReferralFactory(case=open_case, agency=isac_service, active=True, caseworker=isac)


@pytest.mark.django_db
def test_out_of_range_dates_on_the_casework_pages_save_nothing(client, isac, casework):
    client.force_login(isac)
    pages = [
        (
            "referrals:contact_create",
            {"contact_at": "0001-01-01T00:00", "channel": "phone", "outcome": "made"},
            BEFORE_1900,
        ),
        (
            "referrals:milestone_create",
            {"kind": "court", "happened_on": "9999-12-31"},
            TOO_FAR,
        ),
        (
            "referrals:safety_plan_create",
            {"measures": "Alarm.", "responsibilities": "Police.", "review_on": "9999-12-31"},
            TOO_FAR,
        ),
    ]
    for name, data, message in pages:
        response = client.post(reverse(name, args=[casework.pk]), data)
        assert response.status_code == 200
        assert message in response.content.decode()
    assert not Contact.objects.filter(referral=casework).exists()
    assert not JusticeMilestone.objects.filter(referral=casework).exists()
    assert not SafetyPlan.objects.filter(referral=casework).exists()


@pytest.mark.django_db
def test_the_casework_date_pickers_carry_the_range(client, isac, casework):
    client.force_login(isac)
    page = client.get(reverse("referrals:milestone_create", args=[casework.pk])).content.decode()
    assert 'min="1900-01-01" max="2031-06-15"' in page
    page = client.get(reverse("referrals:contact_create", args=[casework.pk])).content.decode()
    assert 'min="1900-01-01T00:00" max="2026-06-15T23:59"' in page

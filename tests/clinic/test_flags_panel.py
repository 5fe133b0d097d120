"""The clinic's case flags (SQL rules) and its case-page panel (facet clinic_discussion)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from cases.flags import cases_flagged, flags_for_cases
from cases.models import Case
from clinic.models import ClinicReferral
from foundation.audit.models import AccessRecord
from tests.factories import CaseFactory
from tests.factories.clinic import ActionFactory, ClinicReferralFactory

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


def test_high_risk_and_not_referred(coordinator):
    risky = CaseFactory(
        owner=coordinator, current_risk="high", current_risk_at=NOW - timedelta(days=3)
    )
    referred = CaseFactory(
        owner=coordinator, current_risk="high", current_risk_at=NOW - timedelta(days=3)
    )
    ClinicReferralFactory(case=referred)
    discussed_before = CaseFactory(
        owner=coordinator, current_risk="high", current_risk_at=NOW - timedelta(days=3)
    )
    ClinicReferralFactory(
        case=discussed_before,
        state=ClinicReferral.State.DISCUSSED,
        referred_at=NOW - timedelta(days=90),
    )
    CaseFactory(owner=coordinator, current_risk="medium")
    flagged = set(cases_flagged("clinic_high_risk_not_referred", Case.objects.all(), NOW))
    assert flagged == {risky, discussed_before}
    reason = flags_for_cases(cases=[risky], now=NOW)[risky.pk]
    assert any("not referred to the stalking clinic" in flag.reason for flag in reason)


def test_repeat_awaiting_confirmation(coordinator):
    case = CaseFactory(owner=coordinator)
    ClinicReferralFactory(
        case=case,
        criterion=ClinicReferral.Criterion.REPEAT,
        state=ClinicReferral.State.PENDING,
        incident_on=NOW.date(),
    )
    assert list(cases_flagged("clinic_repeat_awaiting_confirmation", Case.objects.all(), NOW)) == [
        case
    ]
    (flag,) = [
        f
        for f in flags_for_cases(cases=[case], now=NOW)[case.pk]
        if f.key.startswith("clinic_repeat")
    ]
    assert "01 Jun 2026" in flag.reason


def test_the_case_panel_shows_clinic_history_and_open_actions(
    client, published, coordinator, partner
):
    ActionFactory(item=published, owner_agency=partner.agency, description="Check the licence.")
    client.force_login(coordinator)
    body = client.get(reverse("cases:detail", args=[published.case_id])).content.decode()
    assert "Stalking clinic" in body
    assert published.referral.reference in body
    assert "Check the licence." in body
    client.force_login(partner)
    body = client.get(reverse("cases:detail", args=[published.case_id])).content.decode()
    assert "Check the licence." in body
    assert published.referral.reference not in body  # the referral list is the hub's
    assert AccessRecord.objects.filter(
        user=partner, object_type="cases.case", need="clinic_discussion"
    ).exists()

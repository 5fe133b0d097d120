"""A trained SRP assessor completes a Stalking Risk Profile and sees the case's risk change."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from risk.sync import sync_instruments
from stalking_hub.demo.accounts import DEMO_PASSWORD, demo_email, seed_accounts
from tests.browser.conftest import sign_in
from tests.factories import CaseFactory, RiskAssessmentFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOTE = "Wording comes from the force's licensed copy"


def test_coordinator_completes_an_srp_and_the_current_risk_is_updated(live_server, page):
    # Transactional tests start from an empty database: load the instruments again.
    sync_instruments()
    users = seed_accounts()
    coordinator = users["coordinator"]
    assert coordinator.is_srp_assessor
    case = CaseFactory(owner=coordinator, reference="SH-2026-00077")
    RiskAssessmentFactory(case=case, assessor=coordinator)  # a FOUR screening: medium
    case.current_risk = "medium"
    case.save()

    sign_in(page, live_server.url, demo_email("coordinator"), DEMO_PASSWORD)
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    risk_panel = page.get_by_role("region", name="Risk")
    expect(risk_panel).to_contain_text("Current risk: Medium")
    risk_panel.get_by_role("link", name="Start a risk assessment").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Choose an instrument")
    page.get_by_role("link", name="Start SRP (Stalking Risk Profile)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "SRP (Stalking Risk Profile) — case SH-2026-00077"
    )

    page.get_by_label(re.compile(r"Stalker type .*\(stalker_type\)")).select_option("rejected")
    ratings = {
        "violence": "High",
        "persistence": "High",
        "recurrence": "Moderate",
        "psychosocial_damage": "Low",
    }
    for domain, rating in ratings.items():
        group = page.get_by_role("group", name=re.compile(rf"\({domain}\)"))
        group.get_by_label(rating, exact=True).check()
        page.get_by_label(re.compile(rf"\({domain}_rationale\)")).fill(
            f"Placeholder rationale for {domain}."
        )
    page.get_by_label(re.compile(r"\(management_recommendations\)")).fill(
        "Placeholder recommendations: refer to the clinic; consider an SPO."
    )
    page.get_by_role("button", name="Calculate result").click()

    result = page.get_by_role("region", name="Result")
    expect(result).to_contain_text("Rejected")
    expect(result).to_contain_text("no total score")
    expect(result.get_by_role("row", name=re.compile("Risk of violence"))).to_contain_text("High")
    expect(result).to_contain_text("Suggested level (the highest rating): High")

    judgement = page.get_by_role("region", name="Your judgement")
    judgement.get_by_role("group", name="Final level").get_by_label("High").check()
    judgement.get_by_label("Rationale", exact=True).fill("Placeholder overall rationale.")
    judgement.get_by_label("Risk management and safety plan").fill("Placeholder plan.")
    review = timezone.localdate() + timedelta(days=28)
    judgement.get_by_label("Review date").fill(review.isoformat())
    page.get_by_role("button", name="Save assessment").click()

    expect(page.get_by_role("alert")).to_contain_text("SRP (Stalking Risk Profile) recorded: high")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "SRP (Stalking Risk Profile) — case SH-2026-00077"
    )
    expect(page.get_by_role("region", name="Decision")).to_contain_text(
        review.strftime("%-d %B %Y")
    )

    page.get_by_role("link", name="Case SH-2026-00077").click()
    risk_panel = page.get_by_role("region", name="Risk")
    expect(risk_panel).to_contain_text("Current risk: High")
    expect(risk_panel.get_by_role("link", name="SRP (Stalking Risk Profile)")).to_be_visible()
    expect(risk_panel.get_by_role("img", name="Risk level over time")).to_be_visible()

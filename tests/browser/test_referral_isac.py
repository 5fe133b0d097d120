"""The coordinator refers a case to the ISAC service with the victim's consent; an ISAC
accepts it, taking it as their own case, and records a contact."""

import pytest
from playwright.sync_api import expect

from cases.models import CaseShare
from foundation.outbox.tasks import run_outbox_message
from referrals.models import Referral
from stalking_hub.demo.accounts import DEMO_PASSWORD, ISAC, demo_email, seed_accounts
from tests.browser.conftest import sign_in
from tests.factories import CaseFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SAFE_CONTACT = "Never leave voicemail; text first."


def test_coordinator_refers_and_the_isac_accepts_and_records_a_contact(
    live_server, page, monkeypatch
):
    monkeypatch.setattr(run_outbox_message, "apply_async", lambda *args, **kwargs: None)
    users = seed_accounts()
    case = CaseFactory(reference="SH-2026-00042", owner=users["coordinator"])

    sign_in(page, live_server.url, demo_email("coordinator"), DEMO_PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Referrals").click()
    page.get_by_role("link", name="New referral").click()
    page.get_by_label("Case reference").fill(case.reference)
    page.get_by_label("Refer to").select_option(label=f"{ISAC} · Stalking advocacy service (ISAC)")
    page.get_by_label("Routine").check()
    page.get_by_label("Reason for the referral").fill("The victim asks for specialist advocacy.")
    page.get_by_label("The victim consented").check()
    page.get_by_label("Case summary").check()
    page.get_by_label("Victim's contact details").check()
    page.get_by_label("Safe-contact instructions").fill(SAFE_CONTACT)
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("alert")).to_contain_text("saved as a draft")
    page.get_by_role("button", name=f"Send to {ISAC}").click()
    expect(page.get_by_role("alert")).to_contain_text("sent to")
    referral = Referral.objects.get()
    assert referral.state == Referral.State.SENT

    page.context.clear_cookies()
    sign_in(page, live_server.url, demo_email("isac2"), DEMO_PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Referrals").click()
    page.get_by_role("link", name=referral.reference).click()
    expect(page.get_by_role("region", name="Safe-contact instructions")).to_contain_text(
        SAFE_CONTACT
    )
    page.get_by_role("link", name="Accept").click()
    expect(page.get_by_label("Take this referral as my own case")).to_be_checked()
    page.get_by_role("button", name="Accept referral").click()
    expect(page.get_by_role("alert")).to_contain_text("accepted")

    page.get_by_role("link", name="Casework").click()
    expect(page.get_by_role("region", name="Safe-contact instructions")).to_contain_text(
        SAFE_CONTACT
    )
    page.get_by_role("link", name="Record a contact").click()
    page.get_by_label("Channel").select_option("text")
    page.get_by_label("Contact made").check()
    page.get_by_label("Notes").fill("Agreed a safe time to call.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("Contact recorded")
    contacts = page.get_by_role("table", name="Contacts and attempts, newest first")
    expect(contacts).to_contain_text("Agreed a safe time to call.")
    expect(contacts).to_contain_text("Text message")

    referral.refresh_from_db()
    assert referral.state == Referral.State.ACTIVE
    assert referral.caseworker == users["isac2"]
    # Accepted: the share opens exactly what the referral ticked (docs/access.md).
    assert set(CaseShare.objects.get(referral=referral).facets) == {
        "existence",
        "risk_summary",
        *referral.shared_facets,
    }

"""A champion asks the hub a question (reading the guidance first); the coordinator answers;
the champion reads the answer and rates it."""

import re

import pytest
from playwright.sync_api import expect

from foundation.outbox.tasks import run_outbox_message
from referrals.models import AdviceRequest
from stalking_hub.demo.accounts import DEMO_PASSWORD, demo_email, seed_accounts
from tests.browser.conftest import sign_in
from tests.factories.referrals import GuidanceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

QUESTION = "Two damaged cars and a note on the windscreen: harassment or stalking?"
ANSWER = "Record it as stalking: the incidents together are fixated, unwanted and repeated."


def switch_user(page, base_url: str, who: str) -> None:
    page.context.clear_cookies()
    sign_in(page, base_url, demo_email(who), DEMO_PASSWORD)


def test_champion_asks_and_the_coordinator_answers(live_server, page, monkeypatch):
    # The outbox row is what matters here; keep the test off the shared Redis broker.
    monkeypatch.setattr(run_outbox_message, "apply_async", lambda *args, **kwargs: None)
    users = seed_accounts()
    GuidanceFactory(
        title="Harassment or stalking?",
        category="recording",
        body="Think FOUR: fixated, obsessive, unwanted, repeated.",
        created_by=users["coordinator"],
    )

    sign_in(page, live_server.url, demo_email("champion"), DEMO_PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Advice requests").click()
    page.get_by_role("link", name="Ask the hub").click()
    page.get_by_label("Crime recording").check()
    page.get_by_role("button", name="Continue").click()

    guidance = page.get_by_role("region", name="Guidance on crime recording")
    guidance.get_by_text("Harassment or stalking?").click()
    expect(guidance.get_by_text("Think FOUR")).to_be_visible()

    page.get_by_label("Routine: answered by the end of the second working day").check()
    page.get_by_label("Your question").fill(QUESTION)
    page.get_by_role("button", name="Send to the hub").click()
    expect(page.get_by_role("alert")).to_contain_text("An answer is due by")
    expect(page.get_by_role("heading", level=1)).to_contain_text(re.compile(r"AR-\d{5}"))
    advice = AdviceRequest.objects.get()
    assert advice.requester == users["champion"]

    switch_user(page, live_server.url, "coordinator")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Advice queue").click()
    page.get_by_role("link", name=advice.reference).click()
    expect(page.get_by_text(QUESTION)).to_be_visible()
    page.get_by_role("link", name="Answer").click()
    page.get_by_label("Answer").fill(ANSWER)
    page.get_by_role("button", name="Send answer").click()
    expect(page.get_by_role("alert")).to_contain_text(f"Answer sent for {advice.reference}")

    switch_user(page, live_server.url, "champion")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Advice requests").click()
    row = page.get_by_role("row", name=re.compile(advice.reference))
    expect(row).to_contain_text("Answered")
    row.get_by_role("link", name=advice.reference).click()
    expect(page.get_by_text(ANSWER)).to_be_visible()
    expect(page.get_by_text("Answered by Casey Morgan")).to_be_visible()
    page.get_by_role("button", name="Useful", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("your rating helps")

    advice.refresh_from_db()
    assert advice.answered_by == users["coordinator"]
    assert advice.rating == "useful"

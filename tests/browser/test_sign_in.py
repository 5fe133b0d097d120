import pytest
from playwright.sync_api import expect

from stalking_hub.demo.accounts import DEMO_PASSWORD, demo_email, seed_accounts
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_demo_coordinator_signs_in_and_lands_on_the_dashboard(live_server, page):
    seed_accounts()
    sign_in(page, live_server.url, demo_email("coordinator"), DEMO_PASSWORD)
    # The coordinator lands on the dashboard.
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    expect(page.get_by_text("Signed in as Hub coordinator")).to_be_visible()
    expect(page.get_by_role("navigation", name="Main")).not_to_contain_text("Access audit")


def test_wrong_password_shows_a_clear_error(live_server, page):
    seed_accounts()
    sign_in(page, live_server.url, demo_email("coordinator"), "not-the-password")
    expect(page.get_by_role("alert")).to_contain_text("do not match an active account")

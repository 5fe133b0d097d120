"""Single sign-on in a browser: the hub, a real OpenID provider (tests/oidc.py) and Chromium."""

import re
import uuid
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from foundation.accounts.models import GroupRoleMapping, Role, User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The test provider's page links a stylesheet on a CDN: answer it locally, nothing leaves here.
NOT_LOOPBACK = re.compile(r"^https?://(?!(localhost|127\.0\.0\.1)[:/])")


@pytest.fixture
def offline(page: Page) -> Page:
    page.context.route(
        NOT_LOOPBACK, lambda route: route.fulfill(status=200, content_type="text/css", body="")
    )
    return page


def sign_in_at_provider(page: Page, base_url: str, sub: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_role("link", name="Sign in with Home Force").click()
    expect(page.get_by_role("heading", name="Authorize Client")).to_be_visible()
    page.get_by_label("Subject").fill(sub)
    page.get_by_role("button", name="Authorize", exact=True).click()


def test_force_officer_signs_in_with_the_force_account_and_signs_out(
    live_server, offline, oidc_server, force_provider
):
    page = offline
    GroupRoleMapping.objects.create(
        provider="force", group="hub-coordinators", roles=[Role.COORDINATOR]
    )
    sub = f"sub-{uuid.uuid4().hex}"
    oidc_server.set_user(
        sub, email="casey.morgan@force.example", name="Casey Morgan", groups=["hub-coordinators"]
    )
    sign_in_at_provider(page, live_server.url, sub)
    # The coordinator lands on the dashboard.
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    expect(page.get_by_text("Signed in as Hub coordinator")).to_be_visible()
    assert User.objects.get(sso_subject=sub).roles == [Role.COORDINATOR]

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))


@pytest.fixture
def refused_page(browser: Browser) -> Iterator[Page]:
    """Like conftest's `page`, but the refusal page answers 403 on purpose, which Chromium
    reports as a failed resource; any other console error still fails the test."""
    context = browser.new_context(locale="en-GB", timezone_id="Europe/London")
    context.route(
        NOT_LOOPBACK, lambda route: route.fulfill(status=200, content_type="text/css", body="")
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    yield page
    context.close()
    expected = "Failed to load resource: the server responded with a status of 403 (Forbidden)"
    assert [error for error in errors if error != expected] == []


def test_person_without_a_mapped_group_sees_no_access(
    live_server, refused_page, oidc_server, force_provider
):
    page = refused_page
    sub = f"sub-{uuid.uuid4().hex}"
    oidc_server.set_user(sub, email="visitor@force.example", groups=["canteen-staff"])
    sign_in_at_provider(page, live_server.url, sub)
    expect(page.get_by_role("heading", level=1)).to_have_text("No access to the Stalking Hub")
    expect(page.get_by_role("alert")).to_contain_text("not in any group that gives a role")
    assert not User.objects.filter(sso_subject=sub).exists()

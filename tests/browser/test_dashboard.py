"""The coordinator's journey at a desktop's and a phone's width: lands on the dashboard after
signing in, follows a chart to the list behind it, searches a name from the dashboard and opens
the case with its chronology. axe-core finds no serious or critical violation on any page, and
nothing is wider than the screen."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, expect

from cases.models import CaseLog, CaseParty, PartyRole, SignalKind
from foundation.accounts.models import User
from stalking_hub.dashboard.summary import refresh_figures
from stalking_hub.demo.accounts import DEMO_PASSWORD, demo_email, seed_accounts
from tests.browser.checks import assert_fits_and_accessible, new_context
from tests.browser.conftest import sign_in
from tests.factories import CaseFactory, CrimeLogFactory, PersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1280, 390])
def test_coordinator_follows_a_chart_then_finds_a_case(live_server, browser: Browser, width):
    seed_accounts()
    coordinator = User.objects.get(email=demo_email("coordinator"))
    now = timezone.now()
    for days in (5, 40, 70):
        CrimeLogFactory(
            stalking=True,
            review_state="awaiting",
            signal_kinds=[SignalKind.TAGGED_STALKING.value],
            recorded_at=now - timedelta(days=days),
        )
    case = CaseFactory(owner=coordinator, reference="SH-24680")
    CaseParty.objects.create(
        case=case, person=PersonFactory(name="Morgan Quillfeather"), role=PartyRole.VICTIM
    )
    log = CrimeLogFactory(reviewed=True, recorded_at=now - timedelta(days=9))
    CaseLog.objects.create(case=case, log=log, added_by=coordinator)
    refresh_figures(now=now)

    context = new_context(browser, width)
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)

    def check() -> None:
        assert_fits_and_accessible(page, width)

    try:
        sign_in(page, live_server.url, demo_email("coordinator"), DEMO_PASSWORD)
        expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
        expect(page.get_by_text("Figures computed")).to_be_visible()
        queues = page.get_by_role("table", name="Work waiting, with its size and oldest item")
        expect(queues.get_by_role("row", name="Crime logs awaiting review")).to_contain_text("3")
        check()

        # The chart's table links to the list behind the series.
        page.get_by_role("link", name="Tagged as stalking at source").first.click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Review queue")
        assert "signal=tagged_stalking" in page.url
        check()

        # Back to the dashboard; search a name; open the case.
        page.goto(f"{live_server.url}/dashboard/")
        search = page.get_by_role("search", name="Search cases")
        search.get_by_label("Reference or name").fill("Morgan Quillfeather")
        search.get_by_role("button", name="Search").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Search cases")
        check()
        page.get_by_role("link", name="SH-24680").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Case SH-24680")
        chronology = page.get_by_role("table", name="The case's chronology")
        expect(chronology).to_contain_text("Case opened")
        expect(chronology).to_contain_text("Crime log")
        check()
    finally:
        context.close()
    assert errors == [], errors

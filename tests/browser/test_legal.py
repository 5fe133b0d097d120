"""The SPO journey at a desktop's and a phone's width: the solicitor opens an order file from
the case page, prepares the application and its pack, applies, and records the full order the
court made; the file reaches "order in force" and the Orders and SPOs page lists it.

Each page of the journey must fit the screen and, with axe-core installed (`npm ci`: the
project's package.json), have no serious or critical violation.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, expect

from cases.models import CaseParty, PartyRole
from foundation.outbox.tasks import run_outbox_message
from legal.models import FileState, OrderFile
from stalking_hub.demo.accounts import DEMO_PASSWORD, demo_email, seed_accounts
from tests.browser.checks import AXE, assert_fits_and_accessible, new_context
from tests.browser.conftest import sign_in
from tests.factories import CaseFactory, PersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def no_broker(monkeypatch):
    monkeypatch.setattr(run_outbox_message, "apply_async", lambda *args, **kwargs: None)


@pytest.fixture
def context(browser: Browser, request) -> Iterator[object]:
    width = request.param
    ctx = new_context(browser, width)
    yield ctx, width
    ctx.close()


def check(page, width: int) -> None:
    assert_fits_and_accessible(page, width)
    expect(page.locator("h1")).to_have_count(1)


@pytest.mark.parametrize("context", [1280, 390], indirect=True)
def test_the_solicitor_takes_a_file_from_considering_to_order_in_force(live_server, context):
    if not AXE.exists():
        print("axe-core not installed (npm ci): accessibility not checked")
    ctx, width = context
    users = seed_accounts()
    case = CaseFactory(owner=users["coordinator"], current_risk="high")
    CaseParty.objects.create(
        case=case, person=PersonFactory(name="Ottoline Journey-Victim"), role=PartyRole.VICTIM
    )
    CaseParty.objects.create(
        case=case, person=PersonFactory(name="Barnaby Journey-Suspect"), role=PartyRole.SUSPECT
    )
    page = ctx.new_page()
    page.set_default_timeout(10_000)
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    sign_in(page, live_server.url, demo_email("solicitor"), DEMO_PASSWORD)

    # The case page's Orders panel: no file yet; open one.
    page.goto(live_server.url + case.get_absolute_url())
    panel = page.get_by_role("region", name="Orders")
    expect(panel).to_contain_text("No order file")
    check(page, width)
    panel.get_by_role("link", name="Open an order file").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Open an order file")
    check(page, width)
    page.get_by_label("Respondent (the suspect)").select_option(label="Barnaby Journey-Suspect")
    page.get_by_label("Type of order").select_option(label="Stalking Protection Order")
    page.get_by_label("Basis (s.1)").select_option(label="Lives in the force area")
    page.get_by_label("Ottoline Journey-Victim").check()
    page.get_by_role("button", name="Open the file").click()
    expect(page.get_by_role("alert")).to_contain_text("Order file opened")
    expect(page.locator("#file-state")).to_have_text("Considering")
    check(page, width)

    # Considering -> preparing; the pack's text; preparing -> applied.
    page.get_by_role("button", name="Start preparing the application").click()
    expect(page.locator("#file-state")).to_have_text("Preparing")
    page.get_by_role("link", name="Application pack text").click()
    # Wait for the pack page itself: a check straight after the click can read the document
    # mid-navigation (a null body).
    expect(page.get_by_label("Case summary for the court")).to_be_visible()
    check(page, width)
    page.get_by_label("Case summary for the court").fill(
        "Over six months the respondent followed the victim and waited outside her work."
    )
    page.get_by_label("Acts associated with stalking").fill(
        "Waited outside her workplace\nSent repeated messages"
    )
    page.get_by_label("Proposed prohibitions and requirements").fill(
        "Not to contact the protected persons"
    )
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("Pack text saved")
    expect(page.get_by_role("link", name="Pack (.docx)")).to_be_visible()
    page.get_by_role("button", name="Application made to the court").click()
    expect(page.locator("#file-state")).to_have_text("Applied")
    check(page, width)

    # The court made a full order until further order.
    page.get_by_role("link", name="Record an order made").click()
    expect(page.get_by_label("Type of order made")).to_be_visible()
    check(page, width)
    page.get_by_label("Type of order made").select_option(label="Full SPO")
    page.get_by_label("Made on").fill(timezone.localdate().isoformat())
    page.get_by_label("Until further order (a full SPO only, s.3)").check()
    page.get_by_label("Prohibitions").fill("Not to contact the protected persons")
    page.get_by_role("button", name="Record").click()
    expect(page.get_by_role("alert")).to_contain_text("Order recorded")
    expect(page.locator("#file-state")).to_have_text("Order in force")
    expect(page.get_by_role("region", name="Orders")).to_contain_text("not yet served")
    check(page, width)

    # The solicitor's page lists it; the menu leads there.
    page.goto(live_server.url + "/legal/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Orders and SPOs")
    expect(page.get_by_role("table", name="Deadlines in date order")).to_contain_text(
        "Put the order on the PNC"
    )
    check(page, width)
    file = OrderFile.objects.get(case=case)
    assert file.state == FileState.IN_FORCE
    assert errors == [], errors

"""The restricted-case journey at a desktop's and a phone's width: the tactical lead restricts a
case to the solicitor; the coordinator gets "Not found"; the coordinator breaks glass with a
reason and sees the case, with the break-glass warning.

Accessibility: where axe-core is installed (`node_modules/axe-core`), each page is checked for
serious and critical violations as tests/browser/test_oversight.py does; without it the check
is skipped (and says so).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect

from cases.models import BreakGlassAccess, CaseRestriction
from stalking_hub.demo.accounts import seed_accounts
from tests.browser.checks import AXE
from tests.browser.test_oversight import Session
from tests.factories import CaseFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def sessions(browser: Browser, live_server) -> Iterator[list[Session]]:
    opened: list[Session] = []
    yield opened
    for session in opened:
        session.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_restrict_a_case_then_break_glass(browser, live_server, sessions, width):
    if not AXE.exists():
        print("axe-core not installed here: accessibility not checked")
    users = seed_accounts()
    case = CaseFactory(owner=users["coordinator"])
    case_url = f"{live_server.url}/cases/{case.pk}/"

    lead = Session(browser, live_server.url, width, "tactical")
    sessions.append(lead)
    page = lead.page
    page.goto(case_url)
    page.get_by_role("link", name="Restrict case").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Restrict case {case.reference}")
    lead.check()
    page.get_by_label("Jordan Pryce (solicitor)").check()
    page.get_by_label("Why the case is restricted").fill("The suspect is a serving officer.")
    page.get_by_role("button", name="Restrict the case").click()
    expect(page.get_by_role("status").first).to_contain_text("Restricted case.")
    lead.check()
    assert CaseRestriction.objects.filter(case=case).exists()

    coordinator = Session(browser, live_server.url, width, "coordinator")
    sessions.append(coordinator)
    page = coordinator.page
    response = page.goto(case_url)
    assert response is not None
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_contain_text("Not found")
    coordinator.check()
    # The browser logs the 404 it was meant to get: that one is expected, nothing else.
    assert coordinator.errors == [
        "Failed to load resource: the server responded with a status of 404 (Not Found)"
    ]
    coordinator.errors.clear()
    coordinator.menu("Cases")
    page.get_by_role("link", name="break glass").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Break glass: open a restricted case")
    coordinator.check()
    page.get_by_label("Case reference").fill(case.reference)
    page.get_by_label("Why you must open it now").fill("The victim called 999; risk to life now.")
    page.get_by_role("button", name="Break glass and open the case").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Case {case.reference}")
    expect(page.get_by_text("You opened this restricted case by breaking glass")).to_be_visible()
    coordinator.check()
    assert BreakGlassAccess.objects.filter(case=case, user=users["coordinator"]).exists()

"""The oversight journey at a desktop's and a phone's width: the tactical lead starts a plan on a
high-risk case and gives a direction; the officer acknowledges it on their feedback page; the
coordinator, covering the tactical lead, records the next oversight review.

Accessibility: where axe-core is installed (`node_modules/axe-core`, added to the project on
branch `sharing` with its package.json), each page of the journey is checked for serious and
critical violations, the same way tests/browser/test_accessibility.py does there. Without it
the check is skipped (and says so); nothing else in the journey depends on it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, expect

from cases.models import RiskLevel
from foundation.accounts.cover import create_cover
from foundation.accounts.models import Role
from oversight.checklist import ensure_checklist
from oversight.models import Direction, OversightReview
from stalking_hub.demo.accounts import DEMO_PASSWORD, demo_email, seed_accounts
from tests.browser.checks import AXE, assert_fits_and_accessible, new_context
from tests.browser.conftest import sign_in
from tests.factories import CaseFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DIRECTION = "Download the victim's phone and preserve the messages before the handset is replaced."


class Session:
    """One signed-in user in their own browser context, at the journey's width."""

    def __init__(self, browser: Browser, base_url: str, width: int, local_part: str) -> None:
        self.context = new_context(browser, width)
        self.page = self.context.new_page()
        self.page.set_default_timeout(10_000)
        self.width = width
        self.errors: list[str] = []
        self.page.on(
            "console", lambda msg: self.errors.append(msg.text) if msg.type == "error" else None
        )
        sign_in(self.page, base_url, demo_email(local_part), DEMO_PASSWORD)

    def menu(self, name: str) -> None:
        """Follow a link of the main menu (opening it first on a phone)."""
        nav = self.page.get_by_role("navigation", name="Main")
        toggler = nav.get_by_role("button", name="Show navigation")
        if toggler.is_visible():
            toggler.click()
        nav.get_by_role("link", name=name, exact=True).click()

    def check(self) -> None:
        """The page fits the screen and, with axe-core installed, has no serious violation."""
        assert_fits_and_accessible(self.page, self.width)

    def close(self) -> None:
        self.context.close()
        assert self.errors == [], self.errors


@pytest.fixture
def sessions(browser: Browser, live_server) -> Iterator[list[Session]]:
    opened: list[Session] = []
    yield opened
    for session in opened:
        session.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_plan_direction_acknowledgement_and_a_review_under_cover(
    browser, live_server, sessions, width
):
    if not AXE.exists():
        print("axe-core not installed here (branch `sharing` adds it): accessibility not checked")
    users = seed_accounts()
    ensure_checklist()  # a flushed test database has lost the migration's rows
    case = CaseFactory(
        owner=users["coordinator"],
        officer_in_charge=users["officer"],
        current_risk=RiskLevel.HIGH,
        current_risk_at=timezone.now() - timedelta(days=3),
    )
    now = timezone.now()
    create_cover(
        user=users["coordinator"],
        role=Role.TACTICAL_LEAD,
        covered_user=users["tactical"],
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(days=7),
        by=users["admin"],
    )
    due = timezone.localdate() + timedelta(days=7)

    # The tactical lead starts a plan from the oversight list and directs the officer.
    lead = Session(browser, live_server.url, width, "tactical")
    sessions.append(lead)
    page = lead.page
    lead.menu("Oversight")
    expect(page.get_by_role("heading", level=1)).to_have_text("Investigative oversight")
    lead.check()
    page.get_by_role("button", name=f"Start a plan for case {case.reference}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Investigation plan: case {case.reference}"
    )
    expect(page.get_by_role("alert")).to_contain_text("Investigation plan started")
    lead.check()
    page.get_by_role("link", name="Update Victim's account and diary").click()
    page.get_by_label("Done", exact=True).check()
    page.get_by_label("Note", exact=True).fill("Statement taken; the victim keeps a diary.")
    page.get_by_role("button", name="Save", exact=True).click()
    lines = page.get_by_role("table", name="Lines of enquiry in the plan")
    expect(lines.get_by_role("row", name=re.compile("Victim's account and diary"))).to_contain_text(
        "Done"
    )
    page.get_by_role("link", name="Give a direction").click()
    lead.check()
    page.get_by_label("Direction").fill(DIRECTION)
    page.get_by_label("Due by").fill(due.isoformat())
    page.get_by_label("Plan line it concerns").select_option(label="Digital and phone evidence")
    page.get_by_role("button", name="Give direction").click()
    expect(page.get_by_role("alert")).to_contain_text("Direction given")
    expect(page.get_by_text(DIRECTION[:60])).to_be_visible()

    # The officer acknowledges it on their feedback page.
    officer = Session(browser, live_server.url, width, "officer")
    sessions.append(officer)
    page = officer.page
    officer.menu("My logs' feedback")
    section = page.get_by_role("region", name="Directions from the hub's tactical lead")
    expect(section).to_contain_text(DIRECTION)
    expect(section).to_contain_text(case.reference)
    officer.check()
    section.get_by_role(
        "button", name=f"Acknowledge the direction on case {case.reference}"
    ).click()
    expect(page.get_by_role("alert")).to_contain_text(
        f"Direction on case {case.reference} acknowledged"
    )
    expect(
        page.get_by_role("table", name="Directions to you from the hub's tactical lead")
    ).to_contain_text("Acknowledged")
    officer.check()
    page.get_by_role("link", name=f"Update the direction on case {case.reference}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Direction on case {case.reference}")
    officer.check()

    # The coordinator, covering the tactical lead, records the next oversight review.
    coordinator = Session(browser, live_server.url, width, "coordinator")
    sessions.append(coordinator)
    page = coordinator.page
    expect(page.get_by_role("note").filter(has_text="You are covering")).to_contain_text(
        "as tactical lead"
    )
    coordinator.menu("Cover")
    expect(page.get_by_role("table", name="Covers, latest ending first")).to_contain_text("Active")
    coordinator.check()
    coordinator.menu("Oversight")
    page.get_by_role("link", name=case.reference, exact=True).click()
    expect(page.get_by_role("region", name="Investigative oversight")).to_contain_text(
        "1 of 9 lines settled"
    )
    coordinator.check()
    coordinator.menu("Oversight")
    page.get_by_role("link", name="1 of 9 settled").click()
    page.get_by_role("link", name="Record an oversight review").click()
    expect(page.get_by_role("note").filter(has_text="acting for the tactical lead")).to_be_visible()
    coordinator.check()
    page.get_by_role("textbox", name=re.compile(r"^Review")).fill(
        "Reviewed for the tactical lead: phone download directed and acknowledged; CCTV next."
    )
    page.get_by_role("button", name="Record review").click()
    expect(page.get_by_role("alert")).to_contain_text("Oversight review recorded")
    reviews = page.get_by_role("region", name="Oversight reviews")
    expect(reviews).to_contain_text("approved by System Admin, acting for the tactical lead")
    coordinator.check()

    direction = Direction.objects.get()
    assert (direction.officer, direction.status, direction.due_on) == (
        users["officer"],
        Direction.Status.ACKNOWLEDGED,
        due,
    )
    review = OversightReview.objects.get()
    assert review.reviewed_by == users["coordinator"]
    assert review.under_cover is not None
    assert review.under_cover.covered_user == users["tactical"]

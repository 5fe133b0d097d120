"""Clinic journeys: the coordinator schedules a meeting, allocates and publishes its agenda; a
partner (on a phone-sized screen) sees only the agenda's cases and records research; the
chair approves the minutes.

Accessibility: each journey calls `check_accessibility(page)` on the pages it visits: a main
landmark, one h1, labelled form fields, no serious or critical axe-core violation, and nothing
wider than the screen (tests/browser/checks.py).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from playwright.sync_api import Page, expect

from cases.models import CaseParty, CaseShare, PartyRole
from clinic.models import AgendaItem, ClinicReferral, Minutes, Research
from clinic.services.agenda import publish_agenda
from foundation.outbox.tasks import run_outbox_message
from stalking_hub.demo.accounts import DEMO_PASSWORD, demo_email, seed_accounts
from tests.browser.checks import assert_fits_and_accessible
from tests.browser.conftest import sign_in
from tests.factories import CaseFactory, PersonFactory
from tests.factories.clinic import (
    AgendaItemFactory,
    ClinicMeetingFactory,
    ClinicReferralFactory,
    InviteeFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def check_accessibility(page: Page) -> None:
    """The axe-core hook (see the module docstring)."""
    expect(page.locator("main#main")).to_have_count(1)
    expect(page.locator("h1")).to_have_count(1)
    unlabelled = page.evaluate(
        """() => [...document.querySelectorAll(
                'main input:not([type=hidden]), main select, main textarea')]
            .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label'))
            .map(el => el.name)"""
    )
    assert unlabelled == [], unlabelled
    viewport = page.viewport_size
    assert viewport is not None
    assert_fits_and_accessible(page, viewport["width"])


@pytest.fixture(autouse=True)
def no_broker(monkeypatch):
    monkeypatch.setattr(run_outbox_message, "apply_async", lambda *args, **kwargs: None)


def case_with_people(owner, victim: str, suspect: str):
    case = CaseFactory(owner=owner, current_risk="high")
    CaseParty.objects.create(case=case, person=PersonFactory(name=victim), role=PartyRole.VICTIM)
    CaseParty.objects.create(case=case, person=PersonFactory(name=suspect), role=PartyRole.SUSPECT)
    return case


def test_coordinator_schedules_allocates_and_publishes(live_server, page):
    users = seed_accounts()
    cases = [
        case_with_people(users["coordinator"], f"Victim Synthetic {n}", f"Suspect Synthetic {n}")
        for n in range(2)
    ]
    urgent = ClinicReferralFactory(case=cases[0], priority=ClinicReferral.Priority.URGENT)
    ClinicReferralFactory(case=cases[1])
    day = (timezone.localdate() + timedelta(days=10)).isoformat()

    sign_in(page, live_server.url, demo_email("coordinator"), DEMO_PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Stalking clinic").click()
    check_accessibility(page)
    page.get_by_role("link", name="New meeting").click()
    page.get_by_label("Kind").select_option("one_off")
    page.get_by_label("Date").fill(day)
    page.get_by_label("Start time (UK time)").fill("10:00")
    page.get_by_label("Length (minutes)").fill("120")
    page.get_by_label("Location").fill("Hub meeting room")
    page.get_by_label("Cases").fill("4")
    check_accessibility(page)
    page.get_by_role("button", name="Create meeting").click()
    expect(page.get_by_role("alert")).to_contain_text("Meeting created")
    meeting_url = page.url
    page.get_by_label("Hub, ISAC or partner user").select_option(str(users["partner"].pk))
    page.get_by_role("button", name="Invite user").click()
    expect(page.get_by_role("alert")).to_contain_text("invited")
    check_accessibility(page)

    page.goto(f"{live_server.url}/clinic/waiting/")
    page.get_by_role("button", name="Allocate now").click()
    expect(page.get_by_role("alert")).to_contain_text("2 listed")
    check_accessibility(page)
    page.goto(meeting_url)
    expect(page.get_by_role("table", name="Cases on the agenda, in order")).to_contain_text(
        cases[0].reference
    )
    page.get_by_role("button", name="Publish agenda").click()
    expect(page.get_by_role("alert")).to_contain_text("Agenda published")
    check_accessibility(page)

    item = AgendaItem.objects.get(referral=urgent)
    assert item.position == 0  # urgent first
    assert CaseShare.objects.filter(case=cases[0], agency=users["partner"].agency).exists()


def test_partner_sees_only_the_agendas_cases_and_records_research(live_server, page):
    users = seed_accounts()
    listed = case_with_people(users["coordinator"], "Listed Victim", "Listed Suspect")
    other = case_with_people(users["coordinator"], "Unlisted Victim", "Unlisted Suspect")
    ClinicReferralFactory(case=other)
    meeting = ClinicMeetingFactory(starts_at=timezone.now() + timedelta(days=5))
    for key in ("coordinator", "partner"):
        InviteeFactory(meeting=meeting, user=users[key])
    item = AgendaItemFactory(meeting=meeting, referral=ClinicReferralFactory(case=listed))
    publish_agenda(meeting=meeting, by=users["coordinator"])

    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server.url, demo_email("partner"), DEMO_PASSWORD)
    page.get_by_role("button", name="Show navigation").click()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Stalking clinic").click()
    check_accessibility(page)
    page.get_by_role("table").get_by_role("link").first.click()
    agenda = page.get_by_role("table", name="Cases on the agenda, in order")
    expect(agenda).to_contain_text(listed.reference)
    expect(agenda).to_contain_text("Listed Victim")
    expect(page.locator("main")).not_to_contain_text(other.reference)
    expect(page.locator("main")).not_to_contain_text("Unlisted Victim")
    check_accessibility(page)
    agenda.get_by_role("link", name=listed.reference).click()
    page.get_by_label("Your agency's research summary").fill(
        "On licence; no-contact condition in place."
    )
    check_accessibility(page)
    page.get_by_role("button", name="Save research").click()
    expect(page.get_by_role("alert")).to_contain_text("Research saved")
    expect(
        page.get_by_role("article", name=f"Research by {users['partner'].agency.name}")
    ).to_contain_text("no-contact condition")
    assert Research.objects.get(item=item).agency == users["partner"].agency
    # The case not on the agenda stays closed to the partner (asked outside the browser: a 404
    # in the page would be logged to its console).
    client = Client()
    client.force_login(users["partner"])
    assert client.get(f"/cases/{other.pk}/").status_code == 404
    assert client.get(f"/cases/{listed.pk}/").status_code == 200


def test_the_chair_approves_the_minutes(live_server, page):
    users = seed_accounts()
    case = case_with_people(users["coordinator"], "Minuted Victim", "Minuted Suspect")
    meeting = ClinicMeetingFactory(
        starts_at=timezone.now() - timedelta(hours=3), chair=users["tactical"]
    )
    InviteeFactory(meeting=meeting, user=users["tactical"])
    AgendaItemFactory(
        meeting=meeting, referral=ClinicReferralFactory(case=case), discussion="Agreed next steps."
    )
    Minutes.objects.create(meeting=meeting, drafted_by=users["coordinator"])

    sign_in(page, live_server.url, demo_email("tactical"), DEMO_PASSWORD)
    page.goto(f"{live_server.url}/clinic/meetings/?when=past")
    check_accessibility(page)
    page.get_by_role("table").get_by_role("link").first.click()
    page.get_by_role("link", name="Minutes", exact=True).click()
    expect(page.locator("main")).to_contain_text("Agreed next steps.")
    check_accessibility(page)
    page.get_by_role("button", name="Approve minutes").click()
    expect(page.get_by_role("alert")).to_contain_text("approved and locked")
    expect(page.get_by_role("button", name="Approve minutes")).to_have_count(0)
    expect(page.get_by_role("textbox", name="General notes")).to_have_count(0)
    check_accessibility(page)
    minutes = Minutes.objects.get(meeting=meeting)
    assert minutes.is_locked
    assert minutes.approved_by == users["tactical"]

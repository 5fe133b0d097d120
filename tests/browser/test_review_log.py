"""A coordinator reviews a flagged log from the queue and opens a case for it."""

import re

import pytest
from playwright.sync_api import expect

from cases.models import Case, LogReview
from stalking_hub.demo.accounts import DEMO_PASSWORD, demo_email, seed_accounts
from tests.browser.conftest import sign_in
from tests.factories import CrimeLogFactory, LogPartyFactory, LogSignalFactory, PersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_coordinator_confirms_stalking_and_opens_a_case(live_server, page):
    users = seed_accounts()
    log = CrimeLogFactory(
        awaiting=True,
        harassment=True,
        reference="NS/25/0004242",
        narrative="The suspect waited outside the victim's work every evening for a week.",
        officer=demo_email("officer"),
    )
    LogPartyFactory(log=log, victim=True, person=PersonFactory(name="Rowan Synthetica"))
    LogPartyFactory(log=log, suspect=True, person=PersonFactory(name="Kit Fabricated"))
    LogSignalFactory(log=log, course_of_conduct=True)
    CrimeLogFactory(reference="NS/25/0000001")  # no signals: not in the queue

    sign_in(page, live_server.url, demo_email("coordinator"), DEMO_PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Review queue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Review queue")
    expect(page.get_by_role("link", name="NS/25/0000001")).to_have_count(0)

    page.get_by_role("link", name="NS/25/0004242").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Crime log NS/25/0004242")
    expect(page.get_by_text("waited outside the victim's work")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("Rowan Synthetica"))).to_be_visible()

    page.get_by_label("Confirmed stalking").check()
    page.get_by_label("Open a new case").check()
    page.get_by_label("Relationship (new case)").select_option("ex_partner")
    page.get_by_label("Summary (new case)").fill("Waiting outside the workplace, nightly.")
    page.get_by_role("button", name="Save review").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text(re.compile(r"Case SH-\d{4}-00001"))
    expect(page.get_by_role("alert")).to_contain_text("Log added to case")
    logs_table = page.get_by_role("table", name="Crime logs linked to the case")
    expect(logs_table.get_by_role("link", name="NS/25/0004242")).to_be_visible()
    expect(page.get_by_role("table", name="Victims and suspects on the case")).to_contain_text(
        "Kit Fabricated"
    )

    case = Case.objects.get()
    assert case.owner == users["coordinator"]
    assert LogReview.objects.get(log=log).case == case

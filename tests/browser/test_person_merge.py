"""A coordinator merges a log's victim into a near-duplicate person record."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from cases.models import LogParty
from stalking_hub.demo.accounts import DEMO_PASSWORD, demo_email, seed_accounts
from tests.browser.conftest import sign_in
from tests.factories import CrimeLogFactory, LogPartyFactory, PersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DOB = date(1984, 3, 9)


def test_coordinator_merges_a_near_duplicate_victim(live_server, page):
    seed_accounts()
    keep = PersonFactory(name="Rowan Synthetica", date_of_birth=DOB)
    LogPartyFactory(log=CrimeLogFactory(awaiting=True), victim=True, person=keep)
    duplicate = PersonFactory(name="Rowan Synthetika", date_of_birth=DOB)
    log = CrimeLogFactory(awaiting=True, reference="NS/25/0004343")
    LogPartyFactory(log=log, victim=True, person=duplicate)
    LogPartyFactory(log=log, suspect=True, person=PersonFactory(name="Kit Fabricated"))

    sign_in(page, live_server.url, demo_email("coordinator"), DEMO_PASSWORD)
    page.goto(f"{live_server.url}/logs/{log.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Crime log NS/25/0004343")
    victim_row = page.get_by_role("row", name=re.compile("Rowan Synthetika"))
    expect(victim_row).to_contain_text(f"Person #{keep.pk}: Rowan Synthetica")

    reason = victim_row.get_by_label("Why you are sure these are the same person")
    expect(reason).to_be_hidden()
    victim_row.get_by_text("Merge into this record").click()
    reason.fill("Same date of birth, address and phone number on both logs.")
    victim_row.get_by_role("button", name=f"Merge person #{duplicate.pk} into #{keep.pk}").click()

    expect(page.get_by_role("alert")).to_have_text("The two records are now one person.")
    expect(page).to_have_url(f"{live_server.url}/logs/{log.pk}/")
    expect(page.get_by_role("row", name=re.compile("Rowan Synthetika"))).to_contain_text(
        f"Person #{keep.pk}"
    )
    duplicate.refresh_from_db()
    assert duplicate.merged_into_id == keep.pk
    assert LogParty.objects.get(log=log, role="victim").person_id == keep.pk

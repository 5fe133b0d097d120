"""Organisational learning, end to end at a desktop's and a phone's width: the coordinator
opens the recording-gap report, invites the worst team to a session, publishes a bulletin from
two learning points; a champion reads and acknowledges it. axe-core finds no serious or
critical violation on any page, and nothing is wider than the screen."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, expect

from foundation.accounts.models import Agency, User
from learning.models import BulletinRecipient, LearningPoint, TargetedTraining
from learning.summary import refresh_gap_summary
from stalking_hub.demo.accounts import DEMO_PASSWORD, demo_email, seed_accounts
from tests.browser.checks import assert_fits_and_accessible, new_context
from tests.browser.conftest import sign_in
from tests.factories import CaseFactory
from tests.factories.training import SessionFactory, TeamFactory, TraineeFactory
from tests.learning.conftest import decided

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _world() -> None:
    seed_accounts()
    force = Agency.objects.get(name="Northshire Police")
    coordinator = User.objects.get(email=demo_email("coordinator"))
    worst = TeamFactory(name="Local Policing South", organisation=force)
    better = TeamFactory(name="Neighbourhood Policing North", organisation=force)
    for number in ("4001", "4002", "4003"):
        TraineeFactory(team=worst, staff_number=number, organisation=force)
    TraineeFactory(team=better, staff_number="5001", organisation=force)
    recent = timezone.now() - timedelta(days=3)
    for index in range(6):
        decided(officer="4001", at=recent, tagged=index == 0, reviewer=coordinator)
    decided(officer="5001", at=recent, tagged=False, reviewer=coordinator)
    refresh_gap_summary(now=timezone.now())  # as beat would: the report reads the summary
    SessionFactory(
        course__title="Stalking: recording a course of conduct",
        starts_at=timezone.now() + timedelta(days=10),
        capacity=20,
    )
    for text in (
        "Repeated unwanted contact after a breakup was recorded as malicious communications.",
        "Turning up at a workplace three times was recorded as harassment, not stalking.",
    ):
        LearningPoint.objects.create(
            theme="recording",
            source_kind="case_closure",
            source_id=CaseFactory().pk,
            text=text,
            state=LearningPoint.State.ACCEPTED,
            raised_by=coordinator,
        )


@pytest.mark.parametrize("width", [1280, 390])
def test_gap_report_to_training_to_a_bulletin_a_champion_acknowledges(
    live_server, browser: Browser, width
):
    _world()
    context = new_context(browser, width)
    page = context.new_page()
    page.set_default_timeout(15_000)

    def check() -> None:
        assert_fits_and_accessible(page, width)

    try:
        sign_in(page, live_server.url, demo_email("coordinator"), DEMO_PASSWORD)
        page.goto(f"{live_server.url}/learning/gaps/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Recording gaps by team")
        teams = page.get_by_role("table", name="Teams, ranked by number of gaps")
        first_row = teams.get_by_role("row").nth(1)
        expect(first_row).to_contain_text("Local Policing South")
        check()

        first_row.get_by_role("link", name="Local Policing South").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Local Policing South")
        check()
        page.get_by_label("Session").select_option(index=1)
        page.get_by_role("button", name="Invite the team").click()
        expect(page.get_by_role("alert")).to_contain_text("3 people booked")
        check()
        assert TargetedTraining.objects.filter(team__name="Local Policing South").exists()

        page.goto(f"{live_server.url}/learning/bulletins/")
        page.get_by_role("link", name="Compose a bulletin").click()
        page.get_by_label("Title").fill("Recording stalking: what the hub found")
        page.get_by_label("Text").fill(
            "Two lessons from the hub.\n\n- Record a course of conduct as stalking.\n"
            "<script>alert(1)</script>"
        )
        for checkbox in page.get_by_role("checkbox").all():
            checkbox.check()
        page.locator("#id_audience").select_option(label="All champions")
        check()
        page.get_by_role("button", name="Save the draft").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Recording stalking: what the hub found"
        )
        expect(page.locator("#bulletin-body")).to_contain_text("<script>alert(1)</script>")
        page.get_by_role("button", name="Publish to all champions").click()
        expect(page.get_by_role("alert")).to_contain_text("Published to 2 people")
        check()

        page.context.clear_cookies()
        sign_in(page, live_server.url, demo_email("champion"), DEMO_PASSWORD)
        page.goto(f"{live_server.url}/learning/bulletins/")
        page.get_by_role("link", name="Recording stalking: what the hub found").click()
        check()
        page.get_by_role("button", name="I have read this bulletin").click()
        expect(page.get_by_role("alert")).to_contain_text("acknowledgement is recorded")
        check()
        receipt = BulletinRecipient.objects.get(user__email=demo_email("champion"))
        assert receipt.acknowledged_at is not None
        assert receipt.cpd_activity_id is not None
    finally:
        context.close()

"""A trainer records a session held yesterday, imports its register, resolves nothing by hand
yet, and sees the team's compliance change; the compliance page also reads at 390 px.
axe-core finds no serious or critical violation on the team page (desktop) or the compliance
page (phone).
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from foundation.accounts.models import Agency
from stalking_hub.demo.accounts import DEMO_PASSWORD, demo_email, seed_accounts
from tests.browser.checks import assert_fits_and_accessible
from tests.browser.conftest import sign_in
from tests.factories.training import CourseFactory, RequirementFactory, TeamFactory, TraineeFactory
from tests.training.sheets import csv_bytes
from training.models import Enrolment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_trainer_creates_a_session_imports_a_register_and_sees_compliance_change(
    live_server, page, tmp_path
):
    seed_accounts()
    force = Agency.objects.get(name="Northshire Police")
    course = CourseFactory(title="FOUR awareness", validity_months=24)
    control_room = TeamFactory(name="Force Control Room", organisation=force)
    RequirementFactory(course=course, team=control_room)
    for number, name in (
        ("3001", "Ola Operator"),
        ("3002", "Pat Operator"),
        ("3003", "Ren Operator"),
    ):
        TraineeFactory(name=name, staff_number=number, team=control_room, organisation=force)

    sign_in(page, live_server.url, demo_email("trainer"), DEMO_PASSWORD)
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="Training compliance").click()
    row = page.get_by_role("row").filter(has_text="Force Control Room")
    expect(row).to_contain_text("0%")

    nav.get_by_role("link", name="Training", exact=True).click()
    page.get_by_role("link", name="New session").click()
    yesterday = timezone.localtime() - timedelta(days=1)
    starts = yesterday.replace(hour=9, minute=30)
    page.get_by_label("Course").select_option(label="FOUR awareness")
    page.get_by_label("Starts").fill(starts.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Ends").fill((starts + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Place, or how to join online").fill("Control room training suite")
    page.get_by_label("Places").fill("12")
    page.get_by_role("button", name="Schedule session").click()
    expect(page.get_by_role("alert")).to_contain_text("scheduled")
    expect(page.get_by_role("heading", level=1)).to_contain_text("FOUR awareness")

    register = tmp_path / "register.csv"
    register.write_bytes(
        csv_bytes(
            [
                ["Ola Operator", "3001", "", "", "", "Attended"],
                ["Pat Operator", "3002", "", "", "", "DNA"],
                ["Ren Operator", "3003", "", "", "", "Completed"],
                ["Visitor Without Number", "", "", "", "Northshire Police", "Attended"],
            ],
            ["Name", "Collar number", "E-mail", "Team", "Organisation", "Attendance"],
        )
    )
    page.get_by_label("Register (CSV or XLSX)").set_input_files(str(register))
    page.get_by_role("button", name="Import register").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Register imported")
    expect(page.get_by_text("3 matched")).to_be_visible()
    unmatched = page.get_by_role("region", name="To resolve: rows that match no one")
    expect(unmatched).to_contain_text("Row 5")
    expect(unmatched).to_contain_text("a name alone does not tell people apart")

    nav.get_by_role("link", name="Training compliance").click()
    row = page.get_by_role("row").filter(has_text="Force Control Room")
    expect(row).to_contain_text("67%")
    row.get_by_role("link", name="Force Control Room").click()
    states = page.get_by_role("region", name="Mandatory training")
    expect(states.get_by_role("row").filter(has_text="Pat Operator")).to_contain_text(
        "Never trained"
    )
    expect(states.get_by_role("row").filter(has_text="Ola Operator")).to_contain_text("Current")
    assert Enrolment.objects.filter(status="did_not_attend").count() == 1
    assert_fits_and_accessible(page, 1280)

    # The compliance page fits a phone's width (its tables scroll inside themselves).
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/training/compliance/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Training compliance")
    assert_fits_and_accessible(page, 390)

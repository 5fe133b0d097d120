"""The information manager's review-and-dispose journey at a desktop's and a phone's width:
records past their retention rule are listed by the nightly job; one is retained with a reason
and a new review date, two are disposed of; the disposed list shows their tombstones.
Each page is checked with axe-core (no serious or critical violation) and fits the screen."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, expect

from cases.models import Case
from foundation.records.models import RecordReview, Tombstone
from foundation.records.services import dispose_queued, list_due_reviews
from stalking_hub.demo.accounts import DEMO_PASSWORD, demo_email, seed_accounts
from tests.browser.checks import AXE, assert_fits_and_accessible, new_context
from tests.browser.conftest import sign_in
from tests.factories import CaseFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1280, 390])
def test_review_retain_and_dispose(browser: Browser, live_server, width):
    assert AXE.exists(), "run `make node` (axe-core) before the browser tests"
    users = seed_accounts()
    long_ago = datetime(2015, 1, 5, 12, 0, tzinfo=UTC)
    cases = [
        CaseFactory(owner=users["coordinator"], closed=True, closed_at=long_ago) for _ in range(3)
    ]
    listed = list_due_reviews(now=timezone.now())
    assert listed.listed == 3

    context = new_context(browser, width)
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)

    def check() -> None:
        assert_fits_and_accessible(page, width)

    sign_in(page, live_server.url, demo_email("records"), DEMO_PASSWORD)
    nav = page.get_by_role("navigation", name="Main")
    toggler = nav.get_by_role("button", name="Show navigation")
    if toggler.is_visible():
        toggler.click()
    nav.get_by_role("link", name="Information management", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Information management")
    due = page.get_by_role("table", name="Records due for review, oldest first")
    expect(due.get_by_role("checkbox")).to_have_count(3)
    check()

    # Retain the first with a reason and a new review date.
    reviews = list(RecordReview.objects.order_by("pk"))
    page.locator(f"#review-{reviews[0].pk}").check()
    page.get_by_label("Retain until a new review date").check()
    page.get_by_label("Reason").fill("Suspect's appeal against conviction is pending")
    page.get_by_label("Next review date (to retain)").fill(
        (timezone.localdate() + timedelta(days=365)).isoformat()
    )
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_role("alert")).to_contain_text("1 record retained")
    check()

    # A disposal without the confirmation is refused, nothing changes.
    page.locator(f"#review-{reviews[1].pk}").check()
    page.get_by_label("Dispose of them").check()
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text("Tick to confirm the disposal.")).to_be_visible()
    check()

    # Dispose of the other two.
    page.locator(f"#review-{reviews[1].pk}").check()
    page.locator(f"#review-{reviews[2].pk}").check()
    page.get_by_label("Dispose of them").check()
    page.get_by_label("I confirm the disposal", exact=False).check()
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_role("alert")).to_contain_text("2 records queued for disposal")
    expect(due).to_contain_text("Nothing is due for review.")
    check()

    # The worker's run (the outbox message is relayed to it; here, run directly).
    dispose_queued(now=timezone.now())
    page.get_by_role("link", name="Disposed", exact=True).click()
    stones = page.get_by_role("table", name="Disposed records, latest first")
    expect(stones.get_by_role("row")).to_have_count(3)  # header + two
    expect(stones).to_contain_text("Priya Anand")
    check()
    page.get_by_role("link", name="Retention rules", exact=True).click()
    expect(page.get_by_role("table", name="Retention rules")).to_contain_text("Crime-log copies")
    check()

    assert Case.objects.filter(pk__in=[c.pk for c in cases]).count() == 1
    assert Tombstone.objects.count() == 2
    context.close()
    assert errors == [], errors

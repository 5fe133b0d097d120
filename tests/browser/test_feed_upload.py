import pytest
from playwright.sync_api import expect

from stalking_hub.demo.accounts import DEMO_PASSWORD, demo_email, seed_accounts
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FEED = (
    "reference,recorded_at,offence_code,flags,area,victim_id,victim_name,suspect_id,suspect_name\n"
    "UP/1,2026-03-01T10:00,8L,,NS-NORTH,V1,Ada Example,S1,Sam Sample\n"
    "UP/2,2026-03-20T10:00,195/94,,NS-NORTH,V1,Ada Example,S1,Sam Sample\n"
    "UP/3,2099-01-01,8Q,STALKING,NS-NORTH,V2,Bea Other,S2,Sol Other\n"
)


def test_coordinator_uploads_a_feed_and_reads_the_report(
    live_server, page, tmp_path, settings, monkeypatch
):
    settings.MEDIA_ROOT = tmp_path / "media"
    # No Celery worker in the test: run the background import as soon as it is queued.
    from cases import tasks

    monkeypatch.setattr(tasks, "dispatch_import", tasks.run_feed_import)
    seed_accounts()
    feed = tmp_path / "export.csv"
    feed.write_text(FEED, encoding="utf-8")

    sign_in(page, live_server.url, demo_email("coordinator"), DEMO_PASSWORD)
    page.get_by_role("link", name="Feed imports").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Feed imports")
    page.get_by_role("link", name="Upload a feed file").click()
    page.get_by_label("Feed file").set_input_files(str(feed))
    page.get_by_role("button", name="Upload and import").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Feed import #")
    expect(page.get_by_text("Done", exact=True)).to_be_visible()
    expect(page.get_by_text("Rejected rows", exact=True)).to_be_visible()
    row = page.get_by_role("row").filter(has_text="recorded_at")
    expect(row).to_contain_text("3")
    expect(row).to_contain_text("future")

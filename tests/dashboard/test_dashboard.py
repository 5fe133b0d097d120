"""The summary refresh (beat and after an import), the dashboard page from the summary
tables only, its permission matrix with the audit, and its query count at two sizes."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import SignalKind
from cases.services.logs import logs_changed
from foundation.audit.models import AccessRecord
from foundation.lib import figures as registry
from foundation.lib.figures import QueueCount, QueueFigure, TrendFigure
from foundation.outbox.models import OutboxMessage
from foundation.outbox.services import run_message
from stalking_hub.dashboard.models import FigureValue, MonthlyValue
from stalking_hub.dashboard.summary import dashboard_for, refresh_figures
from tests.factories import ClinicReferralFactory, CrimeLogFactory

pytestmark = pytest.mark.django_db

MANAGERS = ["coordinator", "tactical_lead"]
OTHERS = ["solicitor", "isac", "partner", "champion", "officer", "trainer", "auditor", "admin_user"]


def flagged_log(recorded_at: datetime, **extra):
    return CrimeLogFactory(
        review_state="awaiting",
        signal_kinds=[SignalKind.COURSE_OF_CONDUCT.value],
        recorded_at=recorded_at,
        **extra,
    )


def test_refresh_stores_every_figure_with_its_time():
    now = timezone.now()
    flagged_log(now - timedelta(days=40))
    ran = refresh_figures(now=now)
    assert ran == len(registry.registered_figures())
    queue = FigureValue.objects.get(key="cases.review_queue")
    assert (queue.size, queue.computed_at) == (1, now)
    months = MonthlyValue.objects.filter(key="cases.logs_found")
    assert months.count() == 12  # every month of the window, zeros included
    assert sum(months.values_list("value", flat=True)) == 1
    # Idempotent: a second run updates in place.
    refresh_figures(now=now + timedelta(minutes=10))
    assert MonthlyValue.objects.filter(key="cases.logs_found").count() == 12
    assert FigureValue.objects.get(key="cases.review_queue").computed_at == now + timedelta(
        minutes=10
    )


def test_an_import_refreshes_the_log_figures_of_its_months_through_the_outbox(
    django_capture_on_commit_callbacks,
):
    now = timezone.now()
    refresh_figures(now=now - timedelta(hours=1))
    # Recorded as stalking: the signal evaluation inside logs_changed puts it in the queue.
    log = CrimeLogFactory(stalking=True, recorded_at=now - timedelta(days=1))
    logs_changed(log_ids=[log.pk], now=now)
    message = OutboxMessage.objects.get(handler="dashboard.refresh_log_figures")
    assert message.kwargs == {
        "months": [timezone.localdate(log.recorded_at).replace(day=1).isoformat()]
    }
    run_message(message_id=message.pk)
    assert FigureValue.objects.get(key="cases.review_queue").size == 1
    # Only the log figures ran: the clinic's value keeps its older time.
    clinic = FigureValue.objects.get(key="clinic.waiting")
    assert clinic.computed_at == now - timedelta(hours=1)


def test_page_reads_the_summary_tables_not_the_live_data(client, coordinator):
    now = timezone.now()
    ClinicReferralFactory(referred_at=now - timedelta(days=5))
    refresh_figures(now=now)
    ClinicReferralFactory(referred_at=now - timedelta(days=2))  # after the refresh
    client.force_login(coordinator)
    response = client.get(reverse("dashboard:dashboard"))
    data = response.context["data"]
    waiting = next(row for row in data.queues if row.key == "clinic.waiting")
    assert waiting.value.size == 1
    assert data.computed_at == now
    assert b"Figures computed" in response.content


def test_page_before_any_refresh_says_so(client, coordinator):
    client.force_login(coordinator)
    response = client.get(reverse("dashboard:dashboard"))
    assert response.status_code == 200
    assert b"not computed yet" in response.content


@pytest.mark.parametrize("persona", MANAGERS, indirect=True)
def test_managers_open_the_dashboard_and_the_audit_says_so(client, persona):
    client.force_login(persona)
    for name in ("dashboard:dashboard", "dashboard:capacity"):
        assert client.get(reverse(name)).status_code == 200
    outcomes = set(
        AccessRecord.objects.filter(user=persona, object_type="dashboard.page").values_list(
            "object_id", "outcome"
        )
    )
    assert outcomes == {("dashboard", "allowed"), ("capacity", "allowed")}


@pytest.mark.parametrize("persona", OTHERS, indirect=True)
def test_everyone_else_gets_404_with_no_figures_and_a_denied_record(client, persona):
    ClinicReferralFactory()
    refresh_figures(now=timezone.now())
    client.force_login(persona)
    for name in ("dashboard:dashboard", "dashboard:capacity"):
        response = client.get(reverse(name))
        assert response.status_code == 404
        assert b"Clinic waiting list" not in response.content
        assert b"<table" not in response.content
    assert (
        AccessRecord.objects.filter(
            user=persona, object_type="dashboard.page", outcome="denied"
        ).count()
        == 2
    )


def test_coordinator_lands_on_the_dashboard_at_home(client, coordinator, officer):
    client.force_login(coordinator)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert b'<h1 class="h3 mb-0">Dashboard</h1>' in response.content
    client.force_login(officer)
    assert b"Welcome" in client.get(reverse("home")).content


def test_links_only_where_the_user_may_open_the_list(client, coordinator):
    refresh_figures(now=timezone.now())
    client.force_login(coordinator)
    data = client.get(reverse("dashboard:dashboard")).context["data"]
    queue = next(row for row in data.queues if row.key == "cases.review_queue")
    assert queue.url == reverse("cases:queue")
    # The training list is the trainers': the coordinator sees the figure without a link.
    training = next(
        s for chart in data.charts for s in chart.series if s.key == "training.delivered"
    )
    assert training.url == ""


def test_charts_are_svg_with_a_table_and_no_inline_script(client, coordinator):
    now = timezone.now()
    flagged_log(now - timedelta(days=35))
    refresh_figures(now=now)
    client.force_login(coordinator)
    response = client.get(reverse("dashboard:dashboard"))
    body = response.content.decode()
    assert body.count("<svg viewBox") == len(response.context["charts"]) >= 3
    assert "<polyline" in body
    assert "Stalking logs: tagged at source and found by the sweep, by month" in body
    assert "<script>" not in body
    assert " onclick=" not in body
    assert " style=" not in body


def test_dashboard_degrades_cleanly_when_an_app_registers_nothing(client, coordinator, monkeypatch):
    monkeypatch.setattr(registry, "_figures", {})
    refresh_figures(now=timezone.now())
    client.force_login(coordinator)
    response = client.get(reverse("dashboard:dashboard"))
    assert response.status_code == 200
    assert b"No app reports a queue yet." in response.content
    assert b"No app reports a monthly figure yet." in response.content


def test_one_registered_figure_is_one_call(client, coordinator, monkeypatch):
    monkeypatch.setattr(registry, "_figures", {})
    registry.register_figure(
        QueueFigure(
            key="legal.hearings",
            label="Hearings listed",
            order=60,
            count=lambda now: QueueCount(size=3, oldest=datetime(2026, 1, 2, tzinfo=UTC)),
        )
    )
    registry.register_figure(
        TrendFigure(
            key="legal.spos",
            label="SPOs applied for",
            order=60,
            chart="outcomes",
            monthly=lambda first, last: {last: 4},
        )
    )
    refresh_figures(now=timezone.now())
    client.force_login(coordinator)
    body = client.get(reverse("dashboard:dashboard")).content.decode()
    assert "Hearings listed" in body
    assert "SPOs applied for" in body


def test_query_count_is_the_same_at_two_sizes(client, coordinator):
    client.force_login(coordinator)
    now = timezone.now()
    flagged_log(now - timedelta(days=3))
    refresh_figures(now=now)
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("dashboard:dashboard"))
    for day in range(60):
        flagged_log(now - timedelta(days=day * 6))
        ClinicReferralFactory(referred_at=now - timedelta(days=day))
    refresh_figures(now=now)
    with CaptureQueriesContext(connection) as large:
        client.get(reverse("dashboard:dashboard"))
    assert len(small.captured_queries) == len(large.captured_queries) <= 15


def test_window_is_this_month_and_the_eleven_before(coordinator):
    now = datetime(2026, 11, 18, 12, tzinfo=UTC)
    refresh_figures(now=now)
    months = sorted(set(MonthlyValue.objects.values_list("month", flat=True)))
    assert months[0] == date(2025, 12, 1)
    assert months[-1] == date(2026, 11, 1)
    data = dashboard_for(coordinator, now=now)
    assert all(len(chart.months) == 12 for chart in data.charts)


def test_the_cached_trends_follow_the_figures(client, coordinator):
    """The charts' fragment is cached by content: new figures are drawn at once."""
    now = timezone.now()
    refresh_figures(now=now)
    client.force_login(coordinator)
    first = client.get(reverse("dashboard:dashboard"))
    for day in range(3):
        flagged_log(now - timedelta(minutes=day))
    refresh_figures(now=now)
    second = client.get(reverse("dashboard:dashboard"))
    assert first.context["trends_key"] != second.context["trends_key"]
    series = next(
        s
        for chart in second.context["data"].charts
        for s in chart.series
        if s.key == "cases.logs_found"
    )
    assert series.values[-1] == 3
    body = second.content.decode()
    assert body.count("<svg viewBox") == len(second.context["charts"])
    # The same figures again: the fragment comes from the cache, identical.
    third = client.get(reverse("dashboard:dashboard"))
    assert third.context["trends_key"] == second.context["trends_key"]

    def trends(page: str) -> str:  # the charts' part, without the per-response CSP nonce
        return re.sub(r' nonce="[^"]*"', "", page.split("Trends by calendar month")[1])

    assert trends(third.content.decode()) == trends(body)

"""The monthly report: figures by hand, frozen once generated, regenerated only on purpose
(recorded), once under concurrency, the beat task, the pages and their permission matrix."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse

from foundation.accounts.models import User
from foundation.audit.models import AccessRecord
from foundation.outbox.models import OutboxMessage
from foundation.outbox.services import run_message
from risk.models import RiskAssessment
from stalking_hub.dashboard import report as report_module
from stalking_hub.dashboard.models import MonthlyReport, MonthlyReportRegeneration
from stalking_hub.dashboard.report import generate_report, monthly_figures, regenerate_report
from stalking_hub.dashboard.services import generate_previous_month
from tests.factories import (
    AdviceRequestFactory,
    CaseFactory,
    ClinicReferralFactory,
    RiskAssessmentFactory,
)

NOW = datetime(2026, 11, 1, 6, 0, tzinfo=UTC)
OCTOBER = date(2026, 10, 1)


def value(lines, measure):
    return next(line.value for line in lines if line.measure == measure)


@pytest.fixture
def october(db):
    ClinicReferralFactory(referred_at=datetime(2026, 10, 5, 10, tzinfo=UTC))
    ClinicReferralFactory(referred_at=datetime(2026, 10, 30, 10, tzinfo=UTC))
    ClinicReferralFactory(referred_at=datetime(2026, 11, 1, 10, tzinfo=UTC))  # November
    due = datetime(2026, 10, 12, 12, tzinfo=UTC)
    AdviceRequestFactory(submitted_at=due - timedelta(days=1), due_at=due, answered=True)
    late = AdviceRequestFactory(submitted_at=due - timedelta(days=1), due_at=due, answered=True)
    type(late).objects.filter(pk=late.pk).update(answered_at=due + timedelta(days=2))
    case = CaseFactory()
    RiskAssessmentFactory(
        case=case, completed_at=datetime(2026, 10, 20, tzinfo=UTC), dash_high=True
    )
    RiskAssessmentFactory(case=CaseFactory(), completed_at=datetime(2026, 10, 21, tzinfo=UTC))
    return case


def test_figures_by_hand(october):
    lines = monthly_figures(OCTOBER)
    assert value(lines, "Clinic referrals") == "2"
    assert value(lines, "Advice requests") == "2"
    assert value(lines, "Advice requests answered within their SLA") == "50% (1 of 2)"
    levels = dict(
        RiskAssessment.objects.filter(completed_at__month=10).values_list("final_level", "pk")
    )
    assert value(lines, "Assessments ending high") == str(int("high" in levels))
    assert (
        sum(
            int(value(lines, f"Assessments ending {level}"))
            for level in ("standard", "medium", "high")
        )
        == 2
    )
    sections = {line.section for line in lines}
    assert sections == {"Volumes", "Timeliness", "Risk mix"}
    assert any(line.measure == "Course completions" for line in lines)


def test_a_month_is_frozen_when_first_generated(october, coordinator):
    report, created = generate_report(month=OCTOBER, now=NOW, by=coordinator)
    assert created
    assert bytes(report.pdf).startswith(b"%PDF")
    assert report.csv.splitlines()[0] == "month,section,measure,value"
    ClinicReferralFactory(referred_at=datetime(2026, 10, 7, 10, tzinfo=UTC))  # a late import
    again, created_again = generate_report(month=date(2026, 10, 15), now=NOW + timedelta(days=3))
    assert not created_again
    assert again.pk == report.pk
    assert again.figures == report.figures
    assert value(monthly_figures(OCTOBER), "Clinic referrals") == "3"


def test_regenerating_is_explicit_recorded_and_keeps_the_old_figures(october, coordinator):
    report, _ = generate_report(month=OCTOBER, now=NOW)
    ClinicReferralFactory(referred_at=datetime(2026, 10, 7, 10, tzinfo=UTC))
    with pytest.raises(ValueError, match="Say why"):
        regenerate_report(report=report, reason="  ", now=NOW, by=coordinator)
    assert not MonthlyReportRegeneration.objects.exists()
    updated = regenerate_report(
        report=report, reason="Late imports for October", now=NOW, by=coordinator
    )
    assert updated.regenerations == 1
    assert {"section": "Volumes", "measure": "Clinic referrals", "value": "3"} in updated.figures
    kept = MonthlyReportRegeneration.objects.get()
    assert {
        "section": "Volumes",
        "measure": "Clinic referrals",
        "value": "2",
    } in kept.previous_figures
    assert AccessRecord.objects.filter(
        user=coordinator, need="regenerate", justification="Late imports for October"
    ).exists()


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_generate_the_month_once(monkeypatch):
    builds: list[int] = []
    real_build = report_module._build

    def counting_build(*args, **kwargs):
        builds.append(1)
        return real_build(*args, **kwargs)

    monkeypatch.setattr(report_module, "_build", counting_build)
    results: list[tuple[int, bool]] = []
    barrier = threading.Barrier(2)

    def work() -> None:
        try:
            barrier.wait()
            report, created = generate_report(month=OCTOBER, now=NOW)
            results.append((report.pk, created))
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert MonthlyReport.objects.count() == 1
    assert len(builds) == 1
    assert sorted(created for _, created in results) == [False, True]
    assert len({pk for pk, _ in results}) == 1


def test_beat_generates_last_month_once_and_tells_the_coordinators(october, coordinator):
    report, created = generate_previous_month(now=NOW)
    assert created
    assert report.month == OCTOBER
    assert generate_previous_month(now=NOW + timedelta(hours=1)) == (report, False)
    messages = OutboxMessage.objects.filter(handler="dashboard.send_report_ready")
    assert messages.count() == 1
    run_message(message_id=messages.get().pk)
    recipients = {address for message in mail.outbox for address in message.to}
    assert coordinator.email in recipients
    assert all("coordinator" in User.objects.get(email=address).roles for address in recipients)
    assert "October 2026" in mail.outbox[0].subject
    assert reverse("dashboard:report", args=[report.pk]) in mail.outbox[0].body


@pytest.mark.django_db
def test_pages_for_the_coordinator(client, coordinator, october):
    client.force_login(coordinator)
    assert client.get(reverse("dashboard:reports")).status_code == 200
    response = client.post(reverse("dashboard:reports"), {"month": "2026-10"})
    report = MonthlyReport.objects.get()
    assert response.url == reverse("dashboard:report", args=[report.pk])
    page = client.get(response.url)
    assert b"Figures for October 2026" in page.content
    pdf = client.get(reverse("dashboard:report_pdf", args=[report.pk]))
    assert pdf.content.startswith(b"%PDF")
    csv_response = client.get(reverse("dashboard:report_csv", args=[report.pk]))
    assert b"Clinic referrals" in csv_response.content
    assert (
        AccessRecord.objects.filter(
            user=coordinator, action="disclose", object_id=str(report.pk)
        ).count()
        == 2
    )
    bad = client.post(reverse("dashboard:report_regenerate", args=[report.pk]), {"reason": ""})
    assert bad.status_code == 400
    assert MonthlyReport.objects.get().regenerations == 0
    client.post(
        reverse("dashboard:report_regenerate", args=[report.pk]), {"reason": "Late imports"}
    )
    assert MonthlyReport.objects.get().regenerations == 1


@pytest.mark.django_db
def test_a_month_not_ended_is_refused_with_a_message(client, coordinator):
    client.force_login(coordinator)
    future = (date.today().replace(day=1) + timedelta(days=40)).strftime("%Y-%m")
    response = client.post(reverse("dashboard:reports"), {"month": future})
    assert response.status_code == 200
    assert "Choose a month that has ended." in response.content.decode()
    response = client.post(reverse("dashboard:reports"), {"month": "not-a-month"})
    assert response.context["form"].errors["month"]
    assert not MonthlyReport.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "persona",
    ["solicitor", "isac", "partner", "champion", "officer", "trainer", "auditor", "admin_user"],
    indirect=True,
)
def test_others_get_404_for_reports(client, persona):
    report, _ = generate_report(month=OCTOBER, now=NOW)
    client.force_login(persona)
    for name in ("dashboard:report", "dashboard:report_pdf", "dashboard:report_csv"):
        response = client.get(reverse(name, args=[report.pk]))
        assert response.status_code == 404
        assert b"Clinic referrals" not in response.content
    assert client.get(reverse("dashboard:reports")).status_code == 404
    response = client.post(
        reverse("dashboard:report_regenerate", args=[report.pk]), {"reason": "x"}
    )
    assert response.status_code == 404
    assert MonthlyReport.objects.get().regenerations == 0
    assert AccessRecord.objects.filter(user=persona, outcome="denied").count() == 5


@pytest.mark.django_db
def test_tactical_lead_opens_reports(client, tactical_lead):
    report, _ = generate_report(month=OCTOBER, now=NOW)
    client.force_login(tactical_lead)
    assert client.get(reverse("dashboard:report", args=[report.pk])).status_code == 200

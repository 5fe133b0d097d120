"""The risk flags (no assessment after 7 days; review overdue) and the case page's Risk panel."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from cases.flags import flag_providers, flags_for_cases
from cases.panels import registered_panels
from risk.flags import risk_flags
from tests.conftest import ROLE_FIXTURES
from tests.factories import CaseFactory, RiskAssessmentFactory

OPENED = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def keys(flags) -> list[str]:
    return [flag.key for flag in flags]


def test_risk_flags_and_panel_are_registered():
    assert {"no_risk_assessment", "risk_review_overdue"} <= {
        getattr(provider, "key", "") for provider in flag_providers()
    }
    assert "risk" in {panel.key for panel in registered_panels()}


@pytest.mark.parametrize(("days", "flagged"), [(6, False), (7, True), (8, True)])
def test_no_risk_assessment_flag_from_day_seven(coordinator, days, flagged):
    case = CaseFactory(owner=coordinator, opened_at=OPENED)
    now = OPENED + timedelta(days=days, hours=1)
    with time_machine.travel(now, tick=False):
        flags = flags_for_cases(cases=[case], now=now)[case.pk]
    assert ("no_risk_assessment" in keys(flags)) is flagged
    if flagged:
        flag = next(f for f in flags if f.key == "no_risk_assessment")
        assert flag.severity == "danger"
        assert f"Opened {days} days ago" in flag.reason


def test_an_assessed_case_has_no_missing_assessment_flag(coordinator):
    case = CaseFactory(owner=coordinator, opened_at=OPENED)
    RiskAssessmentFactory(case=case, completed_at=OPENED + timedelta(days=2))
    now = OPENED + timedelta(days=8)
    assert "no_risk_assessment" not in keys(risk_flags(cases=[case], now=now).get(case.pk, []))


def test_closed_cases_are_not_flagged(coordinator):
    case = CaseFactory(owner=coordinator, opened_at=OPENED, closed=True)
    assert risk_flags(cases=[case], now=OPENED + timedelta(days=30)) == {}


@pytest.mark.parametrize(
    ("today", "overdue"),
    [(date(2026, 3, 29), False), (date(2026, 3, 30), False), (date(2026, 3, 31), True)],
)
def test_review_overdue_once_the_review_date_has_passed(coordinator, today, overdue):
    case = CaseFactory(owner=coordinator, opened_at=OPENED)
    RiskAssessmentFactory(case=case, completed_at=OPENED, review_date=date(2026, 3, 30))
    now = datetime(today.year, today.month, today.day, 12, tzinfo=UTC)
    flags = risk_flags(cases=[case], now=now).get(case.pk, [])
    assert ("risk_review_overdue" in keys(flags)) is overdue
    if overdue:
        assert flags[0].severity == "warning"
        assert "due on 30 Mar 2026 (1 day ago)" in flags[0].reason


def test_only_the_current_assessments_review_date_counts(coordinator):
    case = CaseFactory(owner=coordinator, opened_at=OPENED)
    RiskAssessmentFactory(case=case, completed_at=OPENED, review_date=date(2026, 3, 10))
    RiskAssessmentFactory(
        case=case, completed_at=OPENED + timedelta(days=7), review_date=date(2026, 5, 1)
    )
    now = datetime(2026, 4, 1, tzinfo=UTC)
    assert risk_flags(cases=[case], now=now) == {}


def test_flags_use_one_query_per_rule_for_any_number_of_cases(
    coordinator, django_assert_num_queries
):
    few = [CaseFactory(owner=coordinator, opened_at=OPENED) for _ in range(2)]
    many = [CaseFactory(owner=coordinator, opened_at=OPENED) for _ in range(40)]
    for case in many[::2]:
        RiskAssessmentFactory(case=case, completed_at=OPENED, review_date=date(2026, 3, 5))
    now = OPENED + timedelta(days=10)
    # One query per rule (two rules), whatever the number of cases.
    with django_assert_num_queries(2):
        risk_flags(cases=few, now=now)
    with django_assert_num_queries(2):
        flags = risk_flags(cases=many, now=now)
    assert sum("no_risk_assessment" in keys(f) for f in flags.values()) == 20
    assert sum("risk_review_overdue" in keys(f) for f in flags.values()) == 20


# -- the Risk panel on the case page --------------------------------------------------------


@pytest.mark.parametrize("persona", ROLE_FIXTURES, indirect=True)
def test_risk_panel_shows_to_those_who_see_assessments(client, persona, request, shared_case):
    RiskAssessmentFactory(case=shared_case, dash_high=True)
    RiskAssessmentFactory(case=shared_case, srp=True, assessor=shared_case.owner)
    client.force_login(persona)
    response = client.get(reverse("cases:detail", args=[shared_case.pk]))
    role = request.node.callspec.params["persona"]
    if response.status_code == 404:
        assert role not in {"coordinator", "tactical_lead", "solicitor", "isac"}
        return
    body = response.content.decode()
    if role in {"coordinator", "tactical_lead", "solicitor"}:
        assert "Full risk history" in body
        assert "SRP (Stalking Risk Profile)" in body
        assert "DASH risk identification checklist" in body
    elif role == "isac":
        assert "Full risk history" in body
        assert "DASH risk identification checklist" in body
        assert "SRP (Stalking Risk Profile)" not in body
    else:
        assert "Full risk history" not in body


def test_risk_panel_shows_current_risk_timeline_chart_and_links(client, coordinator, case):
    first = RiskAssessmentFactory(case=case, completed_at=OPENED)
    latest = RiskAssessmentFactory(
        case=case, dash_high=True, completed_at=OPENED + timedelta(days=3)
    )
    case.current_risk = "high"
    case.save()
    client.force_login(coordinator)
    body = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Current risk:" in body
    assert reverse("risk:choose", args=[case.pk]) in body
    assert reverse("risk:detail", args=[case.pk, first.pk]) in body
    assert reverse("risk:detail", args=[case.pk, latest.pk]) in body
    assert "<svg" in body
    assert "<polyline" in body
    assert body.count("<circle") == 2
    assert "style=" not in body[body.index("<svg") : body.index("</svg>")]


def test_solicitor_sees_the_panel_without_the_start_link(client, solicitor, case):
    client.force_login(solicitor)
    body = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Full risk history" in body
    assert reverse("risk:choose", args=[case.pk]) not in body


def test_case_page_queries_stay_flat_with_more_assessments(
    client, coordinator, case, django_assert_max_num_queries
):
    client.force_login(coordinator)
    url = reverse("cases:detail", args=[case.pk])
    RiskAssessmentFactory.create_batch(2, case=case)
    client.get(url)
    # The bound includes the chronology's providers (cases/chronology.py).
    with django_assert_max_num_queries(48) as baseline:
        client.get(url)
    RiskAssessmentFactory.create_batch(25, case=case)
    with django_assert_max_num_queries(len(baseline.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200
    assert "21 earlier assessments" in response.content.decode()


def test_each_flag_counts_in_sql_exactly_as_the_labels_say(coordinator):
    from cases.flags import cases_flagged
    from cases.models import Case

    cases = [CaseFactory(owner=coordinator, opened_at=OPENED) for _ in range(6)]
    for case in cases[:2]:
        RiskAssessmentFactory(case=case, completed_at=OPENED, review_date=date(2026, 3, 5))
    now = OPENED + timedelta(days=10)
    labels = risk_flags(cases=cases, now=now)
    for key in ("no_risk_assessment", "risk_review_overdue"):
        in_sql = set(cases_flagged(key, Case.objects.all(), now).values_list("pk", flat=True))
        labelled = {case_id for case_id, flags in labels.items() if key in keys(flags)}
        assert in_sql == labelled
        assert in_sql

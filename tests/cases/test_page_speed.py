"""What the case page, the case list and the review queue do to stay fast at a million logs
(bench/README.md, "Dashboard bench: the case page and the filtered queue"), and that each
shortcut keeps the behaviour it replaced."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import Case, CaseLog, CaseRestriction
from cases.permissions import hidden_case_q
from cases.shared_reads import shared_read, sharing_reads
from foundation.audit.context import current_request_id
from foundation.audit.models import AccessRecord
from foundation.audit.services import record_access, record_consultations
from risk.selectors import case_assessments
from tests.factories import CaseFactory, CrimeLogFactory, RiskAssessmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def _sql(captured: CaptureQueriesContext) -> list[str]:
    return [query["sql"] for query in captured.captured_queries]


# --- Shared reads ------------------------------------------------------------------------------


def test_a_shared_read_is_made_once_inside_the_scope_and_every_time_outside():
    calls: list[int] = []

    def read() -> list[int]:
        calls.append(1)
        return [len(calls)]

    assert shared_read("k", read) == [1]
    assert shared_read("k", read) == [2]
    with sharing_reads():
        assert shared_read("k", read) == [3]
        assert shared_read("k", read) == [3]
        assert shared_read("other", read) == [4]
    assert shared_read("k", read) == [5]


def test_a_shared_read_is_never_shared_between_users(coordinator, tactical_lead):
    case = CaseFactory()
    RiskAssessmentFactory(case=case)
    with sharing_reads(), CaptureQueriesContext(connection) as captured:
        assert len(case_assessments(coordinator, case)) == 1
        assert len(case_assessments(coordinator, case)) == 1
        assert len(case_assessments(tactical_lead, case)) == 1
    assert sum('FROM "risk_riskassessment"' in sql for sql in _sql(captured)) == 2


def test_the_case_page_reads_each_apps_records_once_for_panel_and_chronology(client, coordinator):
    case = CaseFactory()
    RiskAssessmentFactory(case=case)
    log = CrimeLogFactory(reviewed=True)
    CaseLog.objects.create(case=case, log=log, added_by=coordinator)
    client.force_login(coordinator)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("cases:detail", args=[case.pk]))
    assert response.status_code == 200
    kinds = {entry.kind for entry in response.context["chronology"].entries}
    assert {"Risk assessment", "Crime log"} <= kinds
    assert any(panel.key == "risk" for panel, _ in response.context["panels"])
    sql = _sql(captured)
    # (The flag rules' subqueries name some of these tables too: count the reads themselves.)
    for table in ("risk_riskassessment", "referrals_referral", "legal_orderfile", "cases_caselog"):
        assert sum(query.startswith(f'SELECT "{table}".') for query in sql) == 1, table


@pytest.mark.django_db(transaction=True)
def test_the_case_page_query_count(client, coordinator):
    """38 queries before the shared reads, the flag rules in one query and the one-statement
    access records (outside a transaction, as in production); the invariance tests check it
    does not grow with the case's history."""
    case = CaseFactory()
    client.force_login(coordinator)
    client.get(reverse("cases:detail", args=[case.pk]))
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 200
    sql = _sql(captured)
    assert not any(query in {"BEGIN", "COMMIT"} or "SAVEPOINT" in query for query in sql)
    assert len(sql) <= 18, "\n".join(query[:120] for query in sql)


# --- Access records in one statement -------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_an_access_record_is_one_statement_with_its_timeouts(coordinator):
    assert coordinator.agency is not None  # loaded: the record's agency name needs no query
    with CaptureQueriesContext(connection) as captured:
        record_access(user=coordinator, action="consult", object_type="case", object_id=7)
        record_consultations(
            user=coordinator, object_type="case", object_id=7, needs=["risk_summary", "orders"]
        )
    sql = _sql(captured)
    assert len(sql) == 2
    assert all("set_config('lock_timeout'" in query for query in sql)
    assert all('INSERT INTO "audit_accessrecord"' in query for query in sql)
    assert sorted(AccessRecord.objects.filter(object_id="7").values_list("need", flat=True)) == [
        "",
        "orders",
        "risk_summary",
    ]
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('lock_timeout')")
        assert cursor.fetchone() == ("0",)  # the timeouts ended with the statement


# --- Restriction SQL compiled once per request -------------------------------------------------


def test_the_restriction_sql_reused_in_a_request_still_sees_a_restriction_made_after_it(
    coordinator,
):
    case = CaseFactory()
    token = current_request_id.set("request-1")
    try:
        assert Case.objects.exclude(hidden_case_q(coordinator)).filter(pk=case.pk).exists()
        restriction = CaseRestriction.objects.create(
            case=case, reason="Staff member's relative.", restricted_by=UserFactory()
        )
        # The same compiled SQL, read afresh by the database: the new restriction counts.
        assert not Case.objects.exclude(hidden_case_q(coordinator)).filter(pk=case.pk).exists()
        restriction.members.add(coordinator)
        assert Case.objects.exclude(hidden_case_q(coordinator)).filter(pk=case.pk).exists()
    finally:
        current_request_id.reset(token)


# --- Case list count ---------------------------------------------------------------------------


def test_the_case_list_count_stops_past_its_cap(client, coordinator, monkeypatch):
    monkeypatch.setattr("cases.selectors.QUEUE_COUNT_CAP", 5)
    for _ in range(7):
        CaseFactory(opened_at=datetime(2026, 1, 1, tzinfo=UTC))
    client.force_login(coordinator)
    # Page size 50: the cap is max(5, 2 x 50) = 100, so seven cases are counted exactly.
    response = client.get(reverse("cases:list"))
    assert response.context["page"].paginator.count == 7
    assert "7 cases, newest first." in response.content.decode()
    # Page size 2: the cap is max(5, 2 x 2) = 5, so the count stops there.
    monkeypatch.setattr("cases.views.cases.PAGE_SIZE", 2)
    response = client.get(reverse("cases:list"))
    paginator = response.context["page"].paginator
    assert (paginator.capped, paginator.cap) == (True, 5)
    assert "More than 5 cases, newest first" in response.content.decode()
    assert response.context["page"].has_next()


# --- Signal badges -----------------------------------------------------------------------------


def test_signal_badges_render_as_the_template_loop_did():
    rendered = Template(
        "{% load case_tags %}{% signal_badges kinds %}|{{ 'indicators'|signal_label }}"
        "|{{ 'no_such_kind'|signal_label }}"
    ).render(Context({"kinds": ["order_breach", "tagged_stalking", "cross_border", "unknown"]}))
    assert rendered == (
        '<span class="badge text-bg-danger me-1">Breach of an order</span>'
        '<span class="badge text-bg-primary me-1">Tagged as stalking</span>'
        '<span class="badge text-bg-secondary me-1">Another force area</span>'
        '<span class="badge text-bg-secondary me-1"></span>'
        "|Stalking behaviour in the narrative|"
    )


def test_flag_rule_reasons_are_unchanged_on_the_page(client, coordinator):
    case = CaseFactory(cross_border_forces=["WM"], opened_at=datetime(2026, 1, 1, tzinfo=UTC))
    RiskAssessmentFactory(
        case=case, completed_at=datetime(2026, 1, 2, tzinfo=UTC), review_date=date(2026, 1, 20)
    )
    client.force_login(coordinator)
    body = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Involves another force area: WM" in body
    assert "The risk review was due on 20 Jan 2026" in body

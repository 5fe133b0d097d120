"""The enforcement list (orders in force from a fake provider standing in for `legal`) and the
figures the dashboard will register (oversight/selectors.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse

from cases.models import OffenceCategory, OffenceCode, SignalKind
from oversight import selectors
from oversight.hooks import OrderInForce
from tests.factories import (
    CaseFactory,
    CrimeLogFactory,
    DirectionFactory,
    LogPartyFactory,
    OversightReviewFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
MADE = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)


def suspect_log(person, recorded_at, **extra):
    log = CrimeLogFactory(recorded_at=recorded_at, **extra)
    LogPartyFactory(log=log, suspect=True, person=person)
    return log


def test_a_new_log_naming_a_respondent_shows_with_the_order_breach_or_not(
    client, tactical_lead, fake_orders
):
    respondent = PersonFactory()
    stranger = PersonFactory()
    fake_orders.orders.append(
        OrderInForce(
            respondent_person_id=respondent.pk,
            label="Full SPO, made 1 Mar 2026",
            in_force_from=MADE,
            url="/orders/1/",
        )
    )
    before = suspect_log(respondent, MADE - timedelta(days=3), reference="NS/BEFORE")
    unflagged = suspect_log(respondent, NOW - timedelta(days=2), reference="NS/NEW-ASSAULT")
    flagged = suspect_log(
        respondent,
        NOW - timedelta(days=1),
        reference="NS/NEW-BREACH",
        signal_kinds=[SignalKind.ORDER_BREACH],
    )
    suspect_log(stranger, NOW - timedelta(days=1), reference="NS/OTHER")
    # As a victim the respondent's log is not enforcement.
    victim_log = CrimeLogFactory(recorded_at=NOW - timedelta(days=1), reference="NS/AS-VICTIM")
    LogPartyFactory(log=victim_log, victim=True, person=respondent)

    rows = selectors.enforcement_list(tactical_lead, now=NOW)
    assert [(row.log.reference, row.sweep_says_breach) for row in rows] == [
        ("NS/NEW-BREACH", True),
        ("NS/NEW-ASSAULT", False),
    ]
    assert {row.order.label for row in rows} == {"Full SPO, made 1 Mar 2026"}
    assert before.pk not in {row.log.pk for row in rows}
    assert {unflagged.pk, flagged.pk} == {row.log.pk for row in rows}


def test_the_list_page_names_the_order(client, tactical_lead, fake_orders):
    respondent = PersonFactory()
    fake_orders.orders.append(
        OrderInForce(
            respondent.pk, "Interim SPO, made 20 May 2026", datetime(2026, 5, 20, tzinfo=UTC)
        )
    )
    from django.utils import timezone

    suspect_log(respondent, timezone.now() - timedelta(hours=2), reference="NS/ENFORCE-1")
    client.force_login(tactical_lead)
    page = client.get(reverse("oversight:list")).content.decode()
    assert "NS/ENFORCE-1" in page
    assert "Interim SPO, made 20 May 2026" in page


def test_without_an_orders_provider_the_list_is_empty(tactical_lead):
    assert selectors.enforcement_list(tactical_lead, now=NOW) == []


def test_only_the_hub_managers_get_the_enforcement_list(officer, solicitor, fake_orders):
    respondent = PersonFactory()
    fake_orders.orders.append(OrderInForce(respondent.pk, "SPO", MADE))
    suspect_log(respondent, NOW - timedelta(days=1))
    assert selectors.enforcement_list(officer, now=NOW) == []
    assert selectors.enforcement_list(solicitor, now=NOW) == []


# --- Figures ----------------------------------------------------------------------------------


def test_detection_outcome_rates_by_month_and_area_stalking_against_other(coordinator):
    OffenceCode.objects.get_or_create(
        code="8Q", defaults={"description": "Stalking", "category": OffenceCategory.STALKING}
    )
    march = datetime(2026, 3, 10, 10, tzinfo=UTC)
    april = datetime(2026, 4, 10, 10, tzinfo=UTC)
    CrimeLogFactory(stalking=True, recorded_at=march, area="NS-NORTH", outcome="1")
    CrimeLogFactory(stalking=True, recorded_at=march, area="NS-NORTH", outcome="16")
    CrimeLogFactory(stalking=True, recorded_at=march, area="NS-NORTH")
    # Recorded as harassment, but on a hub case: counted as stalking.
    on_case = CrimeLogFactory(harassment=True, recorded_at=march, area="NS-NORTH", outcome="8")
    CaseFactory(owner=coordinator).case_logs.create(log=on_case, added_by=coordinator)
    CrimeLogFactory(recorded_at=march, area="NS-NORTH", outcome="1")
    CrimeLogFactory(recorded_at=april, area="NS-SOUTH", outcome="18")

    rows = {
        (row.month, row.area, row.group): row
        for row in selectors.detection_outcome_rates(since=date(2026, 3, 1), until=date(2026, 5, 1))
    }
    stalking = rows[(date(2026, 3, 1), "NS-NORTH", "stalking")]
    assert stalking.total == 4
    assert stalking.by_state == {
        "charged": 1,
        "evidential_unsupportive": 1,
        "open": 1,
        "out_of_court": 1,
    }
    assert stalking.detected == 2
    assert stalking.detection_rate == 0.5
    other = rows[(date(2026, 3, 1), "NS-NORTH", "other")]
    assert (other.total, other.detected) == (1, 1)
    assert rows[(date(2026, 4, 1), "NS-SOUTH", "other")].by_state == {"no_suspect": 1}


def test_time_from_the_hubs_decision_to_the_first_direction(coordinator, officer):
    opened = datetime(2026, 5, 1, 9, tzinfo=UTC)
    fast = CaseFactory(owner=coordinator, opened_at=opened)
    slow = CaseFactory(owner=coordinator, opened_at=opened)
    CaseFactory(owner=coordinator, opened_at=opened)  # no direction yet: not counted
    DirectionFactory(case=fast, officer=officer, given_at=opened + timedelta(days=1))
    DirectionFactory(case=fast, officer=officer, given_at=opened + timedelta(days=9))
    DirectionFactory(case=slow, officer=officer, given_at=opened + timedelta(days=5))
    times = selectors.time_to_first_direction(since=date(2026, 5, 1), until=date(2026, 6, 1))
    assert (times.cases, times.median_days, times.longest_days) == (2, 3.0, 5.0)


def test_directions_overdue_and_high_risk_cases_without_a_current_review(coordinator, officer):
    from cases.models import RiskLevel

    DirectionFactory(officer=officer, due_on=date(2026, 5, 30))
    DirectionFactory(officer=officer, due_on=date(2026, 6, 1))
    DirectionFactory(officer=officer, due_on=date(2026, 5, 1), status="done")
    assert selectors.directions_overdue(now=NOW).count() == 1

    stale = CaseFactory(owner=coordinator, current_risk=RiskLevel.HIGH, current_risk_at=MADE)
    reviewed = CaseFactory(owner=coordinator, current_risk=RiskLevel.HIGH, current_risk_at=MADE)
    OversightReviewFactory(
        case=reviewed, reviewed_at=NOW - timedelta(days=2), next_review_on=date(2026, 6, 12)
    )
    found = set(
        selectors.high_risk_cases_without_current_review(now=NOW).values_list("pk", flat=True)
    )
    assert found == {stale.pk}

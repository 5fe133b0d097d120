"""The oversight flags at their boundary day, with frozen time, as SQL (what the dashboard
counts) and as labels (what the case page shows): one rule for both."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from cases.flags import cases_flagged, flags_for_cases
from cases.models import Case, RiskLevel
from oversight import services
from tests.factories import CaseFactory, DirectionFactory, OversightReviewFactory

pytestmark = pytest.mark.django_db

REVIEWED = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)
DUE = date(2026, 5, 18)


def labels(case: Case, now: datetime) -> list[str]:
    return [flag.key for flag in flags_for_cases(cases=[case], now=now)[case.pk]]


def flagged(key: str, now: datetime) -> set[int]:
    return set(cases_flagged(key, Case.objects.all(), now).values_list("pk", flat=True))


def noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


def test_review_overdue_from_the_day_after_it_falls_due(high_risk_case, tactical_lead, settings):
    settings.HUB_OVERSIGHT_REVIEW_DAYS = 14
    with time_machine.travel(REVIEWED, tick=False):
        review = services.record_review(
            case=high_risk_case, summary="Reviewed.", next_review_on=None, by=tactical_lead
        )
    assert review.next_review_on == DUE
    for day, expected in (
        (DUE - timedelta(days=1), False),
        (DUE, False),
        (DUE + timedelta(days=1), True),
    ):
        with time_machine.travel(noon(day), tick=False):
            now = noon(day)
            assert (high_risk_case.pk in flagged("oversight_review_overdue", now)) is expected
            assert ("oversight_review_overdue" in labels(high_risk_case, now)) is expected
    reason = flags_for_cases(cases=[high_risk_case], now=noon(DUE + timedelta(days=2)))[
        high_risk_case.pk
    ]
    assert "was due on 18 May 2026 (2 days ago)" in next(
        f.reason for f in reason if f.key == "oversight_review_overdue"
    )


def test_a_high_risk_case_never_reviewed_is_due_an_interval_after_it_became_high_risk(
    coordinator, settings
):
    settings.HUB_OVERSIGHT_REVIEW_DAYS = 14
    became = datetime(2026, 5, 1, 9, tzinfo=UTC)
    case = CaseFactory(owner=coordinator, current_risk=RiskLevel.HIGH, current_risk_at=became)
    assert case.pk not in flagged("oversight_review_overdue", noon(date(2026, 5, 15)))
    assert case.pk in flagged("oversight_review_overdue", noon(date(2026, 5, 16)))
    shown = flags_for_cases(cases=[case], now=noon(date(2026, 5, 16)))[case.pk]
    assert "no oversight review yet" in next(
        flag.reason for flag in shown if flag.key == "oversight_review_overdue"
    )


def test_only_open_high_risk_cases_are_flagged_for_review(coordinator):
    old = datetime(2026, 1, 1, tzinfo=UTC)
    medium = CaseFactory(owner=coordinator, current_risk=RiskLevel.MEDIUM, current_risk_at=old)
    closed = CaseFactory(
        owner=coordinator, closed=True, current_risk=RiskLevel.HIGH, current_risk_at=old
    )
    now = noon(date(2026, 6, 1))
    assert not flagged("oversight_review_overdue", now) & {medium.pk, closed.pk}


def test_direction_overdue_from_the_day_after_its_due_date(coordinator, officer):
    case = CaseFactory(owner=coordinator, officer_in_charge=officer)
    DirectionFactory(case=case, officer=officer, due_on=DUE)
    assert case.pk not in flagged("direction_overdue", noon(DUE))
    assert "direction_overdue" not in labels(case, noon(DUE))
    assert case.pk in flagged("direction_overdue", noon(DUE + timedelta(days=1)))
    assert "direction_overdue" in labels(case, noon(DUE + timedelta(days=1)))


def test_a_review_recorded_today_clears_the_flag(high_risk_case, tactical_lead):
    OversightReviewFactory(case=high_risk_case, reviewed_at=REVIEWED, next_review_on=DUE)
    later = noon(DUE + timedelta(days=5))
    assert high_risk_case.pk in flagged("oversight_review_overdue", later)
    with time_machine.travel(later, tick=False):
        services.record_review(
            case=high_risk_case, summary="Caught up.", next_review_on=None, by=tactical_lead
        )
    assert high_risk_case.pk not in flagged("oversight_review_overdue", later)

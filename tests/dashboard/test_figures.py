"""Every registered dashboard figure against a hand-computed fixture, at a fixed `now`."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from cases.models import CrimeLog, SignalKind
from clinic.models import Action, ClinicReferral
from foundation.lib.figures import (
    DeadlineCount,
    DeadlineFigure,
    QueueCount,
    QueueFigure,
    TrendFigure,
    add_months,
    month_range,
    registered_figures,
)
from oversight.models import Direction
from referrals.models import Referral
from tests.factories import (
    ActionFactory,
    AdviceRequestFactory,
    CaseFactory,
    ClinicReferralFactory,
    CrimeLogFactory,
    DirectionFactory,
    ReferralFactory,
    RiskAssessmentFactory,
)
from tests.factories.training import EnrolmentFactory, SessionFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 18, 12, 0, tzinfo=UTC)  # a Wednesday; London is on UTC in November
TODAY = NOW.date()
FIRST, LAST = date(2025, 12, 1), date(2026, 11, 1)


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def by_key() -> dict[str, object]:
    return {figure.key: figure for figure in registered_figures()}


def test_every_app_on_main_registers_its_figures():
    assert set(by_key()) >= {
        "cases.review_queue",
        "cases.logs_tagged",
        "cases.logs_found",
        "risk.reviews_due",
        "referrals.awaiting_answer",
        "referrals.isac_waiting",
        "referrals.isac",
        "advice.open",
        "advice.sla",
        "advice.requests",
        "clinic.waiting",
        "clinic.actions",
        "clinic.referrals",
        "oversight.directions",
        "oversight.detections",
        "training.delivered",
    }


def queue(key: str) -> QueueCount:
    figure = by_key()[key]
    assert isinstance(figure, QueueFigure)
    return figure.count(NOW)


def deadlines(key: str) -> DeadlineCount:
    figure = by_key()[key]
    assert isinstance(figure, DeadlineFigure)
    return figure.count(NOW)


def trend(key: str) -> dict[date, int]:
    figure = by_key()[key]
    assert isinstance(figure, TrendFigure)
    return {month: n for month, n in figure.monthly(FIRST, LAST).items() if n}


def test_review_queue_size_and_oldest():
    CrimeLogFactory(awaiting=True, recorded_at=at(date(2026, 3, 4)))
    CrimeLogFactory(awaiting=True, recorded_at=at(date(2026, 9, 1)))
    CrimeLogFactory(reviewed=True, recorded_at=at(date(2025, 1, 1)))
    CrimeLogFactory(recorded_at=at(date(2024, 1, 1)))  # no signals: not in the queue
    assert queue("cases.review_queue") == QueueCount(2, at(date(2026, 3, 4)))


def test_logs_tagged_at_source_against_found_by_the_sweep():
    tagged = [SignalKind.TAGGED_STALKING.value, SignalKind.STALKING_INDICATORS.value]
    found = [SignalKind.COURSE_OF_CONDUCT.value]
    awaiting = CrimeLog.ReviewState.AWAITING
    CrimeLogFactory(review_state=awaiting, signal_kinds=tagged, recorded_at=at(date(2026, 2, 3)))
    CrimeLogFactory(review_state=awaiting, signal_kinds=tagged, recorded_at=at(date(2026, 2, 28)))
    CrimeLogFactory(review_state="reviewed", signal_kinds=found, recorded_at=at(date(2026, 2, 9)))
    CrimeLogFactory(review_state=awaiting, signal_kinds=found, recorded_at=at(date(2026, 10, 9)))
    CrimeLogFactory(review_state=awaiting, signal_kinds=found, recorded_at=at(date(2025, 11, 30)))
    CrimeLogFactory(recorded_at=at(date(2026, 2, 3)))  # not flagged: neither
    assert trend("cases.logs_tagged") == {date(2026, 2, 1): 2}
    # November 2025 is before the window.
    assert trend("cases.logs_found") == {date(2026, 2, 1): 1, date(2026, 10, 1): 1}


def test_month_boundaries_follow_london_time():
    # 23:30 UTC on 31 July is 00:30 on 1 August in London (summer time).
    CrimeLogFactory(
        review_state="awaiting",
        signal_kinds=[SignalKind.COURSE_OF_CONDUCT.value],
        recorded_at=datetime(2026, 7, 31, 23, 30, tzinfo=UTC),
    )
    assert trend("cases.logs_found") == {date(2026, 8, 1): 1}


def test_risk_reviews_due_by_review_date():
    for offset in (-3, -1, 0, 1, 7, 8):
        RiskAssessmentFactory(review_date=TODAY + timedelta(days=offset))
    RiskAssessmentFactory(review_date=TODAY, case=CaseFactory(closed=True))  # closed: left out
    superseded = RiskAssessmentFactory(review_date=TODAY - timedelta(days=9))
    superseded.superseded_at = NOW
    superseded.save()
    assert deadlines("risk.reviews_due") == DeadlineCount(overdue=2, today=1, week=2)


def test_referrals_awaiting_an_answer_and_isac_waiting():
    first = ReferralFactory(sent=True)
    Referral.objects.filter(pk=first.pk).update(sent_at=at(date(2026, 11, 2)))
    ReferralFactory(sent=True)
    ReferralFactory(accepted=True)
    allocated = ReferralFactory(accepted=True)
    Referral.objects.filter(pk=allocated.pk).update(caseworker=allocated.referred_by)
    ReferralFactory()  # a draft
    awaiting = queue("referrals.awaiting_answer")
    assert awaiting.size == 2
    assert awaiting.oldest == min(
        Referral.objects.filter(state="sent").values_list("sent_at", flat=True)
    )
    assert queue("referrals.isac_waiting").size == 1


def test_isac_referrals_by_month_sent():
    one = ReferralFactory(sent=True)
    two = ReferralFactory(sent=True)
    Referral.objects.filter(pk=one.pk).update(sent_at=at(date(2026, 4, 2)))
    Referral.objects.filter(pk=two.pk).update(sent_at=at(date(2026, 4, 20)))
    ReferralFactory()  # never sent
    assert trend("referrals.isac") == {date(2026, 4, 1): 2}


def test_advice_requests_open_sla_and_monthly():
    AdviceRequestFactory(submitted_at=NOW - timedelta(days=3), due_at=NOW - timedelta(hours=1))
    AdviceRequestFactory(submitted_at=NOW - timedelta(hours=2), due_at=NOW + timedelta(hours=3))
    AdviceRequestFactory(submitted_at=NOW - timedelta(hours=1), due_at=NOW + timedelta(days=2))
    AdviceRequestFactory(answered=True, submitted_at=at(date(2026, 6, 5)))
    open_queue = queue("advice.open")
    assert open_queue == QueueCount(3, NOW - timedelta(days=3))
    assert deadlines("advice.sla") == DeadlineCount(overdue=1, today=1, week=1)
    assert trend("advice.requests") == {date(2026, 6, 1): 1, date(2026, 11, 1): 3}


def test_clinic_waiting_actions_and_referrals():
    ClinicReferralFactory(referred_at=at(date(2026, 10, 1)))
    ClinicReferralFactory(referred_at=at(date(2026, 11, 10)))
    ClinicReferralFactory(state=ClinicReferral.State.DISCUSSED, referred_at=at(date(2026, 9, 1)))
    assert queue("clinic.waiting") == QueueCount(2, at(date(2026, 10, 1)))
    assert trend("clinic.referrals") == {
        date(2026, 9, 1): 1,
        date(2026, 10, 1): 1,
        date(2026, 11, 1): 1,
    }
    ActionFactory(due_on=TODAY - timedelta(days=1))
    ActionFactory(due_on=TODAY, status=Action.Status.IN_PROGRESS)
    ActionFactory(due_on=TODAY + timedelta(days=3))
    ActionFactory(due_on=TODAY - timedelta(days=1), status=Action.Status.DONE)
    assert deadlines("clinic.actions") == DeadlineCount(overdue=1, today=1, week=1)


def test_directions_due_and_detections():
    DirectionFactory(due_on=TODAY - timedelta(days=2))
    DirectionFactory(due_on=TODAY + timedelta(days=7), status=Direction.Status.ACKNOWLEDGED)
    DirectionFactory(due_on=TODAY, status=Direction.Status.DONE)
    assert deadlines("oversight.directions") == DeadlineCount(overdue=1, today=0, week=1)
    may = at(date(2026, 5, 6))
    CrimeLogFactory(stalking=True, recorded_at=may, outcome="1")
    CrimeLogFactory(stalking=True, recorded_at=may, outcome="3")
    CrimeLogFactory(stalking=True, recorded_at=may, outcome="18")  # no detection
    CrimeLogFactory(recorded_at=may, outcome="1")  # not stalking, on no case
    on_a_case = CrimeLogFactory(recorded_at=at(date(2026, 7, 1)), outcome="1")
    case = CaseFactory()
    case.case_logs.create(log=on_a_case, added_by=case.owner)
    assert trend("oversight.detections") == {date(2026, 5, 1): 2, date(2026, 7, 1): 1}


def test_training_delivered_counts_completions_by_session_month():
    session = SessionFactory(starts_at=at(date(2026, 3, 10)))
    session.course.attendance_completes = True
    session.course.save()
    EnrolmentFactory(session=session, attended=True)
    EnrolmentFactory(session=session, completed=True)
    EnrolmentFactory(session=SessionFactory(starts_at=at(date(2026, 11, 30))), completed=True)
    EnrolmentFactory(session=session, no_show=True)
    EnrolmentFactory(session=session)
    assert trend("training.delivered") == {date(2026, 3, 1): 2, date(2026, 11, 1): 1}


def test_month_helpers():
    assert add_months(date(2026, 11, 1), 2) == date(2027, 1, 1)
    assert add_months(date(2026, 1, 1), -1) == date(2025, 12, 1)
    assert len(month_range(FIRST, LAST)) == 12

"""Daily review reminders: due, overdue and not yet due; once only; stale claims retaken."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection

from risk import reminders
from risk.models import RiskAssessment
from risk.reminders import REMINDER_LEASE, claim_reminder, send_review_reminders
from risk.tasks import send_review_reminders as reminders_task
from tests.factories import CaseFactory, RiskAssessmentFactory, UserFactory

REVIEW = date(2026, 4, 10)
COMPLETED = datetime(2026, 3, 10, 10, tzinfo=UTC)


def at(day: date, hour: int = 7) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


@pytest.fixture
def assessment(coordinator, home_force) -> RiskAssessment:
    owner = UserFactory(roles=["tactical_lead"], agency=home_force, email="owner@example.test")
    case = CaseFactory(owner=owner, reference="SH-2026-00042")
    return RiskAssessmentFactory(
        case=case, assessor=coordinator, completed_at=COMPLETED, review_date=REVIEW
    )


def test_not_yet_due_sends_nothing(assessment):
    assert send_review_reminders(now=at(REVIEW - timedelta(days=1))) == 0
    assert mail.outbox == []


def test_due_today_emails_the_assessor_and_the_case_owner_once(assessment, coordinator):
    assert send_review_reminders(now=at(REVIEW)) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert sorted(message.to) == sorted([coordinator.email, "owner@example.test"])
    assert message.subject == "Risk review due today: case SH-2026-00042"
    assert "due today, 10 April 2026" in message.body
    assert f"/cases/{assessment.case_id}/risk/{assessment.pk}/" in message.body
    # No personal data: the e-mail carries neither rationale nor plan nor answers.
    assert assessment.rationale not in message.body
    assert assessment.plan_note not in message.body
    assessment.refresh_from_db()
    assert assessment.reminder_sent_for == REVIEW
    assert assessment.reminder_claimed_at is None
    # The next days' runs do not repeat it.
    assert send_review_reminders(now=at(REVIEW)) == 0
    assert send_review_reminders(now=at(REVIEW + timedelta(days=1))) == 0
    assert len(mail.outbox) == 1


def test_overdue_is_sent_once_and_says_so(assessment):
    assert send_review_reminders(now=at(REVIEW + timedelta(days=3))) == 1
    assert mail.outbox[0].subject == "Risk review overdue: case SH-2026-00042"
    assert "3 days ago" in mail.outbox[0].body
    assert send_review_reminders(now=at(REVIEW + timedelta(days=4))) == 0


def test_a_superseded_assessment_or_a_closed_case_needs_no_review(assessment, coordinator):
    closed = CaseFactory(owner=coordinator, closed=True)
    RiskAssessmentFactory(case=closed, completed_at=COMPLETED, review_date=REVIEW)
    RiskAssessmentFactory(
        case=assessment.case,
        completed_at=COMPLETED + timedelta(days=5),
        review_date=date(2026, 6, 1),
    )
    assert send_review_reminders(now=at(REVIEW + timedelta(days=1))) == 0
    assert mail.outbox == []


def test_inactive_recipients_are_skipped(assessment, coordinator):
    coordinator.is_active = False
    coordinator.save()
    send_review_reminders(now=at(REVIEW))
    assert mail.outbox[0].to == ["owner@example.test"]


def test_the_task_reads_the_clock(assessment):
    with time_machine.travel(at(REVIEW), tick=False):
        assert reminders_task() == 1
    assert len(mail.outbox) == 1


def test_two_runs_claiming_at_once_send_once(assessment):
    now = at(REVIEW)
    assert claim_reminder(assessment_id=assessment.pk, today=REVIEW, now=now)
    assert not claim_reminder(assessment_id=assessment.pk, today=REVIEW, now=now)
    # A run that finds the claim held sends nothing.
    assert send_review_reminders(now=now + timedelta(minutes=1)) == 0
    assert mail.outbox == []


def test_a_crashed_workers_claim_is_retaken_after_the_lease(assessment, monkeypatch):
    now = at(REVIEW)

    def crash(**kwargs):
        raise ConnectionError("mail server went away")

    monkeypatch.setattr(reminders, "_send_reminder", crash)
    assert send_review_reminders(now=now) == 0
    assessment.refresh_from_db()
    assert assessment.reminder_claimed_at == now
    assert assessment.reminder_sent_for is None
    monkeypatch.undo()
    # Within the lease the claim still holds; after it, the next run takes it and sends.
    assert send_review_reminders(now=now + REMINDER_LEASE - timedelta(seconds=1)) == 0
    assert send_review_reminders(now=now + REMINDER_LEASE + timedelta(seconds=1)) == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_runs_in_separate_transactions_send_once(coordinator, home_force):
    from risk.sync import sync_instruments

    sync_instruments()
    case = CaseFactory(owner=coordinator)
    RiskAssessmentFactory.create_batch(1, case=case, completed_at=COMPLETED, review_date=REVIEW)
    others = [CaseFactory(owner=coordinator) for _ in range(5)]
    for other in others:
        RiskAssessmentFactory(case=other, completed_at=COMPLETED, review_date=REVIEW)
    now = at(REVIEW)
    barrier = threading.Barrier(2)
    counts: list[int] = []

    def run() -> None:
        barrier.wait()
        try:
            counts.append(send_review_reminders(now=now))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(counts) == 6
    assert len(mail.outbox) == 6
    assert RiskAssessment.objects.filter(reminder_sent_for=REVIEW).count() == 6

"""Reminder sweeps: due at the right time, sent once (also under concurrent runs), and not lost
when a worker dies mid-send."""

from __future__ import annotations

import threading
from datetime import date, datetime, timedelta

import pytest
from django.core import mail
from django.db import connection

from foundation.lib.working_time import LONDON
from referrals import reminders
from referrals.models import AdviceRequest, Referral, SafetyPlan
from tests.factories import CaseFactory
from tests.factories.referrals import AdviceRequestFactory, ReferralFactory, SafetyPlanFactory

SENT = datetime(2026, 5, 11, 9, 0, tzinfo=LONDON)  # Monday
DUE = datetime(2026, 5, 13, 9, 0, tzinfo=LONDON)  # two working days later


def overdue_referral(isac_service, coordinator) -> Referral:
    return ReferralFactory(
        case=CaseFactory(owner=coordinator),
        agency=isac_service,
        referred_by=coordinator,
        sent=True,
        sent_at=SENT,
        response_due_at=DUE,
    )


@pytest.mark.django_db
class TestReferralChase:
    def test_chased_once_a_day_while_undecided(self, isac_service, isac, coordinator):
        referral = overdue_referral(isac_service, coordinator)
        assert reminders.chase_overdue_referrals(now=DUE - timedelta(minutes=1)) == 0
        assert reminders.chase_overdue_referrals(now=DUE + timedelta(minutes=5)) == 1
        assert sorted(m.to[0] for m in mail.outbox) == sorted([isac.email, coordinator.email])
        # Later the same day: nothing more.
        assert reminders.chase_overdue_referrals(now=DUE + timedelta(hours=6)) == 0
        # The next working day: chased again.
        assert reminders.chase_overdue_referrals(now=DUE + timedelta(days=1)) == 1
        referral.refresh_from_db()
        assert referral.chase_count == 2
        assert referral.chase_claimed_at is None
        assert len(mail.outbox) == 4

    def test_not_chased_outside_working_hours_or_once_decided(
        self, isac_service, isac, coordinator
    ):
        referral = overdue_referral(isac_service, coordinator)
        evening = datetime(2026, 5, 13, 19, 0, tzinfo=LONDON)
        saturday = datetime(2026, 5, 16, 10, 0, tzinfo=LONDON)
        assert reminders.chase_overdue_referrals(now=evening) == 0
        assert reminders.chase_overdue_referrals(now=saturday) == 0
        referral.state = Referral.State.ACCEPTED
        referral.save()
        assert reminders.chase_overdue_referrals(now=DUE + timedelta(days=1)) == 0
        assert mail.outbox == []

    def test_a_live_claim_is_left_alone_and_a_stale_one_is_taken_again(
        self, isac_service, isac, coordinator
    ):
        """A worker that claimed the row and died mid-send: its lease lapses, the row is retaken."""
        referral = overdue_referral(isac_service, coordinator)
        now = DUE + timedelta(hours=1)
        Referral.objects.filter(pk=referral.pk).update(chase_claimed_at=now - timedelta(minutes=5))
        assert reminders.chase_overdue_referrals(now=now) == 0
        assert mail.outbox == []
        Referral.objects.filter(pk=referral.pk).update(
            chase_claimed_at=now - reminders.LEASE - timedelta(seconds=1)
        )
        assert reminders.chase_overdue_referrals(now=now) == 1
        assert len(mail.outbox) == 2

    def test_a_failed_send_is_not_marked_and_is_retried_after_the_lease(
        self, isac_service, isac, coordinator, monkeypatch
    ):
        referral = overdue_referral(isac_service, coordinator)
        now = DUE + timedelta(hours=1)

        def smtp_down(referral: Referral) -> int:
            raise ConnectionRefusedError("SMTP server not answering")

        # The mail server is the only thing mocked: the network edge.
        with monkeypatch.context() as patch:
            patch.setattr(reminders, "send_referral_overdue_reminder", smtp_down)
            assert reminders.chase_overdue_referrals(now=now) == 0
        referral.refresh_from_db()
        assert referral.chased_at is None
        assert referral.chase_claimed_at == now
        # Still claimed a minute later; retried once the lease lapsed, and sent.
        assert reminders.chase_overdue_referrals(now=now + timedelta(minutes=1)) == 0
        assert reminders.chase_overdue_referrals(now=now + reminders.LEASE * 2) == 1
        referral.refresh_from_db()
        assert referral.chased_at == now + reminders.LEASE * 2
        assert len(mail.outbox) == 2


@pytest.mark.django_db
class TestAdviceReminders:
    def test_due_soon_then_overdue_each_once(self, coordinator, champion):
        advice = AdviceRequestFactory(
            requester=champion,
            urgent=True,
            submitted_at=datetime(2026, 5, 12, 9, 0, tzinfo=LONDON),
            due_at=datetime(2026, 5, 12, 13, 0, tzinfo=LONDON),
            due_soon_at=datetime(2026, 5, 12, 12, 0, tzinfo=LONDON),
        )
        assert reminders.remind_advice_queue(now=datetime(2026, 5, 12, 11, 59, tzinfo=LONDON)) == 0
        assert reminders.remind_advice_queue(now=datetime(2026, 5, 12, 12, 0, tzinfo=LONDON)) == 1
        assert reminders.remind_advice_queue(now=datetime(2026, 5, 12, 12, 30, tzinfo=LONDON)) == 0
        assert reminders.remind_advice_queue(now=datetime(2026, 5, 12, 13, 0, tzinfo=LONDON)) == 1
        assert reminders.remind_advice_queue(now=datetime(2026, 5, 12, 15, 0, tzinfo=LONDON)) == 0
        assert [m.subject.split(":")[0] for m in mail.outbox] == [
            f"Advice request {advice.reference} is due by 13",
            "Overdue",
        ]
        assert {m.to[0] for m in mail.outbox} == {coordinator.email}

    def test_a_request_already_overdue_gets_only_the_overdue_reminder(self, coordinator):
        AdviceRequestFactory(
            due_at=datetime(2026, 5, 12, 13, 0, tzinfo=LONDON),
            due_soon_at=datetime(2026, 5, 12, 12, 0, tzinfo=LONDON),
        )
        assert reminders.remind_advice_queue(now=datetime(2026, 5, 13, 9, 0, tzinfo=LONDON)) == 1
        assert mail.outbox[0].subject.startswith("Overdue")

    def test_answered_requests_are_not_reminded(self, coordinator):
        AdviceRequestFactory(answered=True, due_at=datetime(2026, 5, 12, 13, 0, tzinfo=LONDON))
        assert reminders.remind_advice_queue(now=datetime(2026, 5, 13, 9, 0, tzinfo=LONDON)) == 0


@pytest.mark.django_db
class TestSafetyPlanReviews:
    def test_the_caseworker_is_reminded_once_per_version(self, isac_service, isac, coordinator):
        referral = ReferralFactory(
            case=CaseFactory(owner=coordinator), agency=isac_service, active=True, caseworker=isac
        )
        plan = SafetyPlanFactory(referral=referral, review_on=date(2026, 6, 1))
        before = datetime(2026, 5, 31, 8, 0, tzinfo=LONDON)
        on_the_day = datetime(2026, 6, 1, 8, 0, tzinfo=LONDON)
        assert reminders.remind_safety_plan_reviews(now=before) == 0
        assert reminders.remind_safety_plan_reviews(now=on_the_day) == 1
        assert reminders.remind_safety_plan_reviews(now=on_the_day + timedelta(days=1)) == 0
        assert mail.outbox[0].to == [isac.email]
        # A new version (made by the service) starts its own reminder.
        SafetyPlan.objects.filter(pk=plan.pk).update(is_current=False)
        SafetyPlanFactory(referral=referral, version=2, review_on=date(2026, 6, 15))
        assert (
            reminders.remind_safety_plan_reviews(now=datetime(2026, 6, 15, 8, tzinfo=LONDON)) == 1
        )

    def test_without_a_caseworker_the_managers_are_told(self, isac_service, isac, isac_manager):
        referral = ReferralFactory(agency=isac_service, accepted=True)
        SafetyPlanFactory(referral=referral, review_on=date(2026, 6, 1))
        reminders.remind_safety_plan_reviews(now=datetime(2026, 6, 2, 8, tzinfo=LONDON))
        assert [m.to for m in mail.outbox] == [[isac_manager.email]]

    def test_closed_casework_is_not_reminded(self, isac_service, isac):
        referral = ReferralFactory(agency=isac_service, closed=True, caseworker=isac)
        SafetyPlanFactory(referral=referral, review_on=date(2026, 6, 1))
        assert reminders.remind_safety_plan_reviews(now=datetime(2026, 6, 2, 8, tzinfo=LONDON)) == 0


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_runs_send_each_reminder_once(isac_service, isac, coordinator):
    """Two beat runs at once (two workers): every claim is won by exactly one of them."""
    referrals = [overdue_referral(isac_service, coordinator) for _ in range(5)]
    for _ in range(5):
        AdviceRequestFactory(
            due_at=datetime(2026, 5, 12, 13, 0, tzinfo=LONDON),
            due_soon_at=datetime(2026, 5, 12, 12, 0, tzinfo=LONDON),
        )
    now = DUE + timedelta(hours=2)
    start = threading.Barrier(2)
    results: list[int] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            start.wait()
            results.append(
                reminders.chase_overdue_referrals(now=now) + reminders.remind_advice_queue(now=now)
            )
        except BaseException as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sum(results) == 10
    # Each referral chase goes to the ISAC and the referrer; each advice reminder to the
    # coordinator: 5 x 2 + 5 x 1 e-mails, no duplicates.
    assert len(mail.outbox) == 15
    subjects = [m.subject + m.to[0] for m in mail.outbox]
    assert len(set(subjects)) == 15
    assert all(
        r.chase_count == 1 for r in Referral.objects.filter(pk__in=[r.pk for r in referrals])
    )
    assert AdviceRequest.objects.filter(overdue_sent_at__isnull=False).count() == 5

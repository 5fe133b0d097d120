"""The repeat rule: 364/365/366 days, by hand, through merges, and set-based for 10,000 logs."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from cases.models import CaseParty, CrimeLog, LogParty, PartyRole
from cases.services.logs import logs_changed
from cases.services.people import merge_persons
from clinic.errors import ClinicError
from clinic.models import ClinicReferral
from clinic.repeats import repeats_from_logs
from clinic.services.referrals import raise_repeat
from foundation.lib.working_time import LONDON
from tests.factories import CaseFactory, CrimeLogFactory, LogPartyFactory, PersonFactory
from tests.factories.clinic import ClinicReferralFactory

pytestmark = pytest.mark.django_db

REFERRED = datetime(2025, 3, 10, 11, 0, tzinfo=LONDON)
NOW = datetime(2026, 4, 1, 9, 0, tzinfo=LONDON)


@pytest.fixture
def pair(coordinator):
    victim, suspect = PersonFactory(), PersonFactory()
    case = CaseFactory(owner=coordinator)
    CaseParty.objects.create(case=case, person=victim, role=PartyRole.VICTIM)
    CaseParty.objects.create(case=case, person=suspect, role=PartyRole.SUSPECT)
    ClinicReferralFactory(case=case, referred_at=REFERRED, state=ClinicReferral.State.DISCUSSED)
    return case, victim, suspect


def incident(victim, suspect, *, days: int, occurred: bool = True) -> CrimeLog:
    when = REFERRED + timedelta(days=days)
    log = CrimeLogFactory(
        recorded_at=when + timedelta(days=30) if occurred else when,
        occurred_from=when if occurred else None,
    )
    LogPartyFactory(log=log, victim=True, person=victim)
    LogPartyFactory(log=log, suspect=True, person=suspect)
    return log


def repeats(case) -> list[ClinicReferral]:
    return list(ClinicReferral.objects.filter(case=case, criterion=ClinicReferral.Criterion.REPEAT))


@pytest.mark.parametrize(
    ("days", "raised"), [(0, False), (1, True), (364, True), (365, True), (366, False)]
)
def test_repeat_window_by_occurrence_date(pair, days, raised):
    case, victim, suspect = pair
    log = incident(victim, suspect, days=days)
    repeats_from_logs(log_ids=[log.pk], now=NOW)
    found = repeats(case)
    assert bool(found) is raised
    if raised:
        assert found[0].state == ClinicReferral.State.PENDING
        assert found[0].trigger_log_id == log.pk
        assert found[0].incident_on == (REFERRED + timedelta(days=days)).date()


@pytest.mark.parametrize(("days", "raised"), [(365, True), (366, False)])
def test_without_an_occurrence_date_the_recorded_date_counts(pair, days, raised):
    case, victim, suspect = pair
    log = incident(victim, suspect, days=days, occurred=False)
    repeats_from_logs(log_ids=[log.pk], now=NOW)
    assert bool(repeats(case)) is raised


def test_a_log_seen_again_raises_nothing_new_and_one_repeat_waits_per_case(pair):
    case, victim, suspect = pair
    first, second = incident(victim, suspect, days=20), incident(victim, suspect, days=40)
    repeats_from_logs(log_ids=[first.pk, second.pk], now=NOW)
    repeats_from_logs(log_ids=[first.pk, second.pk], now=NOW)
    assert len(repeats(case)) == 1


def test_a_returned_referral_does_not_count(coordinator):
    victim, suspect = PersonFactory(), PersonFactory()
    case = CaseFactory(owner=coordinator)
    CaseParty.objects.create(case=case, person=victim, role=PartyRole.VICTIM)
    CaseParty.objects.create(case=case, person=suspect, role=PartyRole.SUSPECT)
    ClinicReferralFactory(
        case=case, referred_at=REFERRED, state=ClinicReferral.State.RETURNED, return_reason="x"
    )
    log = incident(victim, suspect, days=10)
    repeats_from_logs(log_ids=[log.pk], now=NOW)
    assert repeats(case) == []


def test_logs_changed_runs_the_handler_and_a_merge_can_make_a_repeat(pair, coordinator):
    case, victim, suspect = pair
    # The new log names the suspect under a second person record: not a repeat yet.
    duplicate = PersonFactory()
    log = CrimeLogFactory(occurred_from=REFERRED + timedelta(days=100))
    LogPartyFactory(log=log, victim=True, person=victim)
    LogPartyFactory(log=log, suspect=True, person=duplicate)
    logs_changed(log_ids=[log.pk], now=NOW)
    assert repeats(case) == []
    merge_persons(keep=suspect, merge=duplicate, by=coordinator, reason="same person")
    assert len(repeats(case)) == 1


def test_raised_by_hand_inside_and_outside_the_window(pair, partner):
    case, _, _ = pair
    referral = raise_repeat(
        case=case,
        incident_on=(REFERRED + timedelta(days=365)).date(),
        note="Seen outside her home again.",
        by=partner,
        today=date(2026, 4, 1),
    )
    assert referral.state == ClinicReferral.State.PENDING
    assert referral.referred_by == partner
    referral.state = ClinicReferral.State.RETURNED
    referral.return_reason = "test"
    referral.save()
    with pytest.raises(ClinicError, match="366 days"):
        raise_repeat(
            case=case,
            incident_on=(REFERRED + timedelta(days=366)).date(),
            note="Too late.",
            by=partner,
            today=date(2026, 4, 1),
        )


def test_the_handler_is_set_based_for_a_10000_log_batch(pair, django_assert_max_num_queries):
    case, victim, suspect = pair
    base = REFERRED + timedelta(days=5)
    logs = CrimeLog.objects.bulk_create(
        CrimeLog(
            source="rms",
            reference=f"BATCH/{n:06d}",
            recorded_at=base,
            occurred_from=base + timedelta(hours=n % 500),
        )
        for n in range(10_000)
    )
    LogParty.objects.bulk_create(
        [
            party
            for log in logs
            for party in (
                LogParty(log=log, role=PartyRole.VICTIM, name="v", person=victim),
                LogParty(log=log, role=PartyRole.SUSPECT, name="s", person=suspect),
            )
        ]
    )
    with django_assert_max_num_queries(3):
        repeats_from_logs(log_ids=[log.pk for log in logs], now=timezone.now())
    assert len(repeats(case)) == 1

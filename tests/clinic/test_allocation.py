"""Allocation by priority, age and capacity (overflow, pins, published agendas), and the
shortfall figures on a hand-computed fixture."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from clinic.allocation import (
    DemandRow,
    Room,
    Waiting,
    allocate,
    capacity_outlook,
    outlook_from,
    plan_allocation,
)
from clinic.models import AgendaItem, ClinicReferral
from foundation.lib.working_time import LONDON
from tests.factories.clinic import AgendaItemFactory, ClinicMeetingFactory, ClinicReferralFactory

NOW = datetime(2026, 6, 1, 9, 0, tzinfo=LONDON)  # a Monday


def at(day: int, hour: int = 10) -> datetime:
    return datetime(2026, 6, day, hour, 0, tzinfo=LONDON)


def test_plan_takes_priority_then_age_and_overflows():
    rooms = [Room(1, at(3), 2, 15), Room(2, at(10), 2, 15)]
    waiting = [
        Waiting(10, 1, 3, at(1, 8)),  # standard, oldest
        Waiting(11, 1, 1, at(1, 9)),  # urgent
        Waiting(12, 1, 3, at(1, 7)),  # standard, older still
        Waiting(13, 1, 2, at(1, 9)),  # high
        Waiting(14, 1, 3, at(1, 9)),  # standard, youngest: overflows
    ]
    plan = plan_allocation(waiting, rooms)
    assert plan == {11: (1, 0), 13: (1, 1), 12: (2, 0), 10: (2, 1), 14: None}


def test_plan_fills_around_fixed_positions():
    plan = plan_allocation(
        [Waiting(1, 1, 1, at(1)), Waiting(2, 1, 1, at(1, 11))],
        [Room(7, at(3), 3, 15, fixed_positions={0, 2})],
    )
    assert plan == {1: (7, 1), 2: None}


@pytest.mark.django_db
def test_allocate_writes_slots_and_leaves_pinned_and_published_items(coordinator):
    first = ClinicMeetingFactory(starts_at=at(3), capacity=2, minutes_per_case=20)
    second = ClinicMeetingFactory(starts_at=at(10), capacity=2)
    published = ClinicMeetingFactory(starts_at=at(8), capacity=3, agenda_published_at=NOW)
    old = ClinicReferralFactory(referred_at=at(1, 7))
    pinned = AgendaItemFactory(
        meeting=second, referral=ClinicReferralFactory(priority=1), position=1, pinned=True
    )
    on_published = AgendaItemFactory(meeting=published, referral=ClinicReferralFactory(priority=1))
    urgent = ClinicReferralFactory(referred_at=at(1, 8), priority=ClinicReferral.Priority.URGENT)
    young = [ClinicReferralFactory(referred_at=at(1, 9 + n)) for n in range(3)]
    result = allocate(now=NOW)
    items = {item.referral_id: item for item in AgendaItem.objects.all()}
    assert items[urgent.pk].meeting == first
    assert items[urgent.pk].position == 0
    assert items[old.pk].meeting == first
    assert items[old.pk].slot_starts_at == at(3) + timedelta(minutes=20)
    assert items[young[0].pk].meeting == second
    assert items[young[0].pk].position == 0
    assert young[1].pk not in items
    assert young[2].pk not in items
    assert items[pinned.referral_id].meeting == second
    assert items[pinned.referral_id].position == 1
    assert items[on_published.referral_id].meeting == published
    assert (result.listed, result.overflow) == (3, 2)
    # Idempotent: nothing moves on a second run.
    again = allocate(now=NOW)
    assert (again.listed, again.moved, again.unlisted) == (0, 0, 0)


@pytest.mark.django_db
def test_a_new_urgent_referral_bumps_an_unpinned_item(coordinator):
    meeting = ClinicMeetingFactory(starts_at=at(3), capacity=1)
    routine = ClinicReferralFactory(referred_at=at(1, 7))
    allocate(now=NOW)
    urgent = ClinicReferralFactory(referred_at=at(1, 8), priority=ClinicReferral.Priority.URGENT)
    result = allocate(now=NOW)
    assert AgendaItem.objects.get(meeting=meeting).referral == urgent
    assert not AgendaItem.objects.filter(referral=routine).exists()
    assert (result.listed, result.unlisted, result.overflow) == (1, 1, 1)


def test_shortfall_figures_by_hand():
    """Target 14 days. Seven cases referred on 27 May are due by 10 June. Meetings: 3, 10 and
    17 June, two places each. By 10 June: 7 due, 4 places -> 3 missing; 2 extra meetings of 2;
    or 2 more cases at each of the 2 meetings by then = 30 minutes at 15 each. Allocation lists
    2 + 2 in time, 2 on 17 June (late) and 1 nowhere: 3 breaches, on 11 June."""
    referred = datetime(2026, 5, 27, 10, 0, tzinfo=LONDON)
    listed = [at(3)] * 2 + [at(10)] * 2 + [at(17)] * 2 + [None]
    demand = [DemandRow(n, n, 3, referred + timedelta(minutes=n), listed[n]) for n in range(7)]
    meetings = [(at(3), 2, 15), (at(10), 2, 15), (at(17), 2, 15)]
    outlook = outlook_from(demand, meetings, target_days=14)
    assert outlook.missing_places == 3
    assert outlook.extra_meetings == 2
    assert outlook.extra_cases_per_meeting == 2
    assert outlook.extra_minutes_per_meeting == 30
    assert outlook.before_next_meeting == 0
    assert [breach.referral_id for breach in outlook.breaches] == [4, 5, 6]
    assert {breach.breaches_on for breach in outlook.breaches} == {datetime(2026, 6, 11).date()}
    assert outlook.breaches[2].listed_on is None


def test_cases_due_before_the_next_meeting_need_an_extra_meeting():
    referred = datetime(2026, 5, 10, 10, 0, tzinfo=LONDON)  # due 24 May: already past
    demand = [DemandRow(n, n, 1, referred, None) for n in range(3)]
    outlook = outlook_from(demand, [(at(3), 8, 15)], target_days=14)
    assert outlook.before_next_meeting == 3
    assert outlook.extra_minutes_per_meeting == 0
    assert outlook.extra_meetings == 1


def test_no_shortfall_when_capacity_clears_the_list():
    referred = datetime(2026, 5, 30, 10, 0, tzinfo=LONDON)
    demand = [DemandRow(n, n, 3, referred, at(3)) for n in range(2)]
    outlook = outlook_from(demand, [(at(3), 2, 15)], target_days=14)
    assert not outlook.has_shortfall


@pytest.mark.django_db
def test_capacity_outlook_reads_the_waiting_list():
    ClinicMeetingFactory(starts_at=at(3), capacity=1)
    for _ in range(3):
        ClinicReferralFactory(referred_at=datetime(2026, 5, 27, 10, 0, tzinfo=LONDON))
    allocate(now=NOW)
    outlook = capacity_outlook(now=NOW, target_days=14)
    assert outlook.waiting == 3
    assert outlook.missing_places == 2
    assert len(outlook.breaches) == 2

"""The auditor's unusual-access rules, each at its threshold with frozen time
(cases/unusual_access.py, docs/information-management-access.md)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from cases.models import CaseParty, PartyRole, UnusualAccess
from cases.unusual_access import find_unusual_access, period_ending_before
from foundation.audit.models import AccessRecord
from tests.factories import CaseFactory, UserFactory
from tests.factories.cases import PersonFactory

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
# A winter night (GMT) and a summer one (BST): the window is local time.
RUN = datetime(2026, 1, 14, 7, 40, tzinfo=LONDON)


def consult(user, case_id, at, *, outcome="allowed", object_type="cases.case"):
    # `at` defaults to the database's clock, which frozen time does not reach: set it.
    AccessRecord.objects.create(
        at=at,
        user=user,
        action="consult",
        outcome=outcome,
        object_type=object_type,
        object_id=str(case_id),
        need="read",
    )


def findings(rule):
    return list(UnusualAccess.objects.filter(rule=rule))


def test_the_period_is_the_day_ending_at_seven_local():
    period = period_ending_before(RUN)
    assert period.end == datetime(2026, 1, 14, 7, 0, tzinfo=LONDON)
    assert period.night_start == datetime(2026, 1, 13, 19, 0, tzinfo=LONDON)
    summer = period_ending_before(datetime(2026, 7, 1, 6, 59, tzinfo=LONDON))
    assert summer.end == datetime(2026, 6, 30, 7, 0, tzinfo=LONDON)


@pytest.mark.parametrize(("cases", "found"), [(19, False), (20, True)])
def test_night_cases_threshold(coordinator, cases, found):
    start = datetime(2026, 1, 13, 19, 0, tzinfo=LONDON)
    for index in range(cases):
        consult(coordinator, 1000 + index, start + timedelta(minutes=index))
    consult(coordinator, 1000, start + timedelta(minutes=50))  # the same case again
    find_unusual_access(now=RUN)
    assert bool(findings(UnusualAccess.Rule.NIGHT_CASES)) is found


def test_night_window_boundaries(coordinator, tactical_lead):
    """19:00:00 and 06:59:59 are in the night; 18:59:59 and 07:00:00 are not."""
    inside = [
        datetime(2026, 1, 13, 19, 0, 0, tzinfo=LONDON),
        datetime(2026, 1, 14, 6, 59, 59, tzinfo=LONDON),
    ]
    outside = [
        datetime(2026, 1, 13, 18, 59, 59, tzinfo=LONDON),
        datetime(2026, 1, 14, 7, 0, 0, tzinfo=LONDON),
    ]
    # 18 cases mid-night, plus one at each edge inside: 20 for the coordinator.
    for index in range(18):
        consult(coordinator, 2000 + index, datetime(2026, 1, 13, 23, 0, tzinfo=LONDON))
        consult(tactical_lead, 2000 + index, datetime(2026, 1, 13, 23, 0, tzinfo=LONDON))
    for index, at in enumerate(inside):
        consult(coordinator, 3000 + index, at)
    # The same two extra cases just outside the window: 18 for the tactical lead.
    for index, at in enumerate(outside):
        consult(tactical_lead, 3000 + index, at)
    with time_machine.travel(RUN, tick=False):
        find_unusual_access(now=RUN)
    night = findings(UnusualAccess.Rule.NIGHT_CASES)
    assert [(f.user, f.count) for f in night] == [(coordinator, 20)]


def test_night_window_in_summer_time(coordinator):
    start = datetime(2026, 6, 30, 19, 0, tzinfo=LONDON)  # 18:00 UTC
    for index in range(20):
        consult(coordinator, 4000 + index, start + timedelta(minutes=index))
    find_unusual_access(now=datetime(2026, 7, 1, 7, 30, tzinfo=LONDON))
    assert len(findings(UnusualAccess.Rule.NIGHT_CASES)) == 1


@pytest.mark.parametrize(
    ("attempts", "spread", "found"),
    [
        (4, timedelta(minutes=10), False),
        (5, timedelta(minutes=59, seconds=59), True),
        (5, timedelta(minutes=60), False),
    ],
)
def test_denied_attempts_threshold(partner, attempts, spread, found):
    first = datetime(2026, 1, 13, 14, 0, tzinfo=LONDON)
    for index in range(attempts):
        at = first + spread * index / (attempts - 1)
        consult(partner, 5000 + index, at, outcome="denied")
    find_unusual_access(now=RUN)
    burst = findings(UnusualAccess.Rule.DENIED_BURST)
    assert bool(burst) is found
    if found:
        assert burst[0].count == 5


def test_own_name_on_a_case(coordinator, home_force):
    namesake = UserFactory(
        email="pat@example.test", full_name="Pat Namesake", roles=["coordinator"], agency=home_force
    )
    theirs = CaseFactory(owner=coordinator)
    CaseParty.objects.create(
        case=theirs, person=PersonFactory(name="PAT  namesake"), role=PartyRole.VICTIM
    )
    other = CaseFactory(owner=coordinator)
    CaseParty.objects.create(
        case=other, person=PersonFactory(name="Patricia Namesake"), role=PartyRole.VICTIM
    )
    at = datetime(2026, 1, 13, 11, 0, tzinfo=LONDON)
    consult(namesake, theirs.pk, at)
    consult(namesake, other.pk, at)
    consult(coordinator, theirs.pk, at)
    find_unusual_access(now=RUN)
    own = findings(UnusualAccess.Rule.OWN_NAME)
    assert [(f.user, f.case) for f in own] == [(namesake, theirs)]


def test_a_second_run_adds_nothing(coordinator):
    start = datetime(2026, 1, 13, 20, 0, tzinfo=LONDON)
    for index in range(20):
        consult(coordinator, 6000 + index, start)
    find_unusual_access(now=RUN)
    find_unusual_access(now=RUN + timedelta(minutes=5))
    assert UnusualAccess.objects.count() == 1


def test_the_job_is_scheduled_by_name():
    from stalking_hub.celery import app

    entries = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert "cases.find_unusual_access" in entries


@pytest.mark.parametrize(
    "persona", ["coordinator", "tactical_lead", "information_manager"], indirect=True
)
def test_only_the_auditor_sees_the_lists(client, persona, auditor):
    client.force_login(persona)
    assert client.get(reverse("cases:unusual_access")).status_code == 404
    assert client.get(reverse("cases:break_glass_list")).status_code == 404
    client.force_login(auditor)
    assert client.get(reverse("cases:unusual_access")).status_code == 200
    assert client.get(reverse("cases:break_glass_list")).status_code == 200

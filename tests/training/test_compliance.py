"""Compliance states at their edges (frozen time), who a requirement applies to, and the counts
and trend the page shows."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.utils import timezone

from foundation.lib.working_time import LONDON
from tests.factories import AgencyFactory
from tests.factories.training import (
    CourseFactory,
    EnrolmentFactory,
    RequirementFactory,
    SessionFactory,
    TeamFactory,
    TraineeFactory,
    completion,
)
from training import compliance
from training.compliance import Scope, counts_by_day, counts_by_team, person_states
from training.models import Enrolment
from training.selectors import compliance_overview, month_ends

pytestmark = pytest.mark.django_db

EVERYONE = Scope(all_teams=True)


def state_on(trainee, day: date) -> str:
    [item] = [s for s in person_states(EVERYONE, today=day) if s.trainee_id == trainee.pk]
    return item.state


@pytest.fixture
def course():
    return CourseFactory(title="FOUR awareness", validity_months=24)


@pytest.fixture
def trainee(course):
    person = TraineeFactory(role="Control room operator")
    RequirementFactory(course=course, role="control room operator")
    return person


def frozen(day: date):
    return time_machine.travel(
        datetime.combine(day, datetime.min.time(), tzinfo=LONDON).replace(hour=12)
    )


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2024, 2, 29), "never"),  # the day before the course
        (date(2024, 3, 1), "current"),  # completed today
        (date(2025, 12, 30), "current"),  # 61 days before expiry
        (date(2025, 12, 31), "due"),  # exactly 60 days before: due
        (date(2026, 2, 28), "due"),  # the last valid day
        (date(2026, 3, 1), "expired"),  # the day the certificate expires
        (date(2027, 1, 1), "expired"),
    ],
)
def test_states_at_their_edges_with_frozen_time(trainee, course, today, expected):
    completion(trainee, course, on=date(2024, 3, 1))
    with frozen(today):
        assert timezone.localdate() == today
        assert state_on(trainee, timezone.localdate()) == expected


def test_expiry_date_is_the_completion_plus_validity(trainee, course):
    completion(trainee, course, on=date(2024, 2, 29))
    [item] = person_states(EVERYONE, today=date(2025, 1, 1))
    assert item.last_done == date(2024, 2, 29)
    assert item.expires_on == date(2026, 2, 28)  # a leap day's anniversary ends in February


def test_a_course_that_never_expires_stays_current(trainee, course):
    course.validity_months = None
    course.save()
    completion(trainee, course, on=date(2010, 1, 1))
    assert state_on(trainee, date(2030, 1, 1)) == "current"


def test_the_latest_completion_counts(trainee, course):
    completion(trainee, course, on=date(2022, 1, 10))
    completion(trainee, course, on=date(2024, 1, 10))
    assert state_on(trainee, date(2025, 1, 1)) == "current"
    [item] = person_states(EVERYONE, today=date(2025, 1, 1))
    assert item.expires_on == date(2026, 1, 10)


def test_attended_counts_only_where_attending_completes(trainee, course):
    session = SessionFactory(course=course, starts_at=datetime(2025, 6, 1, 10, tzinfo=LONDON))
    EnrolmentFactory(session=session, trainee=trainee, status=Enrolment.Status.ATTENDED)
    assert state_on(trainee, date(2025, 7, 1)) == "current"
    course.attendance_completes = False
    course.save()
    assert state_on(trainee, date(2025, 7, 1)) == "never"


@pytest.mark.parametrize(
    "status",
    [Enrolment.Status.REGISTERED, Enrolment.Status.DID_NOT_ATTEND, Enrolment.Status.CANCELLED],
)
def test_bookings_without_attendance_do_not_count(trainee, course, status):
    session = SessionFactory(course=course, starts_at=datetime(2025, 6, 1, 10, tzinfo=LONDON))
    EnrolmentFactory(session=session, trainee=trainee, status=status)
    assert state_on(trainee, date(2025, 7, 1)) == "never"


def test_the_session_date_is_the_london_date(trainee, course):
    # 23:30 UTC on 31 March 2024 is 00:30 on 1 April in London (BST).
    session = SessionFactory(course=course, starts_at=datetime(2024, 3, 31, 23, 30, tzinfo=UTC))
    EnrolmentFactory(session=session, trainee=trainee, completed=True)
    [item] = person_states(EVERYONE, today=date(2024, 4, 2))
    assert item.last_done == date(2024, 4, 1)


def test_who_a_requirement_applies_to():
    force = AgencyFactory(name="Home Force")
    council = AgencyFactory(name="District Council", kind="local_authority")
    control_room = TeamFactory(name="Force control room", organisation=force)
    neighbourhood = TeamFactory(name="Neighbourhood North", organisation=force)
    by_role, by_team, by_org = (CourseFactory() for _ in range(3))
    RequirementFactory(course=by_role, role="Supervisor")
    RequirementFactory(course=by_team, team=control_room)
    RequirementFactory(course=by_org, organisation=council)
    supervisor = TraineeFactory(role="SUPERVISOR", team=neighbourhood)
    operator = TraineeFactory(role="Operator", team=control_room)
    council_officer = TraineeFactory(role="Officer", team=None, organisation=council)
    bystander = TraineeFactory(role="Officer", team=neighbourhood)
    required = {
        (s.trainee_id, s.course_id) for s in person_states(EVERYONE, today=date(2026, 1, 1))
    }
    assert required == {
        (supervisor.pk, by_role.pk),
        (operator.pk, by_team.pk),
        (council_officer.pk, by_org.pk),
    }
    assert bystander.pk not in {trainee for trainee, _ in required}


def test_two_requirements_for_one_course_count_once(course):
    team = TeamFactory()
    person = TraineeFactory(role="Supervisor", team=team)
    RequirementFactory(course=course, role="supervisor")
    RequirementFactory(course=course, team=team)
    assert len(person_states(EVERYONE, today=date(2026, 1, 1))) == 1
    assert counts_by_team(EVERYONE, today=date(2026, 1, 1))[team.pk].never == 1
    assert person.pk


def test_leavers_and_retired_courses_are_not_counted(trainee, course):
    trainee.is_active = False
    trainee.save()
    assert person_states(EVERYONE, today=date(2026, 1, 1)) == []
    trainee.is_active = True
    trainee.save()
    course.is_active = False
    course.save()
    assert person_states(EVERYONE, today=date(2026, 1, 1)) == []


def test_counts_per_team_and_scope(course):
    north, south = TeamFactory(name="North"), TeamFactory(name="South")
    RequirementFactory(course=course, role="officer")
    current = TraineeFactory(role="Officer", team=north)
    due = TraineeFactory(role="Officer", team=north)
    expired = TraineeFactory(role="Officer", team=south)
    TraineeFactory(role="Officer", team=south)  # never trained
    TraineeFactory(role="Officer", team=None)  # on no team
    completion(current, course, on=date(2025, 6, 1))
    completion(due, course, on=date(2024, 2, 1))
    completion(expired, course, on=date(2023, 1, 1))
    today = date(2026, 1, 1)
    counts = counts_by_team(EVERYONE, today=today)
    assert (counts[north.pk].current, counts[north.pk].due) == (1, 1)
    assert (counts[south.pk].expired, counts[south.pk].never) == (1, 1)
    assert counts[None].never == 1
    assert counts[north.pk].percent == 100
    assert counts[south.pk].percent == 0
    only_south = counts_by_team(Scope(team_ids=(south.pk,)), today=today)
    assert set(only_south) == {south.pk}


def test_trend_by_month_reads_the_state_at_each_month_end(trainee, course):
    completion(trainee, course, on=date(2025, 3, 15))
    days = month_ends(date(2025, 5, 20), months=4)
    assert days == [date(2025, 2, 28), date(2025, 3, 31), date(2025, 4, 30), date(2025, 5, 20)]
    trend = counts_by_day(EVERYONE, days=days)
    assert [trend[day].compliant for day in days] == [0, 1, 1, 1]
    assert [trend[day].never for day in days] == [1, 0, 0, 0]


def test_overview_for_a_manager_holds_only_their_team(course):
    from tests.factories import UserFactory

    manager = UserFactory(roles=["officer"], is_manager=True)
    mine, other = TeamFactory(name="Mine"), TeamFactory(name="Other")
    mine.managers.add(manager)
    RequirementFactory(course=course, role="officer")
    TraineeFactory(role="Officer", team=mine)
    TraineeFactory(role="Officer", team=other)
    TraineeFactory(role="Officer", team=None)
    overview = compliance_overview(manager, today=date(2026, 1, 1))
    assert [row.name for row in overview.teams] == ["Mine"]
    assert overview.totals.total == 1
    assert overview.trend[-1][1].total == 1


def test_refresh_reminders_are_queued_once_per_expiry(trainee, course):
    completion(trainee, course, on=date(2024, 3, 1))
    assert compliance.queue_refresh_reminders(today=date(2025, 12, 30)) == 0
    assert compliance.queue_refresh_reminders(today=date(2025, 12, 31)) == 1
    assert compliance.queue_refresh_reminders(today=date(2026, 1, 15)) == 0
    # A refresher taken and expiring again later makes a new reminder.
    completion(trainee, course, on=date(2026, 2, 1))
    assert compliance.queue_refresh_reminders(today=date(2027, 12, 15)) == 1

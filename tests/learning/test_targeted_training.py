"""Targeted training from the gap report, and the before-and-after comparison."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from foundation.lib.working_time import LONDON
from foundation.outbox.models import OutboxMessage
from learning.comparison import MIN_LOGS, Side, compare
from learning.models import TargetedTraining
from learning.selectors import before_after, training_days
from tests.factories import UserFactory
from tests.factories.training import (
    EnrolmentFactory,
    SessionFactory,
    TeamFactory,
    TraineeFactory,
)
from tests.learning.conftest import decided
from training.models import Enrolment, Requirement

pytestmark = pytest.mark.django_db

TRAINED = datetime(2026, 6, 15, 9, 30, tzinfo=LONDON)


def test_two_proportion_comparison_by_hand():
    # Before: 6 gaps of 12 (0.5); after: 3 of 15 (0.2). d = -0.3;
    # se = sqrt(0.5*0.5/12 + 0.2*0.8/15) = sqrt(0.0208333 + 0.0106667) = sqrt(0.0315) = 0.177482
    result = compare(trained_on=date(2026, 6, 15), before=Side(12, 6), after=Side(15, 3))
    assert not result.too_few
    assert result.difference == pytest.approx(-0.3)
    assert result.low == pytest.approx(-0.3 - 1.96 * math.sqrt(0.0315))
    assert result.low == pytest.approx(-0.647865, abs=1e-6)
    assert result.high == pytest.approx(0.047865, abs=1e-6)
    assert result.verdict == "No clear change"
    assert result.difference_label == "-30.0 points (-64.8 to +4.8)"


def test_a_clear_fall_and_too_few_logs():
    clear = compare(trained_on=date(2026, 6, 1), before=Side(40, 30), after=Side(40, 8))
    assert clear.high is not None
    assert clear.high < 0
    assert clear.verdict == "Fewer gaps after training"
    few = compare(trained_on=date(2026, 6, 1), before=Side(MIN_LOGS - 1, 9), after=Side(50, 1))
    assert few.too_few
    assert few.difference is None
    assert few.verdict.startswith("Too few logs to tell")


def test_before_after_counts_the_team_logs_in_the_three_months_each_side(coordinator):
    team = TeamFactory()
    TraineeFactory(team=team, staff_number="PC1")
    TraineeFactory(team=TeamFactory(), staff_number="PC2")  # another team's officer
    session = SessionFactory(starts_at=TRAINED)
    TargetedTraining.objects.create(team=team, session=session, by=coordinator)
    start_before = datetime(2026, 3, 15, 0, 0, tzinfo=LONDON)
    for i in range(12):  # 6 gaps of 12 before
        decided(officer="PC1", at=start_before + timedelta(days=i * 7), tagged=i % 2 == 0)
    for i in range(15):  # 3 gaps of 15 after, from the training day itself
        decided(officer="PC1", at=TRAINED + timedelta(days=i * 6), tagged=i >= 3)
    # Outside the windows, or another team's: not counted.
    decided(officer="PC1", at=datetime(2026, 3, 14, 23, 0, tzinfo=LONDON), tagged=False)
    decided(officer="PC1", at=datetime(2026, 9, 15, 0, 30, tzinfo=LONDON), tagged=False)
    decided(officer="PC2", at=TRAINED, tagged=False)

    [result] = before_after(team, now=datetime(2026, 12, 1, tzinfo=UTC))
    assert result.trained_on == date(2026, 6, 15)
    assert (result.before.decided, result.before.gaps) == (12, 6)
    assert (result.after.decided, result.after.gaps) == (15, 3)
    assert result.difference == pytest.approx(-0.3)
    assert not result.after_incomplete


def test_before_after_says_too_few_with_few_logs(coordinator):
    team = TeamFactory()
    TraineeFactory(team=team, staff_number="PC1")
    TargetedTraining.objects.create(
        team=team, session=SessionFactory(starts_at=TRAINED), by=coordinator
    )
    decided(officer="PC1", at=TRAINED - timedelta(days=10), tagged=False)
    decided(officer="PC1", at=TRAINED + timedelta(days=10), tagged=True)
    [result] = before_after(team, now=datetime(2026, 12, 1, tzinfo=UTC))
    assert result.too_few
    assert (result.before.decided, result.after.decided) == (1, 1)


def test_training_dates_are_days_half_the_team_attended_or_it_was_invited(client, coordinator):
    team = TeamFactory()
    people = [TraineeFactory(team=team, staff_number=f"PC{n}") for n in range(4)]
    TraineeFactory(team=team, staff_number="PC9", is_active=False)  # a leaver: not counted
    now = datetime(2026, 12, 1, tzinfo=UTC)
    # 8 June: two of four attended two different courses' sessions that day: a training date.
    for person, hour in ((people[0], 9), (people[1], 14)):
        session = SessionFactory(starts_at=datetime(2026, 6, 8, hour, tzinfo=LONDON))
        EnrolmentFactory(session=session, trainee=person, completed=True)
    # 9 July: one of four attended, two booked did not come, a third only registered: not one.
    july = SessionFactory(starts_at=datetime(2026, 7, 9, 9, tzinfo=LONDON))
    EnrolmentFactory(session=july, trainee=people[0], attended=True)
    EnrolmentFactory(session=july, trainee=people[1], no_show=True)
    EnrolmentFactory(session=july, trainee=people[2], no_show=True)
    EnrolmentFactory(session=july, trainee=people[3])
    # A cancelled session and one still to come, with the whole team: neither is one.
    for starts, extra in (
        (datetime(2026, 8, 3, 9, tzinfo=LONDON), {"status": "cancelled"}),
        (datetime(2026, 12, 10, 9, tzinfo=LONDON), {}),
    ):
        session = SessionFactory(starts_at=starts, **extra)
        for person in people:
            EnrolmentFactory(session=session, trainee=person, completed=True)
    # Invited from the report on 1 October: a training date whoever came.
    october = SessionFactory(starts_at=datetime(2026, 10, 1, 9, tzinfo=LONDON))
    TargetedTraining.objects.create(team=team, session=october, by=coordinator)
    # At 23:30 on 30 September (UTC) it is 00:30 on 1 October in London: the same day.
    late = SessionFactory(starts_at=datetime(2026, 9, 30, 23, 30, tzinfo=UTC))
    EnrolmentFactory(session=late, trainee=people[2], completed=True)

    days = training_days(team, now=now)
    assert [(d.day, d.attended, d.roster, d.invited) for d in days] == [
        (date(2026, 6, 8), 2, 4, False),
        (date(2026, 10, 1), 1, 4, True),
    ]
    assert [c.trained_on for c in before_after(team, now=now)] == [
        date(2026, 6, 8),
        date(2026, 10, 1),
    ]
    client.force_login(coordinator)
    page = client.get(reverse("learning:team", args=[team.pk])).content.decode()
    assert "2 of 4 attended</td>" in page
    assert "1 of 4 attended; invited from this page" in page


@pytest.fixture
def upcoming_session():
    return SessionFactory(starts_at=timezone.now() + timedelta(days=14), capacity=3)


@pytest.mark.parametrize("persona", ["coordinator", "trainer"], indirect=True)
def test_invite_a_team_books_its_roster_and_notifies_those_with_accounts(
    client, persona, upcoming_session
):
    team = TeamFactory()
    with_account = TraineeFactory(team=team, user=UserFactory(email="pc.one@force.example"))
    TraineeFactory(team=team)
    TraineeFactory(team=team, is_active=False)  # a leaver is not booked
    client.force_login(persona)
    response = client.post(
        reverse("learning:team_invite", args=[team.pk]), {"session": upcoming_session.pk}
    )
    assert response.status_code == 302
    booked = Enrolment.objects.filter(session=upcoming_session)
    assert booked.count() == 2
    targeted = TargetedTraining.objects.get(team=team, session=upcoming_session)
    assert targeted.booked == 2
    message = OutboxMessage.objects.get(handler="training.send_team_invited_email")
    assert with_account.pk in message.kwargs["trainee_ids"]


def test_inviting_a_team_larger_than_the_places_left_books_nobody(client, coordinator):
    session = SessionFactory(starts_at=timezone.now() + timedelta(days=14), capacity=1)
    team = TeamFactory()
    TraineeFactory(team=team)
    TraineeFactory(team=team)
    client.force_login(coordinator)
    response = client.post(
        reverse("learning:team_invite", args=[team.pk]), {"session": session.pk}, follow=True
    )
    assert "1 places left for 2 people" in response.content.decode()
    assert not Enrolment.objects.filter(session=session).exists()
    assert not TargetedTraining.objects.exists()


def test_coordinator_sets_a_requirement_for_a_team(client, coordinator):
    from tests.factories.training import CourseFactory

    team, course = TeamFactory(), CourseFactory()
    client.force_login(coordinator)
    client.post(reverse("learning:team_require", args=[team.pk]), {"course": course.pk})
    assert Requirement.objects.filter(team=team, course=course).exists()
    again = client.post(
        reverse("learning:team_require", args=[team.pk]), {"course": course.pk}, follow=True
    )
    assert "That requirement already exists." in again.content.decode()
    assert Requirement.objects.filter(team=team, course=course).count() == 1


@pytest.mark.parametrize(
    "persona", ["solicitor", "isac", "partner", "champion", "officer", "auditor"], indirect=True
)
def test_others_cannot_target_training(client, persona, upcoming_session):
    team = TeamFactory()
    TraineeFactory(team=team)
    client.force_login(persona)
    response = client.post(
        reverse("learning:team_invite", args=[team.pk]), {"session": upcoming_session.pk}
    )
    assert response.status_code == 404
    assert not Enrolment.objects.exists()

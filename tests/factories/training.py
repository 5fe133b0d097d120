"""Factories for training (synthetic names throughout).

SessionFactory(course=course, starts_at=...)      # a scheduled session
EnrolmentFactory(session=session, completed=True)  # a completion on the session's date
completion(trainee, course, on=date(2024, 3, 1))   # a completed session on that day
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import factory

from foundation.accounts.models import Agency
from foundation.lib.working_time import LONDON
from tests.factories.accounts import AgencyFactory
from training.models import (
    Area,
    Course,
    CpdActivity,
    Enrolment,
    Requirement,
    Session,
    Team,
    Trainee,
)

STARTS_AT = datetime(2026, 3, 10, 9, 30, tzinfo=LONDON)


class AreaFactory(factory.django.DjangoModelFactory[Area]):
    class Meta:
        model = Area
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Area {n}")


class CourseFactory(factory.django.DjangoModelFactory[Course]):
    class Meta:
        model = Course

    title = factory.Sequence(lambda n: f"Stalking awareness {n}")
    audience = "Officers and staff"
    duration_hours = Decimal(3)
    cpd_hours = Decimal(3)
    validity_months = 24


class TeamFactory(factory.django.DjangoModelFactory[Team]):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Neighbourhood team {n}")
    organisation = factory.SubFactory(
        AgencyFactory, name="Home Force", kind=Agency.Kind.POLICE_FORCE
    )


class TraineeFactory(factory.django.DjangoModelFactory[Trainee]):
    class Meta:
        model = Trainee

    name = factory.Sequence(lambda n: f"Trainee Person {n}")
    staff_number = factory.Sequence(lambda n: f"S{n:05d}")
    email = factory.Sequence(lambda n: f"trainee{n}@example.test")
    role = "Neighbourhood officer"
    team = factory.SubFactory(TeamFactory)
    organisation = factory.LazyAttribute(lambda o: o.team.organisation if o.team else None)
    source = Trainee.Source.ROSTER


class SessionFactory(factory.django.DjangoModelFactory[Session]):
    class Meta:
        model = Session

    course = factory.SubFactory(CourseFactory)
    starts_at = STARTS_AT
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=3))
    location = "Training room 2, Force HQ"
    capacity = 20

    class Params:
        cancelled = factory.Trait(status=Session.Status.CANCELLED)


class EnrolmentFactory(factory.django.DjangoModelFactory[Enrolment]):
    class Meta:
        model = Enrolment

    session = factory.SubFactory(SessionFactory)
    trainee = factory.SubFactory(TraineeFactory)
    status = Enrolment.Status.REGISTERED

    class Params:
        completed = factory.Trait(status=Enrolment.Status.COMPLETED)
        attended = factory.Trait(status=Enrolment.Status.ATTENDED)
        no_show = factory.Trait(status=Enrolment.Status.DID_NOT_ATTEND)


class RequirementFactory(factory.django.DjangoModelFactory[Requirement]):
    class Meta:
        model = Requirement

    course = factory.SubFactory(CourseFactory)


class CpdActivityFactory(factory.django.DjangoModelFactory[CpdActivity]):
    class Meta:
        model = CpdActivity

    activity = "Stalking conference"
    done_on = date(2026, 3, 1)
    hours = Decimal(6)


def completion(trainee: Trainee, course: Course, *, on: date) -> Enrolment:
    """A completed session of `course` on the day `on` (09:30 London)."""
    starts = datetime.combine(on, time(9, 30), tzinfo=LONDON)
    return EnrolmentFactory(
        session=SessionFactory(course=course, starts_at=starts),
        trainee=trainee,
        status=Enrolment.Status.COMPLETED,
    )

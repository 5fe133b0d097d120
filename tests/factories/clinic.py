"""Factories for the clinic: referrals, meetings, invitees, agenda items, actions."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import factory

from clinic.models import (
    Action,
    AgendaItem,
    ClinicMeeting,
    ClinicReferral,
    Invitee,
)
from tests.factories.accounts import AgencyFactory, UserFactory
from tests.factories.cases import CaseFactory


class ClinicReferralFactory(factory.django.DjangoModelFactory[ClinicReferral]):
    class Meta:
        model = ClinicReferral

    case = factory.SubFactory(CaseFactory)
    criterion = ClinicReferral.Criterion.HIGH_RISK
    priority = ClinicReferral.Priority.STANDARD
    state = ClinicReferral.State.ACCEPTED
    reason = "Synthetic: high risk on the hub's assessment."
    referred_at = factory.LazyFunction(lambda: datetime.now(UTC))


class ClinicMeetingFactory(factory.django.DjangoModelFactory[ClinicMeeting]):
    class Meta:
        model = ClinicMeeting

    kind = ClinicMeeting.Kind.ONE_OFF
    starts_at = factory.LazyFunction(lambda: datetime.now(UTC) + timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=3))
    location = factory.Sequence(lambda n: f"Room {n}")
    capacity = 10
    minutes_per_case = 15


class InviteeFactory(factory.django.DjangoModelFactory[Invitee]):
    class Meta:
        model = Invitee

    meeting = factory.SubFactory(ClinicMeetingFactory)
    user = factory.SubFactory(UserFactory)


class AgendaItemFactory(factory.django.DjangoModelFactory[AgendaItem]):
    class Meta:
        model = AgendaItem

    meeting = factory.SubFactory(ClinicMeetingFactory)
    referral = factory.SubFactory(ClinicReferralFactory)
    case = factory.LazyAttribute(lambda o: o.referral.case)
    position = 0
    slot_starts_at = factory.LazyAttribute(lambda o: o.meeting.starts_at)


class ActionFactory(factory.django.DjangoModelFactory[Action]):
    class Meta:
        model = Action

    item = factory.SubFactory(AgendaItemFactory)
    case = factory.LazyAttribute(lambda o: o.item.case)
    description = "Synthetic: check bail conditions."
    owner_agency = factory.SubFactory(AgencyFactory)
    due_on = factory.LazyFunction(lambda: date.today() + timedelta(days=14))
    created_by = factory.SubFactory(UserFactory, roles=["coordinator"])

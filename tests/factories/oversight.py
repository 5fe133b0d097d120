"""Factories for investigative oversight: plans (lines from the checklist), directions, reviews
and role covers. Synthetic text throughout."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import factory

from foundation.accounts.models import Role, RoleCover
from oversight.models import Direction, InvestigationPlan, OversightReview, PlanLine
from tests.factories.accounts import UserFactory
from tests.factories.cases import CaseFactory

GIVEN_AT = datetime(2026, 5, 11, 9, 0, tzinfo=UTC)


class InvestigationPlanFactory(factory.django.DjangoModelFactory[InvestigationPlan]):
    class Meta:
        model = InvestigationPlan

    case = factory.SubFactory(CaseFactory)
    created_by = factory.SubFactory(UserFactory, roles=[Role.TACTICAL_LEAD])
    created_at = GIVEN_AT


class PlanLineFactory(factory.django.DjangoModelFactory[PlanLine]):
    class Meta:
        model = PlanLine

    plan = factory.SubFactory(InvestigationPlanFactory)
    title = factory.Sequence(lambda n: f"Line of enquiry {n}")
    position = factory.Sequence(lambda n: n)


class DirectionFactory(factory.django.DjangoModelFactory[Direction]):
    class Meta:
        model = Direction

    case = factory.SubFactory(CaseFactory)
    officer = factory.SubFactory(UserFactory, roles=[Role.OFFICER])
    text = "Obtain the CCTV from the victim's workplace car park."
    due_on = date(2026, 5, 20)
    given_by = factory.SubFactory(UserFactory, roles=[Role.TACTICAL_LEAD])
    given_at = GIVEN_AT
    next_chase_on = factory.LazyAttribute(lambda o: o.due_on + timedelta(days=1))


class OversightReviewFactory(factory.django.DjangoModelFactory[OversightReview]):
    class Meta:
        model = OversightReview

    case = factory.SubFactory(CaseFactory)
    summary = "Investigation on track; CCTV requested; SPO to be considered at the next review."
    reviewed_by = factory.SubFactory(UserFactory, roles=[Role.TACTICAL_LEAD])
    reviewed_at = GIVEN_AT
    next_review_on = factory.LazyAttribute(lambda o: o.reviewed_at.date() + timedelta(days=14))


class RoleCoverFactory(factory.django.DjangoModelFactory[RoleCover]):
    """A cover row as the services would write it (bypassing the rules: use
    foundation.accounts.cover.create_cover in tests of the rules)."""

    class Meta:
        model = RoleCover
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory, roles=[Role.COORDINATOR])
    role = Role.TACTICAL_LEAD
    covered_user = factory.SubFactory(UserFactory, roles=[Role.TACTICAL_LEAD])
    starts_at = GIVEN_AT
    ends_at = GIVEN_AT + timedelta(days=7)
    approved_by = factory.SubFactory(UserFactory, roles=[Role.ADMIN])

    @factory.post_generation
    def _covering_until(obj: RoleCover, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            from foundation.accounts.cover import note_covering_until

            note_covering_until(obj.user_id)
            obj.user.refresh_from_db()

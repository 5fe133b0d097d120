"""Factories for referrals, ISAC casework and advice requests (synthetic text throughout).

States are traits; they set the fields the services would set, without the transition
history (tests of history go through the services):

    ReferralFactory(agency=isac_service, active=True, caseworker=isac)
    AdviceRequestFactory(requester=champion, answered=True)
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import factory

from foundation.accounts.models import Agency
from referrals.models import (
    AdviceCategory,
    AdviceRequest,
    Contact,
    Guidance,
    OutcomeMeasure,
    Referral,
    SafetyPlan,
)
from tests.factories.accounts import AgencyFactory, UserFactory
from tests.factories.cases import CaseFactory

SENT_AT = datetime(2026, 5, 11, 9, 0, tzinfo=UTC)


class ReferralFactory(factory.django.DjangoModelFactory[Referral]):
    class Meta:
        model = Referral

    case = factory.SubFactory(CaseFactory)
    agency = factory.SubFactory(
        AgencyFactory, name="Home Stalking Advocacy", kind=Agency.Kind.ISAC_SERVICE
    )
    state = Referral.State.DRAFT
    urgency = Referral.Urgency.ROUTINE
    reason = "Repeated unwanted contact; the victim asks for specialist advocacy."
    consent = Referral.Consent.GIVEN
    shared_items = factory.LazyFunction(
        lambda: [Referral.SharedItem.CASE_SUMMARY, Referral.SharedItem.VICTIM_CONTACT]
    )
    safe_contact = "Never leave voicemail. Text first from a withheld number."
    referred_by = factory.SubFactory(UserFactory, roles=["coordinator"])

    class Params:
        sent = factory.Trait(
            state=Referral.State.SENT,
            sent_at=SENT_AT,
            state_changed_at=SENT_AT,
            response_due_at=SENT_AT + timedelta(days=2),
        )
        accepted = factory.Trait(
            state=Referral.State.ACCEPTED,
            sent_at=SENT_AT,
            response_due_at=SENT_AT + timedelta(days=2),
            decided_at=SENT_AT + timedelta(hours=3),
        )
        active = factory.Trait(
            state=Referral.State.ACTIVE,
            sent_at=SENT_AT,
            response_due_at=SENT_AT + timedelta(days=2),
            decided_at=SENT_AT + timedelta(hours=3),
            allocated_at=SENT_AT + timedelta(hours=4),
        )
        declined = factory.Trait(
            state=Referral.State.DECLINED,
            sent_at=SENT_AT,
            decided_at=SENT_AT + timedelta(hours=3),
            decline_reason="Outside our service area.",
        )
        closed = factory.Trait(
            state=Referral.State.CLOSED,
            sent_at=SENT_AT,
            decided_at=SENT_AT + timedelta(hours=3),
            closed_at=SENT_AT + timedelta(days=60),
            closure_reason=Referral.ClosureReason.SUPPORT_COMPLETED,
        )
        without_consent = factory.Trait(
            consent=Referral.Consent.REFUSED,
            lawful_basis=Referral.LawfulBasis.RISK_OF_SERIOUS_HARM,
            lawful_reason="Escalating threats; the risk to life outweighs the refusal.",
            authorised_by=factory.SubFactory(UserFactory, roles=["tactical_lead"]),
        )
        to_probation = factory.Trait(
            agency=factory.SubFactory(
                AgencyFactory, name="Home Probation", kind=Agency.Kind.PROBATION
            )
        )


class ContactFactory(factory.django.DjangoModelFactory[Contact]):
    class Meta:
        model = Contact

    referral = factory.SubFactory(ReferralFactory, active=True)
    contact_at = factory.LazyFunction(lambda: datetime(2026, 5, 12, 10, 0, tzinfo=UTC))
    channel = Contact.Channel.PHONE
    outcome = Contact.Outcome.MADE
    notes = "Talked through the safety plan."
    recorded_by = factory.SubFactory(UserFactory, roles=["isac"])

    class Params:
        attempted = factory.Trait(outcome=Contact.Outcome.ATTEMPTED, notes="No answer.")


class SafetyPlanFactory(factory.django.DjangoModelFactory[SafetyPlan]):
    class Meta:
        model = SafetyPlan

    referral = factory.SubFactory(ReferralFactory, active=True)
    version = 1
    is_current = True
    measures = "Vary the route to work; keep a diary of incidents."
    responsibilities = "Victim keeps the diary; caseworker calls weekly."
    review_on = factory.LazyFunction(lambda: date(2026, 6, 1))
    created_by = factory.SubFactory(UserFactory, roles=["isac"])


class OutcomeMeasureFactory(factory.django.DjangoModelFactory[OutcomeMeasure]):
    class Meta:
        model = OutcomeMeasure

    referral = factory.SubFactory(ReferralFactory, active=True)
    stage = OutcomeMeasure.Stage.INTAKE
    abuse = OutcomeMeasure.Abuse.CONTINUING
    feels_safe = 2
    quality_of_life = 2
    recorded_by = factory.SubFactory(UserFactory, roles=["isac"])

    class Params:
        exit = factory.Trait(
            stage=OutcomeMeasure.Stage.EXIT,
            abuse=OutcomeMeasure.Abuse.STOPPED,
            feels_safe=4,
            quality_of_life=4,
        )


class AdviceRequestFactory(factory.django.DjangoModelFactory[AdviceRequest]):
    class Meta:
        model = AdviceRequest

    requester = factory.SubFactory(UserFactory, roles=["officer"])
    category = AdviceCategory.INVESTIGATION
    urgency = AdviceRequest.Urgency.ROUTINE
    question = "Does a course of conduct need two incidents against the same victim?"
    submitted_at = factory.LazyFunction(lambda: datetime(2026, 5, 11, 9, 0, tzinfo=UTC))
    due_at = factory.LazyAttribute(lambda o: o.submitted_at + timedelta(days=1))
    due_soon_at = factory.LazyAttribute(lambda o: o.due_at - timedelta(hours=1))

    class Params:
        urgent = factory.Trait(
            urgency=AdviceRequest.Urgency.URGENT,
            due_at=factory.LazyAttribute(lambda o: o.submitted_at + timedelta(hours=4)),
        )
        legal = factory.Trait(category=AdviceCategory.SPO_LEGAL)
        answered = factory.Trait(
            answer="Yes: two or more incidents make a course of conduct.",
            answered_by=factory.SubFactory(UserFactory, roles=["coordinator"]),
            answered_at=factory.LazyAttribute(lambda o: o.submitted_at + timedelta(hours=2)),
        )
        rated = factory.Trait(
            answered=True,
            rating=AdviceRequest.Rating.USEFUL,
            rated_at=factory.LazyAttribute(lambda o: o.submitted_at + timedelta(hours=5)),
        )


class GuidanceFactory(factory.django.DjangoModelFactory[Guidance]):
    class Meta:
        model = Guidance

    title = factory.Sequence(lambda n: f"Frequently asked question {n}")
    body = "Record stalking where the behaviour is fixated, obsessive, unwanted and repeated."
    category = AdviceCategory.RECORDING
    is_published = True
    created_by = factory.SubFactory(UserFactory, roles=["coordinator"])

    class Params:
        draft = factory.Trait(is_published=False)

"""Factories for the case file: people, crime logs and their parties, signals, reviews, cases.

Names and narratives are synthetic. `CrimeLogFactory` takes `victim=`/`suspect=` shortcuts
through `LogPartyFactory` traits; e.g.

    victim, suspect = PersonFactory(), PersonFactory()
    log = CrimeLogFactory(harassment=True)
    LogPartyFactory(log=log, victim=True, person=victim)
    LogPartyFactory(log=log, suspect=True, person=suspect)
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import factory

from cases.models import (
    Case,
    CrimeLog,
    FeedImport,
    LogParty,
    LogReview,
    LogSignal,
    PartyRole,
    Person,
    PersonIdentifier,
    SignalKind,
)
from cases.names import normalise_name
from tests.factories.accounts import UserFactory


class PersonFactory(factory.django.DjangoModelFactory[Person]):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"Synthetic Person {n}")
    name_normalised = factory.LazyAttribute(lambda o: normalise_name(o.name))
    date_of_birth = factory.Sequence(lambda n: date(1960 + n % 40, 1 + n % 12, 1 + n % 28))

    class Params:
        no_dob = factory.Trait(date_of_birth=None)


class PersonIdentifierFactory(factory.django.DjangoModelFactory[PersonIdentifier]):
    class Meta:
        model = PersonIdentifier

    person = factory.SubFactory(PersonFactory)
    source = "rms"
    value = factory.Sequence(lambda n: f"P{n:08d}")


class FeedImportFactory(factory.django.DjangoModelFactory[FeedImport]):
    class Meta:
        model = FeedImport

    source = "rms"
    file_name = factory.Sequence(lambda n: f"feed-{n}.csv")
    file_format = "csv"
    file_size = 1024
    checksum = factory.Sequence(lambda n: f"{n:064x}")
    origin = FeedImport.Origin.COMMAND
    status = FeedImport.Status.QUEUED

    class Params:
        running = factory.Trait(
            status=FeedImport.Status.RUNNING,
            started_at=factory.LazyFunction(lambda: datetime.now(UTC)),
        )
        done = factory.Trait(
            status=FeedImport.Status.DONE,
            started_at=factory.LazyFunction(lambda: datetime.now(UTC)),
            finished_at=factory.LazyFunction(lambda: datetime.now(UTC)),
            bytes_read=1024,
            rows_processed=10,
            created=10,
        )
        refused = factory.Trait(
            status=FeedImport.Status.REFUSED, failure="The file has no reference column."
        )
        failed = factory.Trait(status=FeedImport.Status.FAILED, failure="The import stopped.")


class CrimeLogFactory(factory.django.DjangoModelFactory[CrimeLog]):
    class Meta:
        model = CrimeLog

    source = "rms"
    reference = factory.Sequence(lambda n: f"NS/25/{n:07d}")
    recorded_at = factory.LazyFunction(lambda: datetime(2025, 6, 1, 10, 0, tzinfo=UTC))
    offence_code = "195/94"
    offence = "Malicious communications"
    flags = factory.LazyFunction(list)
    area = "NS-NORTH"
    officer = "officer@northshire.police.example"
    relationship = "acquaintance"
    narrative = "IP reports that abusive comments were posted about her online."
    status = "open"

    class Params:
        stalking = factory.Trait(
            offence_code="8Q", offence="Stalking", flags=factory.LazyFunction(lambda: ["STALKING"])
        )
        harassment = factory.Trait(offence_code="8L", offence="Harassment")
        breach = factory.Trait(offence_code="8Q/2", offence="Breach of a stalking protection order")
        cross_border = factory.Trait(area="WM")
        ex_partner = factory.Trait(relationship="ex-partner")
        awaiting = factory.Trait(
            review_state=CrimeLog.ReviewState.AWAITING,
            signal_kinds=factory.LazyFunction(lambda: [SignalKind.STALKING_INDICATORS.value]),
        )
        high_risk = factory.Trait(
            review_state=CrimeLog.ReviewState.AWAITING,
            is_high_risk=True,
            signal_kinds=factory.LazyFunction(lambda: [SignalKind.ORDER_BREACH.value]),
        )
        reviewed = factory.Trait(review_state=CrimeLog.ReviewState.REVIEWED)


class LogPartyFactory(factory.django.DjangoModelFactory[LogParty]):
    class Meta:
        model = LogParty

    log = factory.SubFactory(CrimeLogFactory)
    role = PartyRole.VICTIM
    position = 0
    source_id = ""
    name = factory.LazyAttribute(
        lambda o: o.person.name if o.person is not None else "Synthetic Party"
    )
    name_normalised = factory.LazyAttribute(lambda o: normalise_name(o.name))
    date_of_birth = factory.LazyAttribute(
        lambda o: o.person.date_of_birth if o.person is not None else None
    )
    area = ""
    person = None

    class Params:
        victim = factory.Trait(role=PartyRole.VICTIM)
        suspect = factory.Trait(role=PartyRole.SUSPECT)
        witness = factory.Trait(role=PartyRole.WITNESS)
        linked = factory.Trait(person=factory.SubFactory(PersonFactory))


class LogSignalFactory(factory.django.DjangoModelFactory[LogSignal]):
    class Meta:
        model = LogSignal

    log = factory.SubFactory(CrimeLogFactory, awaiting=True)
    kind = SignalKind.STALKING_INDICATORS
    reason = "Narrative describes following, repeated unwanted contact"
    high_risk = False

    class Params:
        tagged = factory.Trait(kind=SignalKind.TAGGED_STALKING, reason="Recorded as stalking (8Q)")
        course_of_conduct = factory.Trait(
            kind=SignalKind.COURSE_OF_CONDUCT,
            reason="2 logs in 3 months against the same victim by the same suspect, "
            "none recorded as stalking",
        )
        breach = factory.Trait(
            kind=SignalKind.ORDER_BREACH,
            reason="Records the breach of an order (8Q/2)",
            high_risk=True,
        )
        cross_border = factory.Trait(
            kind=SignalKind.CROSS_BORDER, reason="Involves an area outside the hub: WM"
        )


class CaseFactory(factory.django.DjangoModelFactory[Case]):
    class Meta:
        model = Case

    reference = factory.Sequence(lambda n: f"SH-{n:05d}")
    owner = factory.SubFactory(UserFactory, roles=["coordinator"])
    relationship = "ex_partner"
    summary = "Synthetic case for tests."

    class Params:
        closed = factory.Trait(
            status=Case.Status.CLOSED,
            closed_at=factory.LazyFunction(lambda: datetime.now(UTC)),
            closure_reason=Case.ClosureReason.STALKING_STOPPED,
        )


class LogReviewFactory(factory.django.DjangoModelFactory[LogReview]):
    class Meta:
        model = LogReview

    log = factory.SubFactory(CrimeLogFactory, reviewed=True)
    outcome = LogReview.Outcome.NOT_STALKING
    reviewed_by = factory.SubFactory(UserFactory, roles=["coordinator"])

    class Params:
        confirmed = factory.Trait(
            outcome=LogReview.Outcome.CONFIRMED, case=factory.SubFactory(CaseFactory)
        )
        possible = factory.Trait(
            outcome=LogReview.Outcome.POSSIBLE,
            advice="Consider recording as stalking and completing a risk assessment.",
        )
        duplicate = factory.Trait(outcome=LogReview.Outcome.DUPLICATE)

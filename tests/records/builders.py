"""Records of every registered type, anchored on the date their retention rule counts from."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from cases.models import Case, Person
from learning.models import (
    Audience,
    Bulletin,
    BulletinRecipient,
    LearningPoint,
    SourceKind,
    Theme,
)
from legal.models import EndedReason, FileState, OrderFile, ProtectiveOrder
from tests.factories.accounts import UserFactory
from tests.factories.cases import CaseFactory, CrimeLogFactory, LogReviewFactory, PersonFactory
from tests.factories.clinic import ClinicReferralFactory
from tests.factories.oversight import InvestigationPlanFactory
from tests.factories.referrals import AdviceRequestFactory, ReferralFactory
from tests.factories.risk import RiskAssessmentFactory
from tests.factories.training import EnrolmentFactory, SessionFactory


def closed_case(at: datetime) -> Case:
    return CaseFactory(closed=True, closed_at=at)


def order_file(
    at: datetime, *, respondent: Person | None = None, case: Case | None = None
) -> OrderFile:
    """An ended file whose one order ran to `at`'s date (its fixed end)."""
    solicitor = UserFactory(roles=["solicitor"])
    file = OrderFile.objects.create(
        case=case or closed_case(at),
        respondent=respondent or PersonFactory(),
        state=FileState.ENDED,
        ended_reason=EndedReason.EXPIRED,
        ended_on=at.date().replace(year=at.year - 2),
        opened_by=solicitor,
    )
    ProtectiveOrder.objects.create(
        file=file,
        kind=ProtectiveOrder.Kind.FULL,
        made_on=at.date().replace(year=at.year - 2),
        fixed_end_on=at.date(),
        recorded_by=solicitor,
    )
    return file


def learning_point(at: datetime) -> LearningPoint:
    case = CaseFactory()
    return LearningPoint.objects.create(
        theme=Theme.RECORDING,
        source_kind=SourceKind.CASE_CLOSURE,
        source_id=case.pk,
        case=case,
        text="Record repeated unwanted contact as stalking.",
        raised_by=UserFactory(),
        raised_at=at,
    )


def bulletin_recipient(at: datetime) -> BulletinRecipient:
    bulletin = Bulletin.objects.create(
        title="Recording stalking",
        body="Record repeated unwanted contact as stalking.",
        audience=Audience.HUB_STAFF,
        state=Bulletin.State.PUBLISHED,
        created_by=UserFactory(),
        published_at=at,
    )
    return BulletinRecipient.objects.create(bulletin=bulletin, user=UserFactory(), emailed_at=at)


# For each record type: how to make a record whose rule counts from `at`.
BUILDERS: dict[str, Callable[[datetime], object]] = {
    "cases.crimelog": lambda at: CrimeLogFactory(updated_at=at),
    "cases.case": closed_case,
    "cases.logreview": lambda at: LogReviewFactory(reviewed_at=at),
    "risk.riskassessment": lambda at: RiskAssessmentFactory(case=closed_case(at)),
    "referrals.referral": lambda at: ReferralFactory(case=closed_case(at)),
    "referrals.advicerequest": lambda at: AdviceRequestFactory(
        submitted_at=at, answered=True, answered_at=at
    ),
    "clinic.clinicreferral": lambda at: ClinicReferralFactory(case=closed_case(at)),
    "legal.orderfile": order_file,
    "training.enrolment": lambda at: EnrolmentFactory(
        session=SessionFactory(starts_at=at.replace(hour=at.hour - 3), ends_at=at)
    ),
    "oversight.investigationplan": lambda at: InvestigationPlanFactory(case=closed_case(at)),
    "learning.learningpoint": learning_point,
    "learning.bulletinrecipient": bulletin_recipient,
}

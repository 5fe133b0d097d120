from tests.factories.accounts import AgencyFactory, UserFactory
from tests.factories.cases import (  # noqa: F401 - re-exported for other tests
    CaseFactory,
    CrimeLogFactory,
    FeedImportFactory,
    LogPartyFactory,
    LogReviewFactory,
    LogSignalFactory,
    PersonFactory,
    PersonIdentifierFactory,
)
from tests.factories.clinic import (  # noqa: F401
    ActionFactory,
    AgendaItemFactory,
    ClinicMeetingFactory,
    ClinicReferralFactory,
    InviteeFactory,
)
from tests.factories.oversight import (  # noqa: F401 - re-exported
    DirectionFactory,
    InvestigationPlanFactory,
    OversightReviewFactory,
    PlanLineFactory,
    RoleCoverFactory,
)
from tests.factories.referrals import AdviceRequestFactory, ReferralFactory  # noqa: F401
from tests.factories.risk import RiskAssessmentFactory  # noqa: F401 - re-exported

__all__ = ["AgencyFactory", "UserFactory"]

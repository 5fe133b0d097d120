"""Personas: one user per role, plus outsiders (same role, another agency)."""

from __future__ import annotations

import pytest

from foundation.accounts.models import Agency, Role, User
from tests.factories import AgencyFactory, UserFactory

HOME_FORCE = "Home Force"
ISAC_SERVICE = "Home Stalking Advocacy"
PROBATION = "Home Probation"


@pytest.fixture
def home_force(db) -> Agency:
    return AgencyFactory(name=HOME_FORCE, kind=Agency.Kind.POLICE_FORCE, code="HF")


@pytest.fixture
def isac_service(db) -> Agency:
    return AgencyFactory(name=ISAC_SERVICE, kind=Agency.Kind.ISAC_SERVICE)


@pytest.fixture
def probation(db) -> Agency:
    return AgencyFactory(name=PROBATION, kind=Agency.Kind.PROBATION)


@pytest.fixture
def other_agency(db) -> Agency:
    return AgencyFactory(name="Elsewhere Agency", kind=Agency.Kind.ISAC_SERVICE)


def _persona(role: str, agency: Agency, **extra: object) -> User:
    return UserFactory(
        email=f"{role}@{agency.pk}.example.test", roles=[role], agency=agency, **extra
    )


@pytest.fixture
def coordinator(home_force: Agency) -> User:
    return _persona(Role.COORDINATOR, home_force, is_srp_assessor=True)


@pytest.fixture
def tactical_lead(home_force: Agency) -> User:
    return _persona(Role.TACTICAL_LEAD, home_force)


@pytest.fixture
def solicitor(home_force: Agency) -> User:
    return _persona(Role.SOLICITOR, home_force)


@pytest.fixture
def isac(isac_service: Agency) -> User:
    return _persona(Role.ISAC, isac_service)


@pytest.fixture
def partner(probation: Agency) -> User:
    return _persona(Role.PARTNER, probation)


@pytest.fixture
def champion(home_force: Agency) -> User:
    return _persona(Role.CHAMPION, home_force)


@pytest.fixture
def officer(home_force: Agency) -> User:
    return _persona(Role.OFFICER, home_force)


@pytest.fixture
def trainer(home_force: Agency) -> User:
    return _persona(Role.TRAINER, home_force)


@pytest.fixture
def auditor(home_force: Agency) -> User:
    return _persona(Role.AUDITOR, home_force)


@pytest.fixture
def admin_user(home_force: Agency) -> User:
    return _persona(Role.ADMIN, home_force, is_staff=True, is_superuser=True)


@pytest.fixture
def outsider_isac(other_agency: Agency) -> User:
    """Same role as `isac`, another service: must see none of its casework."""
    return _persona(Role.ISAC, other_agency)


@pytest.fixture
def outsider_partner(db) -> User:
    return _persona(Role.PARTNER, AgencyFactory(name="Other Probation", kind=Agency.Kind.PROBATION))


ROLE_FIXTURES = [
    "coordinator",
    "tactical_lead",
    "solicitor",
    "isac",
    "partner",
    "champion",
    "officer",
    "trainer",
    "auditor",
    "admin_user",
]


@pytest.fixture
def persona(request: pytest.FixtureRequest) -> User:
    """Indirect parametrisation: `@pytest.mark.parametrize("persona", [...], indirect=True)`."""
    return request.getfixturevalue(request.param)

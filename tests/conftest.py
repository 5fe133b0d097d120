"""Personas: one user per role, plus outsiders (same role, another agency)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from foundation.accounts.models import Agency, Role, User
from foundation.accounts.oidc_config import OidcProvider
from tests.factories import AgencyFactory, UserFactory
from tests.oidc import LocalProvider, running_provider

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
def information_manager(home_force: Agency) -> User:
    return _persona(Role.INFORMATION_MANAGER, home_force)


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


@pytest.fixture(scope="session")
def oidc_server() -> Iterator[LocalProvider]:
    """A real OpenID provider on a loopback port, for the whole test session."""
    with running_provider() as server:
        yield server


@pytest.fixture
def force_provider(settings, oidc_server: LocalProvider, home_force: Agency) -> OidcProvider:
    """The home force's identity provider, configured as HUB_OIDC_PROVIDERS would."""
    provider = oidc_server.provider(agency=home_force.name)
    settings.HUB_OIDC_PROVIDERS = {provider.key: provider}
    return provider


@pytest.fixture
def unused_port() -> int:
    """A loopback port nothing listens on (bound and released at once)."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])

from __future__ import annotations

import pytest

from cases.models import Case, Facet
from cases.services import share_case
from foundation.accounts.models import Agency, User
from risk.sync import sync_instruments
from tests.factories import CaseFactory


@pytest.fixture(autouse=True)
def _instruments(db) -> None:
    # The data migration loads them, but transactional tests elsewhere flush the table.
    sync_instruments()


@pytest.fixture
def case(coordinator: User) -> Case:
    return CaseFactory(owner=coordinator)


@pytest.fixture
def shared_case(case: Case, isac_service: Agency, coordinator: User) -> Case:
    """The case, referred to the ISAC service (a live share with their agency)."""
    share_case(
        case=case,
        agency=isac_service,
        facets=[Facet.RISK_SUMMARY, Facet.RISK_FULL],
        by=coordinator,
    )
    return case

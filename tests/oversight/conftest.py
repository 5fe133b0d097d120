"""Fixtures for oversight: a high-risk case with an officer in charge, its plan from the
checklist, and a fake provider of orders in force (the legal app is not built yet)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest
from django.db.models import QuerySet

from cases.models import Case, RiskLevel
from foundation.accounts.models import User
from oversight import services
from oversight.hooks import OrderInForce, register_orders_provider, unregister_orders_provider
from oversight.models import InvestigationPlan
from tests.factories import CaseFactory

RISK_AT = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def high_risk_case(coordinator: User, officer: User) -> Case:
    return CaseFactory(
        owner=coordinator,
        officer_in_charge=officer,
        current_risk=RiskLevel.HIGH,
        current_risk_at=RISK_AT,
    )


@pytest.fixture
def plan(high_risk_case: Case, tactical_lead: User) -> InvestigationPlan:
    return services.start_plan(case=high_risk_case, by=tactical_lead)


@dataclass
class FakeOrders:
    """Stands in for the legal app: orders in force, and the cases with an order file."""

    orders: list[OrderInForce] = field(default_factory=list)
    case_ids: set[int] = field(default_factory=set)

    def orders_in_force(self, *, now: datetime) -> Sequence[OrderInForce]:
        return [
            order
            for order in self.orders
            if order.in_force_from <= now
            and (order.in_force_until is None or now < order.in_force_until)
        ]

    def cases_with_order_file(self, cases: QuerySet[Case]) -> QuerySet[Case]:
        return cases.filter(pk__in=self.case_ids)


@pytest.fixture
def fake_orders() -> Iterator[FakeOrders]:
    provider = FakeOrders()
    register_orders_provider(provider)
    yield provider
    unregister_orders_provider(provider)

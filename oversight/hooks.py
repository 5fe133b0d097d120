"""What oversight reads from the apps that hold the facts: orders in force, and the work
addressed to a person someone covers.

**Orders.** `legal` holds protective orders, below `oversight` in the layers:
`OversightConfig.ready()` registers a provider built on `legal.selectors` (oversight may
import legal; legal never imports oversight): oversight/orders.py. Without a provider no
respondent has an order in force and no case has an order file. Tests may register a fake one.

**Covered work.** Each provider lists the open work addressed to some people (their
directions, referrals allocated to them, their advice requests; clinic actions once `clinic`
lands), for whoever covers them. Oversight registers its own providers in ready().
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from django.db.models import Q, QuerySet

from cases.models import Case
from foundation.accounts.models import User

# --- Orders in force --------------------------------------------------------------------------


@dataclass(frozen=True)
class OrderInForce:
    """An order in force against a person (a respondent), as the enforcement list names it."""

    respondent_person_id: int
    # How the order is named on the list, without personal data ("Full SPO, made 3 Mar 2026").
    label: str
    in_force_from: datetime
    in_force_until: datetime | None = None
    # The order's page, for those who may open it ("" for none).
    url: str = ""


class OrdersProvider(Protocol):
    def orders_in_force(self, *, now: datetime) -> Sequence[OrderInForce]:
        """Every order in force at `now` (a bounded number: orders, not logs)."""
        ...

    def cases_with_order_file(self, cases: QuerySet[Case]) -> QuerySet[Case]:
        """The cases of `cases` that have an order file (SQL, so it can scope a queryset)."""
        ...


_orders_providers: list[OrdersProvider] = []


def register_orders_provider(provider: OrdersProvider) -> OrdersProvider:
    if provider not in _orders_providers:
        _orders_providers.append(provider)
    return provider


def unregister_orders_provider(provider: OrdersProvider) -> None:
    if provider in _orders_providers:
        _orders_providers.remove(provider)


def orders_in_force(*, now: datetime) -> list[OrderInForce]:
    return [order for provider in _orders_providers for order in provider.orders_in_force(now=now)]


def cases_with_order_file(cases: QuerySet[Case]) -> QuerySet[Case]:
    """The cases of `cases` with an order file, by any provider; none without a provider."""
    if not _orders_providers:
        return cases.none()
    scope = Q(pk__in=[])
    for provider in _orders_providers:
        scope |= Q(pk__in=provider.cases_with_order_file(cases).values("pk"))
    return cases.filter(scope)


# --- Work addressed to a covered person -------------------------------------------------------


@dataclass(frozen=True)
class CoveredWorkItem:
    """One piece of open work addressed to a covered person, as listed for the coverer:
    references, states and dates only."""

    owner_id: int
    kind: str
    reference: str
    state: str
    due: date | None
    # The page for the coverer, or "" when their roles do not open it.
    url: str = ""


class CoveredWorkProvider(Protocol):
    def __call__(
        self, *, owner_ids: Collection[int], viewer: User, now: datetime
    ) -> list[CoveredWorkItem]: ...


_work_providers: list[CoveredWorkProvider] = []


def register_covered_work_provider(provider: CoveredWorkProvider) -> CoveredWorkProvider:
    if provider not in _work_providers:
        _work_providers.append(provider)
    return provider


def covered_work(
    *, owner_ids: Collection[int], viewer: User, now: datetime
) -> list[CoveredWorkItem]:
    """Every provider's open work for these people (one or two queries per provider)."""
    if not owner_ids:
        return []
    items = [
        item
        for provider in _work_providers
        for item in provider(owner_ids=owner_ids, viewer=viewer, now=now)
    ]
    return sorted(items, key=lambda item: (item.due is None, item.due or date.max, item.kind))

"""The orders provider built on `legal.selectors` (registered in OversightConfig.ready();
oversight/hooks.py): the enforcement list's orders in force, and the cases with an order file
whose plans the solicitor reads. Oversight sits above legal, so it may read legal; legal never
imports oversight."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db.models import QuerySet

from cases.models import Case
from legal import selectors as legal_selectors
from oversight.hooks import OrderInForce


class LegalOrders:
    def orders_in_force(self, *, now: datetime) -> Sequence[OrderInForce]:
        return [
            OrderInForce(
                respondent_person_id=row.respondent_person_id,
                label=row.label,
                in_force_from=row.in_force_from,
                in_force_until=row.in_force_until,
                url=row.url,
            )
            for row in legal_selectors.orders_in_force(now=now)
        ]

    def cases_with_order_file(self, cases: QuerySet[Case]) -> QuerySet[Case]:
        return legal_selectors.cases_with_order_file(cases)


LEGAL_ORDERS = LegalOrders()

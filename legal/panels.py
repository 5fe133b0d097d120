"""The orders panel on the case page (facet `orders`; registered in LegalConfig.ready()).

The hub's staff see the case's order files (state, respondent, solicitor) and orders; an ISAC
or partner whose live share carries `orders` sees the orders and their terms only: never a
file, never the privileged notes."""

from __future__ import annotations

from dataclasses import dataclass

from cases.models import Case
from cases.panels import PanelContent
from foundation.accounts.models import User
from legal.models import OrderFile, ProtectiveOrder
from legal.permissions import can_manage_legal, can_read_files
from legal.selectors import files_for_case, orders_for_case


@dataclass(frozen=True)
class OrdersPanel(PanelContent):
    files: list[OrderFile]
    orders: list[ProtectiveOrder]
    hub_view: bool
    can_manage: bool


def orders_panel_context(case: Case, user: User) -> OrdersPanel | None:
    hub_view = can_read_files(user)
    files = files_for_case(user, case) if hub_view else []
    # The hub's staff: a case without a file has no order (one query for the usual case).
    orders = orders_for_case(user, case) if files or not hub_view else []
    if not hub_view and not orders:
        return None
    return OrdersPanel(
        files=files, orders=orders, hub_view=hub_view, can_manage=can_manage_legal(user)
    )

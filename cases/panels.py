"""Panels on the case page from the apps above `cases` (DESIGN.md §2).

A higher app (risk, referrals, clinic, legal) registers a `CasePanel` in its AppConfig.ready();
the case page renders every panel whose `context` returns a mapping for the signed-in user, in
`order`. Returning None hides the panel from that user, so each app keeps its own access rule
next to its own data and `cases` never imports it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from cases.models import Case
from foundation.accounts.models import User

PanelContext = Callable[[Case, User], Mapping[str, object] | None]


@dataclass(frozen=True)
class CasePanel:
    key: str
    title: str
    # Rendered with the mapping `context` returns, plus `case` and `panel`.
    template: str
    order: int
    context: PanelContext


_panels: dict[str, CasePanel] = {}


def register_case_panel(panel: CasePanel) -> CasePanel:
    """Add or replace the panel with this key (a second ready() must not show it twice)."""
    _panels[panel.key] = panel
    return panel


def unregister_case_panel(key: str) -> None:
    _panels.pop(key, None)


def registered_panels() -> tuple[CasePanel, ...]:
    return tuple(sorted(_panels.values(), key=lambda panel: (panel.order, panel.key)))


def panels_for(case: Case, user: User) -> list[tuple[CasePanel, Mapping[str, object]]]:
    """The panels this user may see on this case, in order, each with its context."""
    shown: list[tuple[CasePanel, Mapping[str, object]]] = []
    for panel in registered_panels():
        context = panel.context(case, user)
        if context is not None:
            shown.append((panel, context))
    return shown

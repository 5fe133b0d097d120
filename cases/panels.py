"""Panels on the case page from the apps above `cases` (DESIGN.md §2).

A higher app (risk, referrals, clinic, legal) registers a `CasePanel` in its AppConfig.ready().
Each panel declares the facet of the case it discloses (cases/models/cases.py, `Facet`): the
case page offers it only to a user who may see that facet (the hub's staff, or another
agency's users through a live share carrying it), then asks the panel's `context` for that
user; None hides it (the app's own rule, next to its own data). A panel shown is recorded in
the access audit as a consultation of the case with its facet as the need, so a clinic
discussion or an order's terms shown on the page leave their own trace.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields, is_dataclass

from cases.models import Case, Facet
from cases.permissions import facets_for
from foundation.accounts.models import User
from foundation.audit.access import object_type_of
from foundation.audit.services import record_consultations


class PanelContent:
    """What a panel shows one user: subclass it as a frozen dataclass with typed fields; the
    fields become the template's context (with `case` and `panel`)."""

    def as_context(self) -> dict[str, object]:
        if not is_dataclass(self):
            raise TypeError(f"{type(self).__name__} must be a dataclass")
        return {field.name: getattr(self, field.name) for field in fields(self)}


PanelContextFunction = Callable[[Case, User], PanelContent | None]


@dataclass(frozen=True)
class CasePanel:
    key: str
    title: str
    template: str
    order: int
    # The facet of the case this panel discloses; nothing else decides who may see it.
    facet: Facet
    context: PanelContextFunction


_panels: dict[str, CasePanel] = {}


def register_case_panel(panel: CasePanel) -> CasePanel:
    """Add or replace the panel with this key (a second ready() must not show it twice)."""
    _panels[panel.key] = panel
    return panel


def unregister_case_panel(key: str) -> None:
    _panels.pop(key, None)


def registered_panels() -> tuple[CasePanel, ...]:
    return tuple(sorted(_panels.values(), key=lambda panel: (panel.order, panel.key)))


def panels_for(
    case: Case, user: User, *, also_record: Sequence[str] = ()
) -> list[tuple[CasePanel, Mapping[str, object]]]:
    """The panels this user may see on this case, in order, each with its context; each one
    shown is recorded (raises AuditUnavailable if it cannot be, and nothing is served), with
    `also_record` (other needs the page showed, e.g. the chronology's) in the same insert."""
    visible_facets = facets_for(user, case)
    shown: list[tuple[CasePanel, Mapping[str, object]]] = []
    for panel in registered_panels():
        if panel.facet not in visible_facets:
            continue
        content = panel.context(case, user)
        if content is None:
            continue
        shown.append((panel, content.as_context()))
    record_consultations(
        user=user,
        object_type=object_type_of(Case),
        object_id=case.pk,
        needs=[*(panel.facet for panel, _ in shown), *also_record],
    )
    return shown


# --- Sections of the officer's feedback page ----------------------------------------------------


@dataclass(frozen=True)
class OfficerSection:
    """A section of the officer's feedback page (`/logs/mine/`) from an app above `cases`
    (the tactical lead's directions to the officer). `context(user)` reads only the officer's
    own records (each app's scoped selector) and returns None to hide the section."""

    key: str
    title: str
    template: str
    order: int
    context: Callable[[User], PanelContent | None]


_officer_sections: dict[str, OfficerSection] = {}


def register_officer_section(section: OfficerSection) -> OfficerSection:
    """Add or replace the section with this key (a second ready() must not show it twice)."""
    _officer_sections[section.key] = section
    return section


def unregister_officer_section(key: str) -> None:
    _officer_sections.pop(key, None)


def officer_sections_for(user: User) -> list[tuple[OfficerSection, Mapping[str, object]]]:
    """The sections this officer sees on their feedback page, in order, with their context."""
    shown: list[tuple[OfficerSection, Mapping[str, object]]] = []
    for section in sorted(_officer_sections.values(), key=lambda item: (item.order, item.key)):
        content = section.context(user)
        if content is not None:
            shown.append((section, content.as_context()))
    return shown

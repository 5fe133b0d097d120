"""Who may see and do what in investigative oversight (docs/access.md, "Investigative oversight").

- The tactical lead: everything. Whoever covers the role holds it through `User.has_role`, so
  "the coordinator acting for the tactical lead" needs no rule of its own here.
- The coordinator: reads everything; writes only the plan lines the tactical lead delegates.
- Officers in charge (officer, champion): their own directions (acknowledge, update) and the
  plans of the cases they are in charge of (and those of anyone they cover).
- The solicitor: plans of cases with an order file (oversight/hooks.py).
- ISACs and partners: only where a live share carries the `oversight` facet.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from django.db.models import Q, QuerySet
from django.utils import timezone

from cases.models import Case, Facet
from cases.permissions import cases_with_facet, exclude_hidden_cases, register_case_path
from foundation.accounts.cover import covered_user_ids
from foundation.accounts.models import Role, User
from foundation.accounts.roles import (
    is_coordinator,
    is_frontline,
    is_hub_manager,
    is_receiving_user,
    is_tactical_lead,
)
from foundation.audit.access import Need, open_door, register_sensitive
from oversight.hooks import cases_with_order_file
from oversight.models import Direction, InvestigationPlan, PlanLine

for _model in (InvestigationPlan, PlanLine, Direction):
    register_sensitive(_model)
# Their doors hide the records of restricted cases (cases/permissions.py).
register_case_path(InvestigationPlan, "case")
register_case_path(PlanLine, "plan__case")
register_case_path(Direction, "case")


class OversightNeed(StrEnum):
    READ = Need.READ
    # Start a plan, delegate lines, give or withdraw directions, record reviews.
    LEAD = "lead"
    # Mark a plan line to do / done / not applicable.
    UPDATE_LINE = "update_line"
    # The officer's answer to a direction: acknowledge it, add an update.
    RESPOND = "respond"


def can_lead_oversight(user: User) -> bool:
    """The tactical lead, or whoever covers the role now."""
    return is_tactical_lead(user)


def can_read_oversight(user: User) -> bool:
    """The oversight list and every plan: the tactical lead and the coordinator."""
    return is_hub_manager(user)


def officer_ids_for(user: User) -> list[int]:
    """The user and whoever they cover now: an officer covering another sees their work."""
    return [user.pk, *covered_user_ids(user, now=timezone.now())]


def _case_scope(user: User) -> Q:
    """The cases whose oversight records the user may read, as a filter on `case`."""
    if can_read_oversight(user):
        return Q()
    scope = Q(pk__in=[])
    if user.is_active and user.has_role(Role.SOLICITOR):
        scope |= Q(case__in=cases_with_order_file(Case.objects.all()))
    if is_frontline(user):
        scope |= Q(case__officer_in_charge_id__in=officer_ids_for(user))
    if is_receiving_user(user):
        scope |= Q(case__in=cases_with_facet(user, Facet.OVERSIGHT))
    return scope


def may_see_oversight(user: User) -> bool:
    return (
        can_read_oversight(user)
        or (user.is_active and user.has_role(Role.SOLICITOR))
        or is_frontline(user)
        or is_receiving_user(user)
    )


def plans_visible_to(user: User) -> QuerySet[InvestigationPlan]:
    """The one scoping function for plans."""
    if not may_see_oversight(user):
        return InvestigationPlan.objects.none()
    return exclude_hidden_cases(InvestigationPlan.objects.filter(_case_scope(user)), user)


def directions_visible_to(user: User) -> QuerySet[Direction]:
    """Directions the user may read: those of the plans they see; an officer's own (and those
    of whoever they cover) even on a case they are no longer in charge of."""
    if not may_see_oversight(user):
        return Direction.objects.none()
    scope = _case_scope(user)
    if is_frontline(user):
        scope |= Q(officer_id__in=officer_ids_for(user))
    return exclude_hidden_cases(Direction.objects.filter(scope), user)


def can_see_case_oversight(user: User, case: Case) -> bool:
    """Whether the case page's oversight panel shows (its facet already checked)."""
    if can_read_oversight(user) or is_receiving_user(user):
        return True
    return (
        Case.objects.filter(pk=case.pk)
        .filter(pk__in=plans_visible_to(user).values("case_id"))
        .exists()
    )


# --- Doors ------------------------------------------------------------------------------------


def get_plan_for_user(
    user: User, plan_id: object, *, need: OversightNeed = OversightNeed.READ
) -> InvestigationPlan:
    """A plan for `need`; else Http404. Records the attempt. READ: the plans the user sees.
    LEAD: the tactical lead (or their cover)."""
    return open_door(
        plans_visible_to(user).select_related("case", "case__officer_in_charge"),
        plan_id,
        user=user,
        need=need,
        permitted=need != OversightNeed.LEAD or can_lead_oversight(user),
    )


def can_update_line(user: User, line: PlanLine) -> bool:
    """The tactical lead; the coordinator for a delegated line; the case's officer in charge."""
    if can_lead_oversight(user):
        return True
    if line.delegated and is_coordinator(user):
        return True
    officer_id = line.plan.case.officer_in_charge_id
    return is_frontline(user) and officer_id is not None and officer_id in officer_ids_for(user)


def get_plan_line_for_user(
    user: User, line_id: object, *, need: OversightNeed = OversightNeed.UPDATE_LINE
) -> PlanLine:
    """A plan line for `need`; else Http404. Records the attempt. UPDATE_LINE: see
    `can_update_line`; LEAD (delegate it): the tactical lead."""
    checks: dict[OversightNeed, Callable[[PlanLine], bool]] = {
        OversightNeed.UPDATE_LINE: lambda line: can_update_line(user, line),
    }
    return open_door(
        PlanLine.objects.filter(plan__in=plans_visible_to(user)).select_related(
            "plan__case__officer_in_charge"
        ),
        line_id,
        user=user,
        need=need,
        permitted=need != OversightNeed.LEAD or can_lead_oversight(user),
        check=checks.get(need),
    )


def can_respond(user: User, direction: Direction) -> bool:
    """The officer the direction is addressed to, or whoever covers them now."""
    return is_frontline(user) and direction.officer_id in officer_ids_for(user)


def get_direction_for_user(
    user: User, direction_id: object, *, need: OversightNeed = OversightNeed.READ
) -> Direction:
    """A direction for `need`; else Http404. Records the attempt. READ: see
    `directions_visible_to`; RESPOND: its officer (or their cover); LEAD: the tactical lead."""
    checks: dict[OversightNeed, Callable[[Direction], bool]] = {
        OversightNeed.RESPOND: lambda direction: can_respond(user, direction),
    }
    return open_door(
        directions_visible_to(user).select_related(
            "case", "officer", "given_by", "plan_line", "under_cover__approved_by"
        ),
        direction_id,
        user=user,
        need=need,
        permitted=need != OversightNeed.LEAD or can_lead_oversight(user),
        check=checks.get(need),
    )

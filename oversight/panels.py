"""Oversight on the case page (facet `oversight`) and on the officer's feedback page
(registered in OversightConfig.ready(); cases/panels.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from cases.models import Case
from cases.panels import PanelContent
from foundation.accounts.models import User
from oversight.models import Direction, InvestigationPlan, OversightReview, PlanLine
from oversight.permissions import (
    can_lead_oversight,
    can_respond,
    can_see_case_oversight,
)
from oversight.selectors import officer_directions, officer_plans, plan_for_case, plan_page


@dataclass(frozen=True)
class OversightPanel(PanelContent):
    plan: InvestigationPlan | None
    lines: list[PlanLine]
    lines_settled: int
    directions: list[Direction]
    reviews: list[OversightReview]
    review_due_on: date | None
    review_overdue: bool
    can_lead: bool
    today: date


def oversight_panel_context(case: Case, user: User) -> OversightPanel | None:
    """The plan, the directions and the latest reviews; None for users who may not see this
    case's oversight (the facet is checked before: a partner needs a share carrying it)."""
    if not can_see_case_oversight(user, case):
        return None
    now = timezone.now()
    plan = plan_for_case(user, case)
    if plan is None:
        return OversightPanel(
            plan=None,
            lines=[],
            lines_settled=0,
            directions=[],
            reviews=[],
            review_due_on=None,
            review_overdue=False,
            can_lead=can_lead_oversight(user) and case.status == Case.Status.OPEN,
            today=timezone.localdate(now),
        )
    page = plan_page(user, plan, now=now)
    return OversightPanel(
        plan=plan,
        lines=page.lines,
        lines_settled=sum(1 for line in page.lines if line.status != PlanLine.Status.TODO),
        directions=[direction for direction in page.directions if direction.is_open],
        reviews=page.reviews[:3],
        review_due_on=page.review_due_on,
        review_overdue=page.review_overdue,
        can_lead=can_lead_oversight(user) and case.status == Case.Status.OPEN,
        today=timezone.localdate(now),
    )


@dataclass(frozen=True)
class OfficerDirections(PanelContent):
    directions: list[Direction]
    responding: set[int]
    plans: list[InvestigationPlan]
    today: date


def officer_directions_context(user: User) -> OfficerDirections | None:
    """The officer's open directions (and those of whoever they cover) and their cases'
    plans; None when there are neither."""
    directions = officer_directions(user)
    plans = officer_plans(user)
    if not directions and not plans:
        return None
    return OfficerDirections(
        directions=directions,
        responding={direction.pk for direction in directions if can_respond(user, direction)},
        plans=plans,
        today=timezone.localdate(),
    )

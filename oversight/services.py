"""Writes in investigative oversight: plans, plan lines, directions, officers' answers, reviews.

Each service checks its own rule (the views show 404 before one ever says no), takes the
acting user as `by=`, and records the cover it acted under when the tactical lead's role came
from a cover (foundation/accounts/cover.py). Messages are shown to users: no personal data.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from cases.models import Case
from foundation.accounts.models import Role, RoleCover, User
from foundation.outbox.services import enqueue
from oversight.flags import review_interval
from oversight.models import (
    OPEN_DIRECTION_STATES,
    Direction,
    DirectionUpdate,
    InvestigationPlan,
    OversightReview,
    PlanLine,
    PlanLineTemplate,
)
from oversight.notifications import send_direction_given_email
from oversight.permissions import can_lead_oversight, can_respond, can_update_line


class OversightError(Exception):
    """A write breaks a rule of oversight. The message is safe to show."""


class NotAllowed(OversightError):
    """The acting user may not do this (the views answer 404 before a service says so)."""


def _lead_cover(by: User, now: datetime) -> RoleCover | None:
    """The cover `by` leads under, or None when they are the tactical lead themselves."""
    if Role.TACTICAL_LEAD in by.roles:
        return None
    return by.cover_for(Role.TACTICAL_LEAD, now=now)


def _require_lead(by: User) -> None:
    if not can_lead_oversight(by):
        raise NotAllowed("Only the tactical lead, or whoever covers the role, may do this.")


def _require_open(case: Case) -> None:
    if case.status != Case.Status.OPEN:
        raise OversightError("The case is closed.")


@transaction.atomic
def start_plan(*, case: Case, by: User, now: datetime | None = None) -> InvestigationPlan:
    """Start a case's investigation plan from the checklist (its active lines, in order).
    Raises NotAllowed or OversightError (nothing saved)."""
    now = now or timezone.now()
    _require_lead(by)
    _require_open(case)
    if InvestigationPlan.objects.filter(case=case).exists():
        raise OversightError("This case already has an investigation plan.")
    templates = list(PlanLineTemplate.objects.filter(is_active=True).order_by("position", "key"))
    if not templates:
        raise OversightError("The plan checklist is empty: add lines to it in the admin first.")
    plan = InvestigationPlan.objects.create(
        case=case, created_by=by, created_at=now, under_cover=_lead_cover(by, now)
    )
    PlanLine.objects.bulk_create(
        PlanLine(plan=plan, template=template, title=template.title, position=index)
        for index, template in enumerate(templates)
    )
    return plan


@transaction.atomic
def update_plan_line(
    *, line: PlanLine, status: str, note: str, by: User, now: datetime | None = None
) -> PlanLine:
    """Mark a line to do, done or not applicable (with the reason). Raises NotAllowed or
    OversightError (nothing saved)."""
    now = now or timezone.now()
    if not can_update_line(by, line):
        raise NotAllowed("You may not update this line.")
    _require_open(line.plan.case)
    if status not in PlanLine.Status.values:
        raise OversightError("Choose to do, done or not applicable.")
    note = note.strip()
    if status == PlanLine.Status.NOT_APPLICABLE and not note:
        raise OversightError("Say why the line does not apply.")
    line.status = status
    line.note = note
    line.updated_by = by
    line.updated_at = now
    line.under_cover = _lead_cover(by, now) if can_lead_oversight(by) else None
    line.save(update_fields=["status", "note", "updated_by", "updated_at", "under_cover"])
    return line


@transaction.atomic
def delegate_plan_line(*, line: PlanLine, delegated: bool, by: User) -> PlanLine:
    """Let the coordinator keep this line up to date (or stop). Raises NotAllowed."""
    _require_lead(by)
    line.delegated = delegated
    line.save(update_fields=["delegated"])
    return line


@transaction.atomic
def give_direction(
    *,
    case: Case,
    text: str,
    due_on: date,
    plan_line: PlanLine | None,
    by: User,
    now: datetime | None = None,
) -> Direction:
    """Direct the case's officer in charge; they are e-mailed a link. Raises NotAllowed or
    OversightError (nothing saved)."""
    now = now or timezone.now()
    _require_lead(by)
    _require_open(case)
    text = text.strip()
    if not text:
        raise OversightError("Write the direction.")
    if due_on < timezone.localdate(now):
        raise OversightError("The due date is in the past.")
    if case.officer_in_charge_id is None:
        raise OversightError("Record the case's officer in charge before giving a direction.")
    if plan_line is not None and plan_line.plan.case_id != case.pk:
        raise OversightError("That plan line belongs to another case.")
    direction = Direction.objects.create(
        case=case,
        plan_line=plan_line,
        officer_id=case.officer_in_charge_id,
        text=text,
        due_on=due_on,
        given_by=by,
        given_at=now,
        under_cover=_lead_cover(by, now),
        next_chase_on=due_on + timedelta(days=1),
    )
    enqueue(send_direction_given_email, direction_id=direction.pk)
    return direction


def _respond_cover(by: User, direction: Direction, now: datetime) -> RoleCover | None:
    """The cover an answer is given under: when `by` answers for the officer they cover."""
    if direction.officer_id == by.pk:
        return None
    return next(
        (cover for cover in by.active_covers(now) if cover.covered_user_id == direction.officer_id),
        None,
    )


@transaction.atomic
def acknowledge_direction(
    *, direction: Direction, by: User, now: datetime | None = None
) -> Direction:
    """The officer (or their cover) acknowledges a direction. Raises NotAllowed or
    OversightError."""
    now = now or timezone.now()
    if not can_respond(by, direction):
        raise NotAllowed("Only the officer directed may acknowledge this.")
    direction = Direction.objects.select_for_update().get(pk=direction.pk)
    if direction.status != Direction.Status.OPEN:
        raise OversightError("This direction has already been acknowledged or closed.")
    direction.status = Direction.Status.ACKNOWLEDGED
    direction.acknowledged_at = now
    direction.save(update_fields=["status", "acknowledged_at"])
    DirectionUpdate.objects.create(
        direction=direction,
        text="Acknowledged.",
        by=by,
        at=now,
        under_cover=_respond_cover(by, direction, now),
    )
    return direction


@transaction.atomic
def update_direction(
    *, direction: Direction, text: str, done: bool, by: User, now: datetime | None = None
) -> Direction:
    """The officer's update on a direction, optionally marking it done (which acknowledges
    it too). Raises NotAllowed or OversightError (nothing saved)."""
    now = now or timezone.now()
    if not can_respond(by, direction):
        raise NotAllowed("Only the officer directed may update this.")
    direction = Direction.objects.select_for_update().get(pk=direction.pk)
    if direction.status not in OPEN_DIRECTION_STATES:
        raise OversightError("This direction is closed.")
    text = text.strip()
    if not text:
        raise OversightError("Write what has been done.")
    DirectionUpdate.objects.create(
        direction=direction,
        text=text,
        by=by,
        at=now,
        under_cover=_respond_cover(by, direction, now),
    )
    fields = []
    if direction.acknowledged_at is None:
        direction.acknowledged_at = now
        fields.append("acknowledged_at")
    if done:
        direction.status = Direction.Status.DONE
        direction.closed_at = now
        fields += ["status", "closed_at"]
    elif direction.status == Direction.Status.OPEN:
        direction.status = Direction.Status.ACKNOWLEDGED
        fields.append("status")
    if fields:
        direction.save(update_fields=fields)
    return direction


@transaction.atomic
def withdraw_direction(*, direction: Direction, by: User, now: datetime | None = None) -> Direction:
    """The tactical lead withdraws an open direction. Raises NotAllowed or OversightError."""
    now = now or timezone.now()
    _require_lead(by)
    direction = Direction.objects.select_for_update().get(pk=direction.pk)
    if direction.status not in OPEN_DIRECTION_STATES:
        raise OversightError("This direction is already closed.")
    direction.status = Direction.Status.WITHDRAWN
    direction.closed_at = now
    direction.save(update_fields=["status", "closed_at"])
    return direction


@transaction.atomic
def record_review(
    *,
    case: Case,
    summary: str,
    next_review_on: date | None,
    by: User,
    now: datetime | None = None,
) -> OversightReview:
    """Record an oversight review of the case; the next falls due after the interval, or
    sooner if the reviewer says so. Raises NotAllowed or OversightError (nothing saved)."""
    now = now or timezone.now()
    _require_lead(by)
    _require_open(case)
    summary = summary.strip()
    if not summary:
        raise OversightError("Write what the review found and decided.")
    today = timezone.localdate(now)
    latest = today + review_interval()
    if next_review_on is None:
        next_review_on = latest
    if next_review_on <= today:
        raise OversightError("The next review must be after today.")
    if next_review_on > latest:
        raise OversightError(
            f"The next review is due within {review_interval().days} days; choose an earlier date."
        )
    return OversightReview.objects.create(
        case=case,
        summary=summary,
        next_review_on=next_review_on,
        reviewed_by=by,
        reviewed_at=now,
        under_cover=_lead_cover(by, now),
    )

"""Oversight's case flags (registered in OversightConfig.ready(); cases/flags.py).

Each is a SQL rule, so the dashboard and the case list count and filter by it, and the labels
come from the same rule. A high-risk case's oversight review falls due `review_interval()`
after the last review (or the date it became high risk, with none yet): it is overdue from the
day after that date.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from cases.flags import FlagRule
from cases.models import Case, RiskLevel
from oversight.models import OPEN_DIRECTION_STATES, Direction, OversightReview


def review_interval() -> timedelta:
    """How often a high-risk case's investigation is reviewed (setting, default 14 days)."""
    return timedelta(days=settings.HUB_OVERSIGHT_REVIEW_DAYS)


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def high_risk_open(cases: QuerySet[Case]) -> QuerySet[Case]:
    return cases.filter(status=Case.Status.OPEN, current_risk=RiskLevel.HIGH)


def review_overdue(cases: QuerySet[Case], now: datetime) -> QuerySet[Case]:
    """High-risk open cases whose oversight review is overdue at `now` (annotated with
    `oversight_due_on`, the last review's next date, None with no review yet)."""
    today = timezone.localdate(now)
    latest = OversightReview.objects.filter(case=OuterRef("pk")).order_by("-reviewed_at", "-pk")
    return (
        high_risk_open(cases)
        .annotate(oversight_due_on=Subquery(latest.values("next_review_on")[:1]))
        .filter(
            Q(oversight_due_on__lt=today)
            # No review yet: due `interval` after the day it became high risk.
            | Q(
                oversight_due_on__isnull=True,
                current_risk_at__lt=_start_of(today - review_interval()),
            )
        )
    )


def _review_reason(case: Case, now: datetime) -> str:
    due: date | None = getattr(case, "oversight_due_on", None)
    if due is None:
        since = timezone.localdate(case.current_risk_at) if case.current_risk_at else None
        due = since + review_interval() if since else timezone.localdate(now)
        return f"High risk and no oversight review yet; the first was due on {due:%d %b %Y}."
    days = (timezone.localdate(now) - due).days
    plural = "s" if days != 1 else ""
    return f"The oversight review was due on {due:%d %b %Y} ({days} day{plural} ago)."


def directions_overdue(cases: QuerySet[Case], now: datetime) -> QuerySet[Case]:
    """Open cases with a direction still open after its due date."""
    overdue = Direction.objects.filter(
        case=OuterRef("pk"),
        status__in=OPEN_DIRECTION_STATES,
        due_on__lt=timezone.localdate(now),
    )
    return cases.filter(status=Case.Status.OPEN).filter(Exists(overdue))


def _direction_reason(case: Case, now: datetime) -> str:
    return "A direction to the officer in charge is past its due date."


oversight_review_overdue = FlagRule(
    key="oversight_review_overdue",
    label="Oversight review overdue",
    severity="danger",
    flagged=review_overdue,
    reason=_review_reason,
)
direction_overdue = FlagRule(
    key="direction_overdue",
    label="Direction overdue",
    severity="warning",
    flagged=directions_overdue,
    reason=_direction_reason,
)
OVERSIGHT_FLAG_RULES = (oversight_review_overdue, direction_overdue)

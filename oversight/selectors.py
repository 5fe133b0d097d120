"""Reads for investigative oversight: the tactical lead's list, a plan's page, an officer's
directions, the enforcement list, and the figures the dashboard registers (§6 of the issue).

Lists start from a scoping function (oversight/permissions.py, cases/permissions.py) and run a
bounded number of queries whatever the data size. The figures are plain functions of dates:
the dashboard decides who sees them.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Case as SqlCase
from django.db.models import (
    Count,
    Exists,
    IntegerField,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from cases.models import (
    Case,
    CaseLog,
    CrimeLog,
    LogParty,
    OffenceCategory,
    OffenceCode,
    PartyRole,
    RiskLevel,
    SignalKind,
)
from cases.outcomes import (
    DETECTED,
    DetectionState,
    annotate_case_detection_state,
    log_detection_expression,
)
from cases.permissions import cases_visible_to, logs_visible_to
from foundation.accounts.models import User
from oversight.flags import review_interval, review_overdue
from oversight.hooks import OrderInForce, orders_in_force
from oversight.models import (
    OPEN_DIRECTION_STATES,
    Direction,
    DirectionUpdate,
    InvestigationPlan,
    OversightReview,
    PlanLine,
)
from oversight.permissions import (
    can_read_oversight,
    directions_visible_to,
    officer_ids_for,
    plans_visible_to,
)

# How far back the enforcement list looks for new logs naming a respondent.
ENFORCEMENT_WINDOW = timedelta(days=90)
ENFORCEMENT_LIMIT = 100


def _count(queryset: QuerySet[Any], outer: str) -> Coalesce:
    """A correlated COUNT(*) of `queryset` (already filtered on OuterRef) as an integer."""
    counted = queryset.order_by().values(outer).annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


# --- The tactical lead's oversight list ---------------------------------------------------------


@dataclass(frozen=True)
class OversightRow:
    case: Case
    plan_id: int | None
    lines_total: int
    lines_settled: int
    open_directions: int
    overdue_directions: int
    last_review_at: datetime | None
    review_due_on: date | None
    review_overdue: bool
    detection_state: DetectionState


def oversight_cases(user: User) -> QuerySet[Case]:
    """Open cases at high risk, and any open case with a plan, with their oversight state
    annotated (one query however many rows; paginate it)."""
    if not can_read_oversight(user):
        return Case.objects.none()
    today = timezone.localdate()
    latest = OversightReview.objects.filter(case=OuterRef("pk")).order_by("-reviewed_at", "-pk")
    lines = PlanLine.objects.filter(plan__case=OuterRef("pk"))
    directions = Direction.objects.filter(case=OuterRef("pk"), status__in=OPEN_DIRECTION_STATES)
    cases = (
        cases_visible_to(user)
        .filter(status=Case.Status.OPEN)
        .filter(Q(current_risk=RiskLevel.HIGH) | Q(investigation_plan__isnull=False))
        .select_related("officer_in_charge", "investigation_plan")
        .annotate(
            lines_total=_count(lines, "plan__case"),
            lines_settled=_count(lines.exclude(status=PlanLine.Status.TODO), "plan__case"),
            open_directions=_count(directions, "case"),
            overdue_directions=_count(directions.filter(due_on__lt=today), "case"),
            last_review_at=Subquery(latest.values("reviewed_at")[:1]),
            next_review_on=Subquery(latest.values("next_review_on")[:1]),
        )
    )
    cases = annotate_case_detection_state(cases, logs=CrimeLog.objects.all())
    return cases.order_by("next_review_on", "-current_risk_at", "-pk")


def oversight_rows(cases: list[Case], *, now: datetime) -> list[OversightRow]:
    """The list's rows from a page of `oversight_cases` (no query)."""
    today = timezone.localdate(now)
    rows = []
    for case in cases:
        due: date | None = case.next_review_on  # type: ignore[attr-defined]
        if due is None and case.current_risk == RiskLevel.HIGH and case.current_risk_at:
            due = timezone.localdate(case.current_risk_at) + review_interval()
        plan = getattr(case, "investigation_plan", None)
        rows.append(
            OversightRow(
                case=case,
                plan_id=plan.pk if plan is not None else None,
                lines_total=case.lines_total,  # type: ignore[attr-defined]
                lines_settled=case.lines_settled,  # type: ignore[attr-defined]
                open_directions=case.open_directions,  # type: ignore[attr-defined]
                overdue_directions=case.overdue_directions,  # type: ignore[attr-defined]
                last_review_at=case.last_review_at,  # type: ignore[attr-defined]
                review_due_on=due,
                review_overdue=(
                    due is not None and due < today and case.current_risk == RiskLevel.HIGH
                ),
                detection_state=DetectionState(case.detection_state),  # type: ignore[attr-defined]
            )
        )
    return rows


def overdue_directions_list(user: User, *, now: datetime, limit: int = 50) -> list[Direction]:
    """Open directions past their due date, longest overdue first."""
    if not can_read_oversight(user):
        return []
    return list(
        directions_visible_to(user)
        .filter(status__in=OPEN_DIRECTION_STATES, due_on__lt=timezone.localdate(now))
        .select_related("case", "officer", "plan_line")
        .order_by("due_on", "pk")[:limit]
    )


# --- Enforcement: new logs naming a respondent to an order in force ----------------------------


@dataclass(frozen=True)
class EnforcementRow:
    log: CrimeLog
    order: OrderInForce
    # Whether the log sweep itself called the log a breach of an order.
    sweep_says_breach: bool


def enforcement_list(user: User, *, now: datetime) -> list[EnforcementRow]:
    """Logs recorded while an order was in force against their suspect, in the last 90 days,
    newest first, whether or not the sweep called them a breach (one query for the logs)."""
    if not can_read_oversight(user):
        return []
    by_person: dict[int, list[OrderInForce]] = defaultdict(list)
    for order in orders_in_force(now=now):
        by_person[order.respondent_person_id].append(order)
    if not by_person:
        return []
    parties = (
        LogParty.objects.filter(
            role=PartyRole.SUSPECT,
            person_id__in=list(by_person),
            log__in=logs_visible_to(user),
            log__recorded_at__gte=now - ENFORCEMENT_WINDOW,
        )
        .select_related("log")
        .only(
            "person_id",
            "log__id",
            "log__reference",
            "log__recorded_at",
            "log__offence_code",
            "log__offence",
            "log__area",
            "log__signal_kinds",
        )
        .order_by("-log__recorded_at", "-log_id")
    )
    rows: list[EnforcementRow] = []
    seen: set[tuple[int, str]] = set()
    for party in parties:
        log = party.log
        for order in by_person[party.person_id or 0]:
            in_force = order.in_force_from <= log.recorded_at and (
                order.in_force_until is None or log.recorded_at < order.in_force_until
            )
            if not in_force or (log.pk, order.label) in seen:
                continue
            seen.add((log.pk, order.label))
            rows.append(
                EnforcementRow(
                    log=log,
                    order=order,
                    sweep_says_breach=SignalKind.ORDER_BREACH in log.signal_kinds,
                )
            )
        if len(rows) >= ENFORCEMENT_LIMIT:
            break
    return rows


# --- A plan's page ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanPage:
    plan: InvestigationPlan
    lines: list[PlanLine]
    directions: list[Direction]
    reviews: list[OversightReview]
    review_due_on: date | None
    review_overdue: bool


def plan_page(user: User, plan: InvestigationPlan, *, now: datetime) -> PlanPage:
    """The plan's lines, the directions the user may read (with their updates) and the
    reviews, in a fixed number of queries."""
    lines = list(plan.lines.select_related("updated_by", "under_cover__approved_by"))
    directions = list(
        directions_visible_to(user)
        .filter(case_id=plan.case_id)
        .select_related("officer", "given_by", "plan_line", "under_cover__approved_by")
        .prefetch_related(
            Prefetch(
                "updates",
                queryset=DirectionUpdate.objects.select_related("by", "under_cover__approved_by"),
            )
        )
        .order_by("-given_at", "-pk")
    )
    reviews = list(
        OversightReview.objects.filter(case_id=plan.case_id).select_related(
            "reviewed_by", "under_cover__approved_by", "under_cover__covered_user"
        )
    )
    today = timezone.localdate(now)
    case = plan.case
    due = reviews[0].next_review_on if reviews else None
    if due is None and case.current_risk == RiskLevel.HIGH and case.current_risk_at:
        due = timezone.localdate(case.current_risk_at) + review_interval()
    return PlanPage(
        plan=plan,
        lines=lines,
        directions=directions,
        reviews=reviews,
        review_due_on=due,
        review_overdue=due is not None and due < today and case.current_risk == RiskLevel.HIGH,
    )


def plan_for_case(user: User, case: Case) -> InvestigationPlan | None:
    return plans_visible_to(user).filter(case=case).first()


# --- The officer's directions (on their feedback page) ------------------------------------------


def officer_directions(user: User) -> list[Direction]:
    """Open directions addressed to the officer, or to whoever they cover, soonest due first."""
    return list(
        directions_visible_to(user)
        .filter(officer_id__in=officer_ids_for(user), status__in=OPEN_DIRECTION_STATES)
        .select_related("case", "plan_line", "officer")
        .order_by("due_on", "pk")
    )


def officer_plans(user: User) -> list[InvestigationPlan]:
    """The plans of the cases the officer (or whoever they cover) is in charge of."""
    return list(
        plans_visible_to(user)
        .filter(case__officer_in_charge_id__in=officer_ids_for(user), case__status=Case.Status.OPEN)
        .select_related("case")
        .order_by("case__reference")
    )


# --- Figures (registered by the dashboard) ------------------------------------------------------


@dataclass
class DetectionRateRow:
    """Logs recorded in one month and area, stalking or other, by detection state."""

    month: date
    area: str
    group: str  # "stalking" or "other"
    total: int = 0
    by_state: dict[str, int] = field(default_factory=dict)

    @property
    def detected(self) -> int:
        return sum(self.by_state.get(state, 0) for state in DETECTED)

    @property
    def detection_rate(self) -> float:
        return self.detected / self.total if self.total else 0.0


STALKING = "stalking"
OTHER = "other"


def stalking_log_q() -> Q:
    """A log counts as stalking when it is on a hub case, or recorded under a stalking code."""
    stalking_codes = OffenceCode.objects.filter(category=OffenceCategory.STALKING).values("code")
    return Q(Exists(CaseLog.objects.filter(log=OuterRef("pk")))) | Q(
        offence_code__in=stalking_codes
    )


def detection_outcome_rates(*, since: date, until: date) -> list[DetectionRateRow]:
    """Detection outcomes by month recorded and area, for stalking logs against the force's
    other crime types in the feed (one GROUP BY query). `until` is exclusive."""
    counted = (
        CrimeLog.objects.filter(recorded_at__gte=_start_of(since), recorded_at__lt=_start_of(until))
        .annotate(
            month=TruncMonth("recorded_at"),
            group=SqlCase(When(stalking_log_q(), then=Value(STALKING)), default=Value(OTHER)),
            state=log_detection_expression(),
        )
        .order_by()
        .values("month", "area", "group", "state")
        .annotate(n=Count("pk"))
    )
    rows: dict[tuple[date, str, str], DetectionRateRow] = {}
    for item in counted:
        month = item["month"]
        month_day = month.date() if isinstance(month, datetime) else month
        key = (month_day, item["area"], item["group"])
        row = rows.setdefault(
            key, DetectionRateRow(month=month_day, area=item["area"], group=item["group"])
        )
        row.total += item["n"]
        row.by_state[item["state"]] = row.by_state.get(item["state"], 0) + item["n"]
    return [rows[key] for key in sorted(rows)]


@dataclass(frozen=True)
class FirstDirectionTimes:
    """Days from the hub's decision (the case opened on a confirmed review) to the first
    direction, over the cases opened in the period that have one."""

    cases: int
    median_days: float | None
    longest_days: float | None


def time_to_first_direction(*, since: date, until: date) -> FirstDirectionTimes:
    opened = Case.objects.filter(opened_at__gte=_start_of(since), opened_at__lt=_start_of(until))
    pairs = list(
        opened.annotate(first=Min("oversight_directions__given_at"))
        .filter(first__isnull=False)
        .values_list("opened_at", "first")
    )
    days = [max((first - opened_at).total_seconds(), 0) / 86400 for opened_at, first in pairs]
    return FirstDirectionTimes(
        cases=len(days),
        median_days=round(statistics.median(days), 1) if days else None,
        longest_days=round(max(days), 1) if days else None,
    )


def directions_overdue(*, now: datetime) -> QuerySet[Direction]:
    """Open directions past their due date (count it for the dashboard)."""
    return Direction.objects.filter(
        status__in=OPEN_DIRECTION_STATES, due_on__lt=timezone.localdate(now)
    )


def high_risk_cases_without_current_review(*, now: datetime) -> QuerySet[Case]:
    """Open high-risk cases whose oversight review is overdue (the flag's own rule)."""
    return review_overdue(Case.objects.all(), now)

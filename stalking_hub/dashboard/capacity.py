"""The capacity page (docs/dashboard.md, "Capacity"): caseload per coordinator and solicitor
against the configured capacity, ISAC referrals and their waiting time, the clinic wait for a
new high-risk case, and the demand forecast for the next three months."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import Avg, Count, F, Q
from django.utils import timezone

from cases.models import Case
from clinic.allocation import first_meeting_for_new_case
from clinic.models import ClinicReferral
from foundation.accounts.models import Agency, Role, User
from foundation.lib.figures import add_months, month_range, month_start
from referrals.models import Referral
from stalking_hub.dashboard.forecast import Forecast, forecast
from stalking_hub.dashboard.models import MonthlyValue

# The monthly series forecast on the page (summary-table keys), in order.
FORECAST_KEYS = ("clinic.referrals", "cases.logs_found", "advice.requests", "referrals.isac")
HISTORY_MONTHS = 36


@dataclass(frozen=True)
class CaseloadRow:
    name: str
    role: str
    open_cases: int
    capacity: int

    @property
    def percent(self) -> int:
        return round(100 * self.open_cases / self.capacity) if self.capacity else 0

    @property
    def over(self) -> bool:
        return self.open_cases > self.capacity


@dataclass(frozen=True)
class IsacRow:
    agency: str
    sent_90_days: int
    awaiting_decision: int
    awaiting_caseworker: int
    average_days_to_decision: float | None
    average_days_to_caseworker: float | None


@dataclass(frozen=True)
class ForecastView:
    key: str
    label: str
    months: list[date]  # history shown, then the forecast months
    history: list[int]
    forecast: Forecast | None
    future_months: list[date]

    @property
    def chart_values(self) -> list[int]:
        """History, then the forecast rounded, for one line on the chart."""
        shown = len(self.months) - len(self.future_months)
        past = [0] * max(0, shown - len(self.history)) + self.history[-shown:]
        ahead = [round(value) for value in self.forecast.values] if self.forecast else []
        return [*past, *ahead]

    @property
    def rows(self) -> list[tuple[date, float, float, float]]:
        if self.forecast is None:
            return []
        return list(
            zip(
                self.future_months,
                self.forecast.values,
                self.forecast.low,
                self.forecast.high,
                strict=True,
            )
        )


@dataclass(frozen=True)
class CapacityReport:
    caseload: list[CaseloadRow]
    isac: list[IsacRow]
    clinic_waiting: int
    clinic_next_meeting: datetime | None
    clinic_wait_days: int | None
    clinic_target_days: int
    forecasts: list[ForecastView]


def caseloads() -> list[CaseloadRow]:
    """Open cases owned by each active coordinator and solicitor (one query for the users, one
    GROUP BY for the cases)."""
    capacity = {
        Role.COORDINATOR: settings.HUB_CAPACITY_COORDINATOR_CASES,
        Role.SOLICITOR: settings.HUB_CAPACITY_SOLICITOR_CASES,
    }
    people = list(
        User.objects.filter(is_active=True, roles__overlap=list(capacity)).order_by(
            "full_name", "pk"
        )
    )
    counts = dict(
        Case.objects.filter(status=Case.Status.OPEN, owner__in=people)
        .order_by()
        .values("owner")
        .annotate(n=Count("pk"))
        .values_list("owner", "n")
    )
    rows: list[CaseloadRow] = []
    for person in people:
        role = Role.COORDINATOR if Role.COORDINATOR in person.roles else Role.SOLICITOR
        rows.append(
            CaseloadRow(
                name=person.full_name,
                role=Role(role).label,
                open_cases=counts.get(person.pk, 0),
                capacity=capacity[role],
            )
        )
    return rows


def _days(value: timedelta | None) -> float | None:
    return round(value.total_seconds() / 86400, 1) if value is not None else None


def isac_waiting(*, now: datetime) -> list[IsacRow]:
    """Per ISAC service: referrals sent in 90 days, waiting for a decision or a caseworker, and
    the average waits (one GROUP BY)."""
    since = now - timedelta(days=90)
    rows = (
        Referral.objects.filter(agency__kind=Agency.Kind.ISAC_SERVICE, sent_at__isnull=False)
        .order_by()
        .values("agency__name")
        .annotate(
            sent=Count("pk", filter=Q(sent_at__gte=since)),
            awaiting_decision=Count("pk", filter=Q(state=Referral.State.SENT)),
            awaiting_caseworker=Count(
                "pk", filter=Q(state=Referral.State.ACCEPTED, caseworker__isnull=True)
            ),
            to_decision=Avg(F("decided_at") - F("sent_at"), filter=Q(sent_at__gte=since)),
            to_caseworker=Avg(F("allocated_at") - F("decided_at"), filter=Q(sent_at__gte=since)),
        )
        .order_by("agency__name")
    )
    return [
        IsacRow(
            agency=row["agency__name"],
            sent_90_days=row["sent"],
            awaiting_decision=row["awaiting_decision"],
            awaiting_caseworker=row["awaiting_caseworker"],
            average_days_to_decision=_days(row["to_decision"]),
            average_days_to_caseworker=_days(row["to_caseworker"]),
        )
        for row in rows
    ]


def demand_forecasts(*, now: datetime, labels: dict[str, str]) -> list[ForecastView]:
    """A 3-month forecast of each demand series from the summary table's monthly counts.
    The current month is incomplete, so the history ends with the month before."""
    last = add_months(month_start(timezone.localdate(now)), -1)
    first = add_months(last, -(HISTORY_MONTHS - 1))
    months = month_range(first, last)
    stored: dict[str, dict[date, int]] = {}
    for key, month, value in MonthlyValue.objects.filter(
        key__in=[key for key in FORECAST_KEYS if key in labels], month__gte=first, month__lte=last
    ).values_list("key", "month", "value"):
        stored.setdefault(key, {})[month] = value
    views: list[ForecastView] = []
    future = [add_months(last, step) for step in (1, 2, 3)]
    for key in FORECAST_KEYS:
        if key not in labels:
            continue
        by_month = stored.get(key, {})
        # From the first month with any count: months before the hub recorded it are not zeros.
        known = [month for month in months if month in by_month]
        history = [by_month.get(month, 0) for month in months if known and month >= known[0]]
        shown = [*months[-9:], *future]
        views.append(
            ForecastView(
                key=key,
                label=labels[key],
                months=shown,
                history=history,
                forecast=forecast([float(value) for value in history]),
                future_months=future,
            )
        )
    return views


def capacity_report(*, now: datetime) -> CapacityReport:
    from foundation.lib.figures import TrendFigure, registered_figures

    labels = {
        figure.key: figure.label
        for figure in registered_figures()
        if isinstance(figure, TrendFigure)
    }
    next_meeting = first_meeting_for_new_case(priority=ClinicReferral.Priority.URGENT, now=now)
    return CapacityReport(
        caseload=caseloads(),
        isac=isac_waiting(now=now),
        clinic_waiting=ClinicReferral.objects.filter(state=ClinicReferral.State.ACCEPTED).count(),
        clinic_next_meeting=next_meeting,
        clinic_wait_days=(
            (timezone.localdate(next_meeting) - timezone.localdate(now)).days
            if next_meeting
            else None
        ),
        clinic_target_days=settings.HUB_CLINIC_TARGET_DAYS,
        forecasts=demand_forecasts(now=now, labels=labels),
    )

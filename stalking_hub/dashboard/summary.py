"""The summary refresh and the dashboard's reads (docs/dashboard.md).

`refresh_figures` runs every registered figure (foundation/lib/figures.py) and stores the
results in the summary tables; beat calls it every 10 minutes, and an import calls it for the
figures that read crime logs, for the months its logs fall in, once the batch commits (through
the outbox, so a broker outage delays it and never loses it). `dashboard_for` reads the stored
rows only: two queries whatever the data size.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime

from django.db import connection, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from cases.signals.database import int_array
from foundation.accounts.models import User
from foundation.lib.figures import (
    DeadlineFigure,
    Figure,
    FigureLink,
    QueueFigure,
    TrendFigure,
    add_months,
    chart_title,
    month_range,
    month_start,
    registered_figures,
)
from foundation.outbox.services import enqueue, outbox_handler
from stalking_hub.dashboard.models import FigureValue, MonthlyValue

# The trend charts show this month and the eleven before it.
TREND_MONTHS = 12


def trend_window(now: datetime) -> tuple[date, date]:
    this_month = month_start(timezone.localdate(now))
    return add_months(this_month, -(TREND_MONTHS - 1)), this_month


def refresh_figures(
    *, now: datetime, logs_only: bool = False, months: Collection[date] | None = None
) -> int:
    """Compute the registered figures and store them; returns how many figures ran.

    `logs_only`: only the figures marked `after_logs_change` (after an import). `months`: the
    trend months to recompute (default: the whole trend window). Idempotent: every row is an
    upsert, so two refreshes at once store the same figures.
    """
    first, last = trend_window(now)
    if months:
        wanted = sorted({month_start(month) for month in months})
        first, last = max(first, wanted[0]), min(last, wanted[-1])
    ran = 0
    for figure in registered_figures():
        if logs_only and not figure.after_logs_change:
            continue
        ran += 1
        if isinstance(figure, TrendFigure):
            if first > last:
                continue
            counted = figure.monthly(first, last)
            rows = [
                MonthlyValue(
                    key=figure.key, month=month, value=counted.get(month, 0), computed_at=now
                )
                for month in month_range(first, last)
            ]
            MonthlyValue.objects.bulk_create(
                rows,
                update_conflicts=True,
                unique_fields=["key", "month"],
                update_fields=["value", "computed_at"],
            )
        else:
            _store_value(figure, now)
    return ran


def _store_value(figure: QueueFigure | DeadlineFigure, now: datetime) -> None:
    row = FigureValue(key=figure.key, computed_at=now)
    if isinstance(figure, QueueFigure):
        queue = figure.count(now)
        row.size, row.oldest_at = queue.size, queue.oldest
    else:
        due = figure.count(now)
        row.overdue, row.due_today, row.due_week = due.overdue, due.today, due.week
        row.size = due.overdue + due.today + due.week
    FigureValue.objects.bulk_create(
        [row],
        update_conflicts=True,
        unique_fields=["key"],
        update_fields=["size", "oldest_at", "overdue", "due_today", "due_week", "computed_at"],
    )


def figures_after_logs_changed(*, log_ids: Collection[int], now: datetime) -> None:
    """cases.hooks handler: queue a refresh of the log figures for the months these logs fall
    in; it runs after the batch commits (one query here, set-based)."""
    if not log_ids:
        return
    # The ids as one array, driving the lookup (one index probe each): a batch's 10,000 ids
    # as an IN list cost more to send and plan than to run. Months in the current time zone,
    # as TruncMonth gives them.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT date_trunc('month', l.recorded_at AT TIME ZONE %s)::date "
            "FROM unnest(%s::bigint[]) AS ids(id) JOIN cases_crimelog l ON l.id = ids.id",
            [timezone.get_current_timezone_name(), int_array(log_ids)],
        )
        wanted = sorted(month.isoformat() for (month,) in cursor.fetchall())
    if wanted:
        enqueue(refresh_log_figures, months=wanted)


@outbox_handler("dashboard.refresh_log_figures")
def refresh_log_figures(*, months: list[str]) -> None:
    with transaction.atomic():
        refresh_figures(
            now=timezone.now(), logs_only=True, months=[date.fromisoformat(m) for m in months]
        )


# --- The page's reads ---------------------------------------------------------------------------


@dataclass(frozen=True)
class FigureRow:
    key: str
    label: str
    url: str  # "" where the user may not open the list behind it
    value: FigureValue | None  # None: not computed yet


@dataclass(frozen=True)
class Series:
    key: str
    label: str
    url: str
    values: list[int]
    marker: bool


@dataclass(frozen=True)
class ChartData:
    key: str
    title: str
    months: list[date]
    series: list[Series]
    # The marker series (training delivered) drawn on this chart too; None when none.
    marker: Series | None


@dataclass(frozen=True)
class DashboardData:
    queues: list[FigureRow]
    deadlines: list[FigureRow]
    charts: list[ChartData]
    computed_at: datetime | None


def link_for(link: FigureLink | None, user: User) -> str:
    if link is None or not link.may_open(user):
        return ""
    url = reverse(link.url_name)
    return f"{url}?{link.query}" if link.query else url


def dashboard_for(user: User, *, now: datetime) -> DashboardData:
    """The stored figures, with the links this user may follow (two queries)."""
    figures = registered_figures()
    values = {row.key: row for row in FigureValue.objects.all()}
    first, last = trend_window(now)
    months = month_range(first, last)
    monthly: dict[str, dict[date, int]] = {}
    latest_trend: datetime | None = None
    for row in MonthlyValue.objects.filter(month__gte=first, month__lte=last):
        monthly.setdefault(row.key, {})[row.month] = row.value
        latest_trend = (
            row.computed_at if latest_trend is None else max(latest_trend, row.computed_at)
        )
    queues = [_row(figure, values, user) for figure in figures if isinstance(figure, QueueFigure)]
    deadlines = [
        _row(figure, values, user) for figure in figures if isinstance(figure, DeadlineFigure)
    ]
    trends = [figure for figure in figures if isinstance(figure, TrendFigure)]
    series = {
        figure.key: Series(
            key=figure.key,
            label=figure.label,
            url=link_for(figure.link, user),
            values=[monthly.get(figure.key, {}).get(month, 0) for month in months],
            marker=figure.marker,
        )
        for figure in trends
    }
    marker = next((series[figure.key] for figure in trends if figure.marker), None)
    charts: list[ChartData] = []
    for figure in trends:
        if any(chart.key == figure.chart for chart in charts):
            continue
        members = [series[other.key] for other in trends if other.chart == figure.chart]
        charts.append(
            ChartData(
                key=figure.chart,
                title=chart_title(figure.chart),
                months=months,
                series=members,
                marker=marker if marker is not None and marker not in members else None,
            )
        )
    stamps = [row.computed_at for row in values.values()]
    if latest_trend is not None:
        stamps.append(latest_trend)
    return DashboardData(
        queues=queues,
        deadlines=deadlines,
        charts=charts,
        computed_at=max(stamps) if stamps else None,
    )


def _row(figure: Figure, values: dict[str, FigureValue], user: User) -> FigureRow:
    return FigureRow(
        key=figure.key,
        label=figure.label,
        url=link_for(figure.link, user),
        value=values.get(figure.key),
    )


def last_refreshed() -> datetime | None:
    return FigureValue.objects.aggregate(at=Max("computed_at"))["at"]

"""The dashboard's figures, registered by the apps that own the facts (DESIGN.md §2).

The coordinator's dashboard lives in the composition root (`stalking_hub/dashboard/`), which
reads this registry; the apps cannot import the composition root, so the registry lives here,
below them all. Each app registers its figures in its `AppConfig.ready()` with one call:

    register_figure(QueueFigure(key="clinic.waiting", label="Clinic waiting list", order=40,
                                count=clinic.selectors.waiting_figure,
                                link=FigureLink("clinic:waiting", may_open=can_convene)))

Three kinds, each a frozen dataclass so the type checker helps:
- `QueueFigure`: work waiting — its size and its oldest item (`count(now) -> QueueCount`);
- `DeadlineFigure`: things due — overdue, due today, due in the next 7 days
  (`count(now) -> DeadlineCount`);
- `TrendFigure`: a count per calendar month (`monthly(first, last) -> {month: n}`, where
  months are the first day of each month), drawn in the chart named `chart`; a figure with
  `marker=True` (training delivered) is drawn on every chart, so a push shows against the rest.

Every function is set-based: a bounded number of queries (one GROUP BY, ideally) whatever the
data size, reading the app's own tables through its selectors. The functions are called by
the summary refresh (beat, every 10 minutes, and after each import for figures with
`after_logs_change=True`), never by a page: the page reads the stored results. A link names
the list behind the figure and who may open it; the dashboard shows the link only to them.
An app that registers nothing simply has no rows on the dashboard.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

if TYPE_CHECKING:
    from foundation.accounts.models import User


@dataclass(frozen=True)
class QueueCount:
    size: int
    oldest: datetime | None


@dataclass(frozen=True)
class DeadlineCount:
    overdue: int
    today: int
    week: int  # due after today, within the next 7 days


@dataclass(frozen=True)
class FigureLink:
    """The list behind a figure: a URL name (no arguments) plus a query string, and who may
    open it (the dashboard shows the link only where this says yes)."""

    url_name: str
    may_open: Callable[[User], bool]
    query: str = ""


@dataclass(frozen=True)
class QueueFigure:
    key: str
    label: str
    order: int
    count: Callable[[datetime], QueueCount]
    link: FigureLink | None = None
    # Refresh after an import (the figure reads crime logs), not only on beat.
    after_logs_change: bool = False


@dataclass(frozen=True)
class DeadlineFigure:
    key: str
    label: str
    order: int
    count: Callable[[datetime], DeadlineCount]
    link: FigureLink | None = None
    after_logs_change: bool = False


@dataclass(frozen=True)
class TrendFigure:
    key: str
    label: str
    order: int
    # The chart the series is drawn in (series sharing a chart share its axis).
    chart: str
    # {first day of month: count} for the months from `first` to `last` inclusive; months
    # with nothing may be left out.
    monthly: Callable[[date, date], Mapping[date, int]]
    link: FigureLink | None = None
    after_logs_change: bool = False
    # Drawn on every chart as a marker of the months it happened in (training delivered).
    marker: bool = False


type Figure = QueueFigure | DeadlineFigure | TrendFigure

_figures: dict[str, Figure] = {}

# Chart titles by chart name; an app naming a new chart gives it a title here.
_chart_titles: dict[str, str] = {}


def register_figure(figure: Figure, *, chart_title: str = "") -> Figure:
    """Add or replace the figure with this key (a second ready() must not count it twice).
    A trend figure opening a new chart gives its title."""
    _figures[figure.key] = figure
    if isinstance(figure, TrendFigure) and chart_title:
        _chart_titles[figure.chart] = chart_title
    return figure


def unregister_figure(key: str) -> None:
    _figures.pop(key, None)


def registered_figures() -> tuple[Figure, ...]:
    return tuple(sorted(_figures.values(), key=lambda figure: (figure.order, figure.key)))


def figure(key: str) -> Figure | None:
    return _figures.get(key)


def chart_title(chart: str) -> str:
    return _chart_titles.get(chart, chart.replace("_", " ").capitalize())


# --- Helpers for the apps' figure functions ---------------------------------------------------


def _field_of(model: Any, path: str) -> Any:
    """The model field at the end of a lookup path ("session__starts_at")."""
    *relations, name = path.split("__")
    for relation in relations:
        model = model._meta.get_field(relation).related_model
    return model._meta.get_field(name)


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(month: date, count: int) -> date:
    """The first day of the month `count` months after `month` (negative: before)."""
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def month_range(first: date, last: date) -> list[date]:
    """The first days of every month from `first` to `last`, inclusive."""
    months: list[date] = []
    month = month_start(first)
    while month <= last:
        months.append(month)
        month = add_months(month, 1)
    return months


def count_by_month(queryset: QuerySet[Any], field: str, first: date, last: date) -> dict[date, int]:
    """One GROUP BY: rows of `queryset` per calendar month of `field` (a date or datetime;
    datetimes in the site's time zone), for the months from `first` to `last` inclusive."""
    from django.db.models import Count, DateTimeField
    from django.db.models.functions import TruncMonth
    from django.utils import timezone

    model_field = _field_of(queryset.model, field)
    end = add_months(month_start(last), 1)
    if isinstance(model_field, DateTimeField):
        zone = timezone.get_current_timezone()
        low: date | datetime = datetime(first.year, first.month, 1, tzinfo=zone)
        high: date | datetime = datetime(end.year, end.month, 1, tzinfo=zone)
    else:
        low, high = month_start(first), end
    rows = (
        queryset.filter(**{f"{field}__gte": low, f"{field}__lt": high})
        .order_by()
        .annotate(month=TruncMonth(field))
        .values("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
    )
    counted: dict[date, int] = {}
    for month, n in rows:
        day = month.date() if isinstance(month, datetime) else month
        counted[day] = counted.get(day, 0) + n
    return counted


def deadline_count(queryset: QuerySet[Any], field: str, now: datetime) -> DeadlineCount:
    """Overdue / due today / due in the next 7 days by `field` (a date or datetime), in one
    query. Today is the site's local day."""
    from django.db.models import Count, DateTimeField, Q
    from django.utils import timezone

    today = timezone.localdate(now)
    model_field = _field_of(queryset.model, field)
    tomorrow: date | datetime
    week_end: date | datetime
    if isinstance(model_field, DateTimeField):
        start = datetime(today.year, today.month, today.day, tzinfo=timezone.get_current_timezone())
        tomorrow, week_end = start + timedelta(days=1), start + timedelta(days=8)
        overdue_q = Q(**{f"{field}__lt": now})
        today_q = Q(**{f"{field}__gte": now, f"{field}__lt": tomorrow})
    else:
        tomorrow, week_end = today + timedelta(days=1), today + timedelta(days=8)
        overdue_q = Q(**{f"{field}__lt": today})
        today_q = Q(**{field: today})
    week_q = Q(**{f"{field}__gte": tomorrow, f"{field}__lt": week_end})
    counts = queryset.order_by().aggregate(
        overdue=Count("pk", filter=overdue_q),
        today=Count("pk", filter=today_q),
        week=Count("pk", filter=week_q),
    )
    return DeadlineCount(overdue=counts["overdue"], today=counts["today"], week=counts["week"])


def queue_count(queryset: QuerySet[Any], oldest_field: str) -> QueueCount:
    """The size of a queue and its oldest item's `oldest_field`, in one query."""
    from django.db.models import Count, Min

    counts = queryset.order_by().aggregate(size=Count("pk"), oldest=Min(oldest_field))
    oldest = counts["oldest"]
    if isinstance(oldest, date) and not isinstance(oldest, datetime):
        from django.utils import timezone

        oldest = datetime(
            oldest.year, oldest.month, oldest.day, tzinfo=timezone.get_current_timezone()
        )
    return QueueCount(size=counts["size"], oldest=oldest)

"""The coordinator's dashboard and capacity pages."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from cases.forms import SearchForm
from foundation.lib.http import AuthenticatedHttpRequest
from stalking_hub.dashboard import capacity
from stalking_hub.dashboard.access import open_page
from stalking_hub.dashboard.charts import line_chart
from stalking_hub.dashboard.summary import dashboard_for


@require_GET
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    open_page(request.user, "dashboard")
    now = timezone.now()
    data = dashboard_for(request.user, now=now)
    charts = [
        (
            chart,
            line_chart(
                chart.months,
                [(series.label, series.values) for series in chart.series],
                marker=(chart.marker.label, chart.marker.values) if chart.marker else None,
            ),
            # The table beside the chart: one row per month, one column per series.
            [
                (month, [series.values[index] for series in chart.series])
                for index, month in enumerate(chart.months)
            ],
        )
        for chart in data.charts
    ]
    return render(
        request,
        "dashboard/dashboard.html",
        {"data": data, "charts": charts, "now": now, "search_form": SearchForm()},
    )


@require_GET
def capacity_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    open_page(request.user, "capacity")
    now = timezone.now()
    report = capacity.capacity_report(now=now)
    forecasts = [
        (forecast, line_chart(forecast.months, [(forecast.label, forecast.chart_values)]))
        for forecast in report.forecasts
    ]
    return render(
        request, "dashboard/capacity.html", {"report": report, "forecasts": forecasts, "now": now}
    )

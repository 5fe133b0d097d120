"""The coordinator's dashboard and capacity pages."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from functools import cached_property

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from cases.forms import SearchForm
from foundation.lib.http import AuthenticatedHttpRequest
from stalking_hub.dashboard import capacity, services
from stalking_hub.dashboard.charts import SvgChart, line_chart
from stalking_hub.dashboard.evaluation import stored_evaluation
from stalking_hub.dashboard.forms import (
    EvaluationForm,
    ExportForm,
    RegenerateForm,
    ReportMonthForm,
)
from stalking_hub.dashboard.permissions import (
    ExportNeed,
    exports_visible_to,
    get_export_for_user,
    get_report_for_user,
    open_page,
    reports_visible_to,
)
from stalking_hub.dashboard.report import generate_report, previous_month, regenerate_report
from stalking_hub.dashboard.summary import ChartData, dashboard_for


@require_GET
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    open_page(request.user, "dashboard")
    now = timezone.now()
    data = dashboard_for(request.user, now=now)

    def charts() -> list[tuple[ChartData, SvgChart, list[tuple[date, list[int]]]]]:
        return [
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
        {
            "data": data,
            # Drawn only when the template's cached fragment for these exact figures and
            # links is missing (trends_key): the SVG is most of the page's work.
            "charts": Lazy(charts),
            "trends_key": trends_key(data.charts),
            "now": now,
            "search_form": SearchForm(),
        },
    )


class Lazy[T]:
    """A list built on first use (iterated or measured), then kept."""

    def __init__(self, build: Callable[[], list[T]]) -> None:
        self._build = build

    @cached_property
    def items(self) -> list[T]:
        return self._build()

    def __iter__(self) -> Iterator[T]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


def trends_key(charts: list[ChartData]) -> str:
    """A digest of everything the trend charts and tables show (months, labels, values and the
    links this user may follow): the cached fragment is keyed by content, so it can never show
    other figures, or a link the user may not open."""
    content = [
        (
            chart.key,
            chart.title,
            [month.isoformat() for month in chart.months],
            [(series.label, series.url, series.values) for series in chart.series],
            (chart.marker.label, chart.marker.values) if chart.marker else None,
        )
        for chart in charts
    ]
    return hashlib.blake2b(repr(content).encode(), digest_size=16).hexdigest()


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


@require_GET
def evaluation(request: AuthenticatedHttpRequest) -> HttpResponse:
    open_page(request.user, "evaluation")
    now = timezone.now()
    form = EvaluationForm(request.GET or None)
    include_short = form.is_valid() and form.cleaned_data["include_short"]
    split_on = form.split_date(default=timezone.localdate(now) - timedelta(days=365))
    return render(
        request,
        "dashboard/evaluation.html",
        {
            "form": form,
            # The stored outcomes (refreshed by beat and after imports), never recomputed here.
            "result": stored_evaluation(split_on=split_on, include_short=include_short),
            "include_short": include_short,
            "now": now,
            "export_form": ExportForm(),
            "exports": list(exports_visible_to(request.user).order_by("-requested_at")[:10]),
        },
    )


@require_http_methods(["POST"])
def export_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    open_page(request.user, "evaluation_export")
    form = ExportForm(request.POST)
    include_short = form.is_valid() and form.cleaned_data["include_short"]
    export = services.request_export(include_short_follow_up=include_short, by=request.user)
    messages.success(request, "Export queued: this page shows its progress.")
    return redirect("dashboard:export", export_id=export.pk)


@require_GET
def export_detail(request: AuthenticatedHttpRequest, export_id: int) -> HttpResponse:
    export = get_export_for_user(request.user, export_id)
    return render(request, "dashboard/export_detail.html", {"export": export})


@require_GET
def export_download(request: AuthenticatedHttpRequest, export_id: int) -> HttpResponse:
    # The door records the download as a disclosure (the file leaves the hub).
    export = get_export_for_user(
        request.user,
        export_id,
        need=ExportNeed.DISCLOSE,
        justification="pseudonymised evaluation export, downloaded",
    )
    if export.state != export.State.DONE:
        messages.info(request, "The export is not ready yet.")
        return redirect("dashboard:export", export_id=export.pk)
    response = HttpResponse(export.content, content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime(export.finished_at or timezone.now()).strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="hub-evaluation-{stamp}.csv"'
    return response


@require_http_methods(["GET", "POST"])
def reports(request: AuthenticatedHttpRequest) -> HttpResponse:
    open_page(request.user, "reports")
    now = timezone.now()
    form = ReportMonthForm(request.POST or None, latest=previous_month(now))
    if request.method == "POST" and form.is_valid():
        report, created = generate_report(
            month=form.cleaned_data["month"], now=now, by=request.user
        )
        if not created:
            messages.info(request, "That month was generated already: here are its figures.")
        return redirect("dashboard:report", report_id=report.pk)
    return render(
        request,
        "dashboard/reports.html",
        {
            "form": form,
            "reports": list(
                reports_visible_to(request.user).defer("pdf", "csv").order_by("-month")[:36]
            ),
        },
    )


@require_GET
def report_detail(request: AuthenticatedHttpRequest, report_id: int) -> HttpResponse:
    report = get_report_for_user(request.user, report_id)
    return render(
        request,
        "dashboard/report_detail.html",
        {
            "report": report,
            "form": RegenerateForm(),
            "regenerations": list(report.regenerated.select_related("by")),
        },
    )


@require_GET
def report_pdf(request: AuthenticatedHttpRequest, report_id: int) -> HttpResponse:
    report = get_report_for_user(request.user, report_id, need=ExportNeed.DISCLOSE)
    response = HttpResponse(bytes(report.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="hub-report-{report.month:%Y-%m}.pdf"'
    return response


@require_GET
def report_csv(request: AuthenticatedHttpRequest, report_id: int) -> HttpResponse:
    report = get_report_for_user(request.user, report_id, need=ExportNeed.DISCLOSE)
    response = HttpResponse(report.csv, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="hub-report-{report.month:%Y-%m}.csv"'
    return response


@require_http_methods(["POST"])
def report_regenerate(request: AuthenticatedHttpRequest, report_id: int) -> HttpResponse:
    report = get_report_for_user(request.user, report_id, need=ExportNeed.CHANGE)
    form = RegenerateForm(request.POST)
    if form.is_valid():
        regenerate_report(
            report=report, reason=form.cleaned_data["reason"], now=timezone.now(), by=request.user
        )
        messages.success(
            request, "The month's figures were regenerated; the earlier ones are kept."
        )
        return redirect("dashboard:report", report_id=report.pk)
    return render(
        request,
        "dashboard/report_detail.html",
        {
            "report": report,
            "form": form,
            "regenerations": list(report.regenerated.select_related("by")),
        },
        status=400,
    )

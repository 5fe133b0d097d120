"""Compliance: counts per team, the monthly trend (SVG beside its table), the drill-down of
people on no team, and the CSV/XLSX export."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from foundation.lib.http import AuthenticatedHttpRequest
from foundation.lib.spreadsheets import csv_bytes, xlsx_bytes
from training import selectors
from training.chart import trend_chart
from training.compliance import STATE_LABELS, PersonState
from training.forms import ExportForm, StateFilterForm
from training.permissions import (
    TrainingNeed,
    can_manage_training,
    can_oversee_training,
    can_view_compliance,
    get_team_for_user,
    get_teams_for_user,
    teams_visible_to,
)

EXPORT_HEADER = [
    "Team",
    "Organisation",
    "Staff number",
    "Name",
    "Role",
    "Course",
    "State",
    "Last completed",
    "Expires on",
]


@require_GET
def compliance(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not can_view_compliance(request.user):
        raise Http404
    overview = selectors.compliance_overview(request.user, today=timezone.localdate())
    return render(
        request,
        "training/compliance.html",
        {
            "overview": overview,
            "chart": trend_chart(overview.trend),
            "can_manage": can_manage_training(request.user),
            "state_labels": STATE_LABELS,
        },
    )


@require_GET
def compliance_no_team(request: AuthenticatedHttpRequest) -> HttpResponse:
    """People required to train who are on no team's roster (those who oversee all)."""
    if not can_oversee_training(request.user):
        raise Http404
    filters = StateFilterForm(request.GET or None)
    state = (filters.cleaned_data["state"] if filters.is_valid() else "") or None
    return render(
        request,
        "training/compliance_no_team.html",
        {
            "states": selectors.team_states(
                request.user, today=timezone.localdate(), team=None, state=state
            ),
            "filters": filters,
            "state": state or "",
        },
    )


def _rows(states: list[PersonState]) -> list[list[object]]:
    return [
        [
            item.team or "No team",
            item.organisation,
            item.staff_number,
            item.name,
            item.role,
            item.course,
            item.state_label,
            item.last_done,
            item.expires_on,
        ]
        for item in states
    ]


@require_GET
def compliance_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Everyone the user may see (or one team) with their state for each required course.
    Cells a spreadsheet would run as formulas are neutralised. Recorded as a disclosure of
    each team exported."""
    # One team's export: through the team's door first, with the id as sent, so a refused
    # role or a malformed id is recorded denied (404) like any other refused attempt.
    team = (
        get_team_for_user(request.user, request.GET["team"], need=TrainingNeed.DISCLOSE)
        if request.GET.get("team")
        else None
    )
    if not can_view_compliance(request.user):
        raise Http404
    form = ExportForm(request.GET)
    if not form.is_valid():
        raise Http404
    fmt = form.cleaned_data["format"] or "csv"
    today = timezone.localdate()
    if team is not None:
        states = selectors.team_states(request.user, today=today, team=team)
        name = f"training-compliance-team-{team.pk}-{today.isoformat()}"
    else:
        team_ids = list(teams_visible_to(request.user).values_list("pk", flat=True))
        if team_ids:
            get_teams_for_user(request.user, team_ids, need=TrainingNeed.DISCLOSE)
        states = selectors.states_in_scope(request.user, today=today)
        name = f"training-compliance-{today.isoformat()}"
    rows = _rows(states)
    if fmt == "xlsx":
        response = HttpResponse(
            xlsx_bytes("Compliance", EXPORT_HEADER, rows),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    response = HttpResponse(csv_bytes(EXPORT_HEADER, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response

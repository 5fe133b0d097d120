"""Teams, their rosters and people, and the requirements that make training mandatory."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from foundation.lib.http import AuthenticatedHttpRequest
from foundation.lib.spreadsheets import SpreadsheetRefused
from training import selectors
from training.errors import TrainingError
from training.forms import RequirementForm, RosterUploadForm, StateFilterForm, TeamForm
from training.permissions import (
    TrainingNeed,
    can_manage_training,
    get_requirement_for_user,
    get_team_for_user,
    get_trainee_for_user,
)
from training.services import people as services
from training.services.rosters import import_roster


def _require_trainer(request: AuthenticatedHttpRequest) -> None:
    if not can_manage_training(request.user):
        raise Http404


@require_GET
def team_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_trainer(request)
    return render(request, "training/team_list.html", {"teams": selectors.teams_list(request.user)})


@require_http_methods(["GET", "POST"])
def team_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_trainer(request)
    form = TeamForm(request.POST or None)
    del form.fields["is_active"]
    if request.method == "POST" and form.is_valid():
        try:
            team = services.create_team(by=request.user, **form.cleaned_data)
        except TrainingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Team saved. Import its roster next.")
            return redirect(team)
    return render(request, "training/team_form.html", {"form": form, "team": None})


@require_GET
def team_detail(request: AuthenticatedHttpRequest, team_id: int) -> HttpResponse:
    """A team's roster and each person's state for each required course (the drill-down)."""
    team = get_team_for_user(request.user, team_id)
    filters = StateFilterForm(request.GET or None)
    state = (filters.cleaned_data["state"] if filters.is_valid() else "") or None
    return render(
        request,
        "training/team_detail.html",
        {
            "team": team,
            "members": selectors.team_members(team),
            "states": selectors.team_states(
                request.user, today=timezone.localdate(), team=team, state=state
            ),
            "filters": filters,
            "state": state or "",
            "can_manage": can_manage_training(request.user),
            "roster_form": RosterUploadForm(),
        },
    )


@require_http_methods(["GET", "POST"])
def team_edit(request: AuthenticatedHttpRequest, team_id: int) -> HttpResponse:
    team = get_team_for_user(request.user, team_id, need=TrainingNeed.MANAGE)
    form = TeamForm(
        request.POST or None,
        initial={
            "name": team.name,
            "organisation": team.organisation,
            "area": team.area,
            "managers": list(team.managers.all()),
            "is_active": team.is_active,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_team(team=team, by=request.user, **form.cleaned_data)
        except TrainingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Team saved.")
            return redirect(team)
    return render(request, "training/team_form.html", {"form": form, "team": team})


@require_http_methods(["GET", "POST"])
def roster_import(request: AuthenticatedHttpRequest, team_id: int) -> HttpResponse:
    team = get_team_for_user(request.user, team_id, need=TrainingNeed.MANAGE)
    form = RosterUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            report = import_roster(
                team=team,
                data=form.cleaned_data["file"].read(),
                replace=form.cleaned_data["replace"],
                by=request.user,
            )
        except (SpreadsheetRefused, TrainingError) as error:
            form.add_error("file", f"The roster was refused and nothing was saved: {error}")
        else:
            return redirect("training:import_report", report_id=report.pk)
    return render(request, "training/roster_import.html", {"form": form, "team": team})


@require_GET
def trainee_detail(request: AuthenticatedHttpRequest, trainee_id: int) -> HttpResponse:
    trainee = get_trainee_for_user(request.user, trainee_id)
    return render(
        request,
        "training/trainee_detail.html",
        {
            "trainee": trainee,
            "enrolments": selectors.trainee_enrolments(trainee),
            "states": selectors.trainee_states(trainee, today=timezone.localdate()),
            "can_manage": can_manage_training(request.user),
        },
    )


@require_POST
def trainee_active(request: AuthenticatedHttpRequest, trainee_id: int) -> HttpResponse:
    trainee = get_trainee_for_user(request.user, trainee_id, need=TrainingNeed.MANAGE)
    is_active = request.POST.get("is_active") == "true"
    services.set_trainee_active(trainee=trainee, is_active=is_active, by=request.user)
    messages.success(
        request,
        "Marked as back: counted in compliance again."
        if is_active
        else "Marked as a leaver: kept for the record, no longer counted in compliance.",
    )
    return redirect(trainee)


@require_http_methods(["GET", "POST"])
def requirement_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_trainer(request)
    form = RequirementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.add_requirement(
                course=data["course"],
                role=data["role"],
                team=data["team"],
                organisation=data["organisation"],
                by=request.user,
            )
        except TrainingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Requirement added: compliance counts it from now on.")
            return redirect("training:requirements")
    return render(
        request,
        "training/requirement_list.html",
        {
            "form": form,
            "requirements": selectors.requirements_list(),
            "roles": selectors.known_roles(),
        },
    )


@require_POST
def requirement_remove(request: AuthenticatedHttpRequest, requirement_id: int) -> HttpResponse:
    requirement = get_requirement_for_user(request.user, requirement_id)
    services.remove_requirement(requirement=requirement, by=request.user)
    messages.success(request, "Requirement removed.")
    return redirect("training:requirements")

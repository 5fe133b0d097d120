"""Pages of organisational learning: the recording-gap report, a team's trend and training."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from foundation.lib.http import AuthenticatedHttpRequest
from learning import selectors, services
from learning.comparison import MIN_LOGS, WINDOW_MONTHS
from learning.forms import InviteTeamForm, MonthRangeForm, RequireCourseForm
from learning.permissions import (
    can_target_training,
    can_view_gap_report,
    get_report_team_for_user,
)
from training.errors import TrainingError


@require_GET
def gap_report(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not can_view_gap_report(request.user):
        raise Http404
    form = MonthRangeForm(request.GET or None)
    first, last = form.months()
    report = selectors.team_report(request.user, first=first, last=last, today=timezone.localdate())
    return render(
        request,
        "learning/gap_report.html",
        {
            "form": form,
            "report": report,
            "can_target": can_target_training(request.user),
        },
    )


@require_GET
def team_detail(request: AuthenticatedHttpRequest, team_id: int) -> HttpResponse:
    if not can_view_gap_report(request.user):
        raise Http404
    team = get_report_team_for_user(request.user, team_id)
    form = MonthRangeForm(request.GET or None)
    first, last = form.months()
    can_target = can_target_training(request.user)
    return render(
        request,
        "learning/team_detail.html",
        {
            "team": team,
            "form": form,
            "trend": selectors.team_trend(team, first=first, last=last),
            "comparisons": selectors.before_after(team),
            "trainings": selectors.team_trainings(team),
            "can_target": can_target,
            "invite_form": InviteTeamForm() if can_target else None,
            "require_form": RequireCourseForm() if can_target else None,
            "min_logs": MIN_LOGS,
            "window_months": WINDOW_MONTHS,
        },
    )


@require_POST
def team_invite(request: AuthenticatedHttpRequest, team_id: int) -> HttpResponse:
    if not can_target_training(request.user):
        raise Http404
    team = get_report_team_for_user(request.user, team_id)
    form = InviteTeamForm(request.POST)
    if form.is_valid():
        try:
            targeted = services.target_session(
                team=team, session=form.cleaned_data["session"], by=request.user
            )
        except TrainingError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request, f"{team.name} invited: {targeted.booked} people booked on the session."
            )
    else:
        messages.error(request, "Choose a session that has not started yet.")
    return redirect("learning:team", team_id=team.pk)


@require_POST
def team_require(request: AuthenticatedHttpRequest, team_id: int) -> HttpResponse:
    if not can_target_training(request.user):
        raise Http404
    team = get_report_team_for_user(request.user, team_id)
    form = RequireCourseForm(request.POST)
    if form.is_valid():
        try:
            services.target_requirement(
                team=team, course=form.cleaned_data["course"], by=request.user
            )
        except TrainingError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"The course is now mandatory for {team.name}.")
    else:
        messages.error(request, "Choose a course.")
    return redirect("learning:team", team_id=team.pk)

"""Pages of organisational learning: the recording-gap report, a team's trend and training,
learning points."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from foundation.accounts.roles import is_hub_staff
from foundation.lib.http import AuthenticatedHttpRequest
from learning import selectors, services
from learning.comparison import MIN_LOGS, WINDOW_MONTHS
from learning.formatting import render_bulletin
from learning.forms import (
    ArchiveForm,
    BulletinForm,
    InviteTeamForm,
    MonthRangeForm,
    PointFilterForm,
    PointForm,
    RequireCourseForm,
    TriageForm,
)
from learning.models import LearningPoint, Theme
from learning.permissions import (
    BulletinNeed,
    PointNeed,
    can_target_training,
    can_triage_points,
    can_view_gap_report,
    get_bulletin_for_user,
    get_point_for_user,
    get_report_team_for_user,
)
from learning.services import LearningError
from learning.sources import open_source, prefill_text, themes_for
from learning.summary import computed_at
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
            "can_triage": can_triage_points(request.user),
            "now": timezone.now(),
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
            "trend_computed_at": computed_at(first, last),
            "now": timezone.now(),
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


# --- Learning points ----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def point_add(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The one "add a learning point" action: `?source=<kind>&id=<id>`, the source opened
    through its own door."""
    params = request.POST if request.method == "POST" else request.GET
    source = open_source(request.user, params.get("source", ""), params.get("id", ""))
    themes = themes_for(request.user, source.kind)
    prefilled = request.method == "GET" and prefill_text(source, request.GET.get("answer", ""))
    initial = {"theme": Theme.VICTIM_VOICE.value, "text": prefilled} if prefilled else None
    form = PointForm(request.POST or None, themes=themes, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            point = services.raise_point(
                source=source,
                theme=form.cleaned_data["theme"],
                text=form.cleaned_data["text"],
                by=request.user,
            )
        except LearningError as error:
            form.add_error("text", str(error))
        else:
            messages.success(request, "Learning point raised: the coordinator will triage it.")
            return redirect(point)
    return render(
        request,
        "learning/point_form.html",
        {"form": form, "source": source, "prefilled": bool(prefilled)},
    )


@require_GET
def point_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not can_triage_points(request.user):
        raise Http404
    form = PointFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    points = selectors.points_list(
        request.user, state=data.get("state", ""), theme=data.get("theme", "")
    )
    return render(request, "learning/point_list.html", {"form": form, "points": points[:200]})


@require_GET
def point_detail(request: AuthenticatedHttpRequest, point_id: int) -> HttpResponse:
    point = get_point_for_user(request.user, point_id)
    may_triage = can_triage_points(request.user) and point.state == LearningPoint.State.PROPOSED
    return render(
        request,
        "learning/point_detail.html",
        {
            "point": point,
            "triage_form": TriageForm(point=point) if may_triage else None,
            # The source opens through its own door; only the hub's staff get the link.
            "show_source": is_hub_staff(request.user),
        },
    )


@require_POST
def point_triage(request: AuthenticatedHttpRequest, point_id: int) -> HttpResponse:
    point = get_point_for_user(request.user, point_id, need=PointNeed.TRIAGE)
    form = TriageForm(request.POST, point=point)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if data["action"] == "accept":
                services.accept_point(point=point, text=data["text"] or None, by=request.user)
            elif data["action"] == "merge":
                if data["into"] is None:
                    raise LearningError("Choose the accepted point to merge into.")
                services.merge_point(point=point, into=data["into"], by=request.user)
            else:
                services.dismiss_point(point=point, reason=data["reason"], by=request.user)
        except LearningError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Learning point triaged.")
            return redirect(point)
    return render(
        request,
        "learning/point_detail.html",
        {"point": point, "triage_form": form, "show_source": True},
        status=400,
    )


# --- Bulletins ----------------------------------------------------------------------------------


@require_GET
def bulletin_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The archive: every bulletin for the hub's managers, the ones addressed to the user for
    anyone else; with the advice requests' standing guidance beside it."""
    form = ArchiveForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    theme, text = data.get("theme", ""), data.get("q", "")
    return render(
        request,
        "learning/bulletin_list.html",
        {
            "form": form,
            "bulletins": selectors.bulletin_archive(request.user, theme=theme, text=text)[:100],
            "guidance": selectors.standing_guidance(theme),
            "can_compose": can_triage_points(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def bulletin_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not can_triage_points(request.user):
        raise Http404
    form = BulletinForm(request.POST or None, points=selectors.accepted_points())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            bulletin = services.compose_bulletin(
                title=data["title"],
                body=data["body"],
                points=list(data["points"]),
                audience=data["audience"],
                team=data["team"],
                area=data["area"],
                by=request.user,
            )
        except LearningError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Draft saved: check it, then publish it.")
            return redirect(bulletin)
    return render(request, "learning/bulletin_form.html", {"form": form})


@require_GET
def bulletin_detail(request: AuthenticatedHttpRequest, bulletin_id: int) -> HttpResponse:
    bulletin = get_bulletin_for_user(request.user, bulletin_id)
    manager = can_triage_points(request.user)
    return render(
        request,
        "learning/bulletin_detail.html",
        {
            "bulletin": bulletin,
            "body": render_bulletin(bulletin.body),
            "points": bulletin.points.all() if manager else None,
            "receipt": selectors.own_receipt(request.user, bulletin),
            "reach": selectors.bulletin_reach(bulletin) if manager else None,
            "can_publish": manager and bulletin.state == bulletin.State.DRAFT,
        },
    )


@require_POST
def bulletin_publish(request: AuthenticatedHttpRequest, bulletin_id: int) -> HttpResponse:
    bulletin = get_bulletin_for_user(request.user, bulletin_id, need=BulletinNeed.MANAGE)
    try:
        readers = services.publish_bulletin(bulletin=bulletin, by=request.user)
    except LearningError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Published to {readers} people; they are e-mailed a link.")
    return redirect(bulletin)


@require_POST
def bulletin_acknowledge(request: AuthenticatedHttpRequest, bulletin_id: int) -> HttpResponse:
    bulletin = get_bulletin_for_user(request.user, bulletin_id)
    receipt = selectors.own_receipt(request.user, bulletin)
    if receipt is None:
        raise Http404
    if services.acknowledge_bulletin(recipient=receipt, by=request.user):
        messages.success(request, "Thank you: your acknowledgement is recorded.")
    else:
        messages.info(request, "You had acknowledged this bulletin already.")
    return redirect(bulletin)

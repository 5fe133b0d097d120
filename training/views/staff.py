"""Everyone's own training and CPD; the hub staff's CPD; the champions network."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from foundation.accounts.models import User
from foundation.lib.http import AuthenticatedHttpRequest
from training import selectors
from training.errors import TrainingError
from training.forms import ChampionForm, CpdForm
from training.permissions import (
    TrainingNeed,
    can_manage_training,
    can_see_own_training,
    can_view_champions,
    can_view_staff_cpd,
    get_champion_for_user,
    get_cpd_activity_for_user,
    get_cpd_person_for_user,
    is_completion,
)
from training.services import staff as services


def _year(request: AuthenticatedHttpRequest) -> int:
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        return today.year
    return year if 2000 <= year <= today.year + 1 else today.year


@require_GET
def mine(request: AuthenticatedHttpRequest) -> HttpResponse:
    """My training: bookings, certificates, what my role and team require, my CPD."""
    user = request.user
    if not can_see_own_training(user):
        raise Http404
    today = timezone.localdate()
    trainee = selectors.own_trainee(user)
    enrolments = list(selectors.own_enrolments(user))
    return render(
        request,
        "training/mine.html",
        {
            "trainee": trainee,
            "enrolments": enrolments,
            "completed": {enrolment.pk for enrolment in enrolments if is_completion(enrolment)},
            "states": selectors.trainee_states(trainee, today=today) if trainee else [],
            "cpd": selectors.cpd_of(user)[:20],
            "cpd_total": selectors.cpd_year_total(user, year=today.year),
            "cpd_target": settings.HUB_CPD_TARGET_HOURS,
            "year": today.year,
        },
    )


@require_http_methods(["GET", "POST"])
def cpd_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Record one's own CPD."""
    if not can_see_own_training(request.user):
        raise Http404
    return _cpd_form(request, person=request.user, back="training:mine")


def _cpd_form(request: AuthenticatedHttpRequest, *, person: User, back: str) -> HttpResponse:
    form = CpdForm(request.POST or None, initial={"done_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.record_cpd(
                person=person,
                by=request.user,
                today=timezone.localdate(),
                **form.cleaned_data,
            )
        except TrainingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "CPD recorded.")
            if back == "training:cpd_person":
                return redirect(back, person_id=person.pk)
            return redirect(back)
    return render(
        request,
        "training/cpd_form.html",
        {"form": form, "person": person, "own": person.pk == request.user.pk},
    )


@require_GET
def cpd_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The hub staff's CPD for a year against the target."""
    if not can_view_staff_cpd(request.user):
        raise Http404
    year = _year(request)
    return render(
        request,
        "training/cpd_list.html",
        {
            "people": selectors.cpd_totals(year=year),
            "year": year,
            "target": settings.HUB_CPD_TARGET_HOURS,
            "can_manage": can_manage_training(request.user),
            "years": range(timezone.localdate().year, timezone.localdate().year - 5, -1),
        },
    )


@require_http_methods(["GET", "POST"])
def cpd_person(request: AuthenticatedHttpRequest, person_id: int) -> HttpResponse:
    """One person's CPD; trainers (and the person) add to it here."""
    if request.method == "POST":
        person = get_cpd_person_for_user(request.user, person_id, need=TrainingNeed.MANAGE)
        return _cpd_form(request, person=person, back="training:cpd_person")
    person = get_cpd_person_for_user(request.user, person_id)
    year = _year(request)
    return render(
        request,
        "training/cpd_person.html",
        {
            "person": person,
            "activities": selectors.cpd_of(person).filter(done_on__year=year),
            "total": selectors.cpd_year_total(person, year=year),
            "target": settings.HUB_CPD_TARGET_HOURS,
            "year": year,
            "can_add": person.pk == request.user.pk or can_manage_training(request.user),
            "form": CpdForm(initial={"done_on": timezone.localdate()}),
        },
    )


@require_POST
def cpd_remove(request: AuthenticatedHttpRequest, activity_id: int) -> HttpResponse:
    activity = get_cpd_activity_for_user(request.user, activity_id)
    person_id = activity.user_id
    services.remove_cpd(activity=activity, by=request.user)
    messages.success(request, "CPD entry removed.")
    if person_id == request.user.pk:
        return redirect("training:mine")
    return redirect("training:cpd_person", person_id=person_id)


@require_GET
def champion_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not can_view_champions(request.user):
        raise Http404
    year = timezone.localdate().year
    areas, gaps = selectors.champions_by_area(year=year)
    return render(
        request,
        "training/champion_list.html",
        {
            "areas": areas,
            "gaps": gaps,
            "year": year,
            "count": sum(len(area.champions) for area in areas),
            "can_manage": can_manage_training(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def champion_edit(request: AuthenticatedHttpRequest, champion_id: int) -> HttpResponse:
    champion = get_champion_for_user(request.user, champion_id, need=TrainingNeed.MANAGE)
    profile = selectors.champion_profile(champion)
    form = ChampionForm(
        request.POST or None,
        initial={
            "area": profile.area if profile else None,
            "appointed_on": profile.appointed_on if profile else None,
            "is_active": profile.is_active if profile else True,
            "stood_down_on": profile.stood_down_on if profile else None,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.save_champion(champion=champion, by=request.user, **form.cleaned_data)
        except TrainingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Champion's appointment saved.")
            return redirect("training:champions")
    return render(request, "training/champion_form.html", {"form": form, "champion": champion})

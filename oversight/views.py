"""Oversight pages: the tactical lead's list, a case's plan, plan lines, directions, reviews,
and the cover pages. Each view: access (a door, 404 when denied) -> form -> service ->
redirect or render. State changes only on POST."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases.models import Facet
from cases.permissions import get_case_for_user
from foundation.accounts import cover as covers
from foundation.accounts.models import Role, RoleCover
from foundation.accounts.permissions import CoverNeed, get_cover_for_user
from foundation.lib.http import AuthenticatedHttpRequest
from oversight import selectors, services
from oversight.forms import (
    CoverForm,
    DelegateForm,
    DirectionForm,
    DirectionUpdateForm,
    PlanLineForm,
    ReviewForm,
)
from oversight.hooks import covered_work
from oversight.permissions import (
    OversightNeed,
    can_lead_oversight,
    can_read_oversight,
    can_respond,
    get_direction_for_user,
    get_plan_for_user,
    get_plan_line_for_user,
)

PAGE_SIZE = 50


# --- The tactical lead's list -------------------------------------------------------------------


@require_GET
def oversight_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not can_read_oversight(request.user):
        raise Http404
    now = timezone.now()
    page = Paginator(selectors.oversight_cases(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "oversight/oversight_list.html",
        {
            "page": page,
            "rows": selectors.oversight_rows(list(page.object_list), now=now),
            "overdue": selectors.overdue_directions_list(request.user, now=now),
            "enforcement": selectors.enforcement_list(request.user, now=now),
            "can_lead": can_lead_oversight(request.user),
            "query": "",
            "today": timezone.localdate(now),
        },
    )


# --- Plans --------------------------------------------------------------------------------------


@require_POST
def plan_start(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    case = get_case_for_user(
        request.user, case_id, need=Facet.OVERSIGHT, permitted=can_lead_oversight(request.user)
    )
    try:
        plan = services.start_plan(case=case, by=request.user)
    except services.OversightError as error:
        messages.error(request, str(error))
        return redirect(case)
    messages.success(request, f"Investigation plan started for case {case.reference}.")
    return redirect(plan)


@require_GET
def plan_detail(request: AuthenticatedHttpRequest, plan_id: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, plan_id)
    user = request.user
    page = selectors.plan_page(user, plan, now=timezone.now())
    return render(
        request,
        "oversight/plan_detail.html",
        {
            "plan": plan,
            "case": plan.case,
            "page": page,
            "can_lead": can_lead_oversight(user) and plan.case.status == "open",
            "hub_reader": can_read_oversight(user),
            "responding": {d.pk for d in page.directions if d.is_open and can_respond(user, d)},
            "today": timezone.localdate(),
        },
    )


@require_http_methods(["GET", "POST"])
def plan_line_update(request: AuthenticatedHttpRequest, line_id: int) -> HttpResponse:
    line = get_plan_line_for_user(request.user, line_id)
    form = PlanLineForm(request.POST or None, initial={"status": line.status, "note": line.note})
    if request.method == "POST" and form.is_valid():
        try:
            services.update_plan_line(line=line, by=request.user, **form.cleaned_data)
        except services.OversightError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"“{line.title}” updated.")
            return redirect(line.plan)
    return render(
        request,
        "oversight/planline_form.html",
        {
            "line": line,
            "plan": line.plan,
            "form": form,
            "delegate_form": (
                DelegateForm(initial={"delegated": line.delegated})
                if can_lead_oversight(request.user)
                else None
            ),
        },
    )


@require_POST
def plan_line_delegate(request: AuthenticatedHttpRequest, line_id: int) -> HttpResponse:
    line = get_plan_line_for_user(request.user, line_id, need=OversightNeed.LEAD)
    form = DelegateForm(request.POST)
    form.is_valid()
    services.delegate_plan_line(
        line=line, delegated=bool(form.cleaned_data.get("delegated")), by=request.user
    )
    messages.success(request, "Delegation saved.")
    return redirect(line.plan)


# --- Directions ---------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def direction_create(request: AuthenticatedHttpRequest, plan_id: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, plan_id, need=OversightNeed.LEAD)
    form = DirectionForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            services.give_direction(case=plan.case, by=request.user, **form.cleaned_data)
        except services.OversightError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Direction given; the officer in charge is e-mailed a link.")
            return redirect(plan)
    return render(
        request, "oversight/direction_form.html", {"plan": plan, "case": plan.case, "form": form}
    )


@require_http_methods(["GET", "POST"])
def direction_detail(request: AuthenticatedHttpRequest, direction_id: int) -> HttpResponse:
    need = OversightNeed.RESPOND if request.method == "POST" else OversightNeed.READ
    direction = get_direction_for_user(request.user, direction_id, need=need)
    responding = direction.is_open and can_respond(request.user, direction)
    form = DirectionUpdateForm(request.POST or None) if responding else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            services.update_direction(direction=direction, by=request.user, **form.cleaned_data)
        except services.OversightError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Update recorded.")
            return redirect("cases:my_logs")
    elif request.method == "POST" and form is None:
        messages.info(request, "This direction is closed.")
        return redirect("oversight:direction", direction.pk)
    return render(
        request,
        "oversight/direction_detail.html",
        {
            "direction": direction,
            "updates": direction.updates.select_related("by", "under_cover__approved_by"),
            "form": form,
            "responding": responding,
            "can_withdraw": direction.is_open and can_lead_oversight(request.user),
            "plan": selectors.plan_for_case(request.user, direction.case),
            "today": timezone.localdate(),
        },
    )


@require_POST
def direction_acknowledge(request: AuthenticatedHttpRequest, direction_id: int) -> HttpResponse:
    direction = get_direction_for_user(request.user, direction_id, need=OversightNeed.RESPOND)
    try:
        services.acknowledge_direction(direction=direction, by=request.user)
    except services.OversightError as error:
        messages.info(request, str(error))
    else:
        messages.success(request, f"Direction on case {direction.case.reference} acknowledged.")
    return redirect("cases:my_logs")


@require_POST
def direction_withdraw(request: AuthenticatedHttpRequest, direction_id: int) -> HttpResponse:
    direction = get_direction_for_user(request.user, direction_id, need=OversightNeed.LEAD)
    try:
        services.withdraw_direction(direction=direction, by=request.user)
    except services.OversightError as error:
        messages.info(request, str(error))
    else:
        messages.success(request, "Direction withdrawn.")
    plan = selectors.plan_for_case(request.user, direction.case)
    return redirect(plan) if plan is not None else redirect("oversight:list")


# --- Reviews ------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def review_create(request: AuthenticatedHttpRequest, plan_id: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, plan_id, need=OversightNeed.LEAD)
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            review = services.record_review(case=plan.case, by=request.user, **form.cleaned_data)
        except services.OversightError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                f"Oversight review recorded; the next is due by {review.next_review_on:%d %b %Y}.",
            )
            return redirect(plan)
    return render(
        request,
        "oversight/review_form.html",
        {"plan": plan, "case": plan.case, "form": form, "cover": _lead_cover_of(request)},
    )


def _lead_cover_of(request: AuthenticatedHttpRequest) -> RoleCover | None:
    """The cover the user leads under (shown on the form so they know it is recorded)."""
    if Role.TACTICAL_LEAD in request.user.roles:
        return None
    return request.user.cover_for(Role.TACTICAL_LEAD)


# --- Cover --------------------------------------------------------------------------------------


@require_GET
def cover_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not covers.can_approve_covers(request.user):
        raise Http404
    now = timezone.now()
    page = Paginator(covers.covers_list(now=now), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "oversight/cover_list.html",
        {"page": page, "now": now, "query": ""},
    )


@require_http_methods(["GET", "POST"])
def cover_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not covers.can_approve_covers(request.user):
        raise Http404
    form = CoverForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            cover = covers.create_cover(by=request.user, **form.cleaned_data)
        except covers.CoverError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                f"Cover recorded: {cover.user.full_name} covers the {cover.role_label.lower()} "
                f"until {timezone.localtime(cover.ends_at):%d %b %Y %H:%M}.",
            )
            return redirect("oversight:covers")
    return render(request, "oversight/cover_form.html", {"form": form})


@require_POST
def cover_end(request: AuthenticatedHttpRequest, cover_id: int) -> HttpResponse:
    cover = get_cover_for_user(request.user, cover_id, need=CoverNeed.END)
    try:
        covers.end_cover_early(cover=cover, by=request.user)
    except covers.CoverError as error:
        messages.info(request, str(error))
    else:
        messages.success(request, "Cover ended.")
    return redirect("oversight:covers" if covers.can_approve_covers(request.user) else "home")


@require_GET
def covered_work_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The open work of the people the user covers now; 404 for someone covering nobody."""
    now = timezone.now()
    active = request.user.active_covers(now)
    if not active:
        raise Http404
    owner_ids = {cover.covered_user_id for cover in active}
    items = covered_work(owner_ids=owner_ids, viewer=request.user, now=now)
    by_owner = {
        cover.covered_user_id: (
            cover,
            [item for item in items if item.owner_id == cover.covered_user_id],
        )
        for cover in active
    }
    return render(
        request,
        "oversight/covered_work.html",
        {"groups": list(by_owner.values()), "today": timezone.localdate(now)},
    )

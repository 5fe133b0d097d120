"""Actions: the owner's list (their own and their agency's), one action, and the chasers sent."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from clinic import selectors
from clinic.errors import ClinicError
from clinic.forms import ActionUpdateForm
from clinic.models import Action
from clinic.permissions import (
    ClinicNeed,
    can_list_actions,
    can_manage_clinic,
    get_action_for_user,
)
from clinic.services.minutes import can_update_action, update_action
from clinic.views.common import PAGE_SIZE, done, refused
from foundation.lib.http import AuthenticatedHttpRequest

STATUS_FILTERS = [("open", "Open"), *Action.Status.choices, ("", "All")]


@require_GET
def action_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not can_list_actions(request.user):
        raise Http404
    status = request.GET.get("status", "open")
    if status not in {value for value, _ in STATUS_FILTERS}:
        status = "open"
    page = Paginator(selectors.action_list(request.user, status=status), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    actions = list(page.object_list)
    return render(
        request,
        "clinic/action_list.html",
        {
            "page": page,
            "actions": actions,
            "linkable": selectors.cases_linkable(request.user, [a.case_id for a in actions]),
            "status": status,
            "statuses": STATUS_FILTERS,
            "query": f"status={status}",
            "today": timezone.localdate(),
            "can_manage": can_manage_clinic(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def action_detail(request: AuthenticatedHttpRequest, action_id: int) -> HttpResponse:
    user = request.user
    need = ClinicNeed.UPDATE if request.method == "POST" else ClinicNeed.READ
    action = get_action_for_user(user, action_id, need=need)
    form = ActionUpdateForm(request.POST or None, initial={"status": action.status})
    if request.method == "POST" and form.is_valid():
        try:
            update_action(action=action, by=user, **form.cleaned_data)
        except ClinicError as error:
            return refused(request, error, action)
        return done(request, f"{action.reference} updated.", action)
    return render(
        request,
        "clinic/action_detail.html",
        {
            "action": action,
            "form": form if can_update_action(user, action) else None,
            "can_see_case": bool(selectors.cases_linkable(user, [action.case_id])),
            "can_see_item": can_manage_clinic(user),
            "chases": action.chases.all(),
            "today": timezone.localdate(),
        },
    )


@require_GET
def chasers(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not can_manage_clinic(request.user):
        raise Http404
    page = Paginator(selectors.chases_sent(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "clinic/chaser_list.html", {"page": page, "query": ""})

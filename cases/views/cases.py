"""The case list and the case page; editing and closing a case."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from cases import selectors, services
from cases.flags import flags_for_cases
from cases.forms import (
    CaseEditForm,
    CaseFilterForm,
    CloseCaseForm,
)
from cases.models import Case
from cases.outcomes import case_detection_state
from cases.panels import panels_for
from cases.permissions import (
    CaseNeed,
    can_manage_case,
    get_case_for_user,
)
from cases.services import CaseError
from cases.views.common import PAGE_SIZE, query_without_page
from foundation.accounts.roles import is_hub_staff
from foundation.lib.http import AuthenticatedHttpRequest


@require_GET
def case_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    # The list is the hub's own; partners and ISACs reach a shared case from their referral.
    if not is_hub_staff(request.user):
        raise Http404
    form = CaseFilterForm(request.GET or None)
    page = Paginator(selectors.case_list(request.user, form.to_filter()), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    cases = list(page.object_list)
    flags = flags_for_cases(cases=cases, now=timezone.now())
    return render(
        request,
        "cases/case_list.html",
        {
            "form": form,
            "page": page,
            "rows": [(case, flags.get(case.pk, [])) for case in cases],
            "query": query_without_page(request),
            "can_manage": can_manage_case(request.user),
        },
    )


@require_GET
def case_detail(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    case = get_case_for_user(request.user, case_id)
    user = request.user
    hub_staff = is_hub_staff(user)
    case_logs = selectors.case_logs(case) if hub_staff else []
    panels = [
        (
            panel,
            render_to_string(panel.template, {**context, "case": case, "panel": panel}, request),
        )
        for panel, context in panels_for(case, user)
    ]
    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            "parties": selectors.case_parties(case),
            # Logs and reviews are the hub's; a partner sees the case, not the police records.
            "case_logs": case_logs,
            # Derived from the logs' outcomes by the one rule (cases/outcomes.py).
            "detection_state": case_detection_state(link.log.outcome for link in case_logs),
            "reviews": selectors.case_reviews(case) if hub_staff else [],
            "hub_staff": hub_staff,
            "can_read_logs": is_hub_staff(user),
            # Flags are the hub's workflow warnings, drawn from records (e.g. assessments)
            # another agency may not be allowed to open: hub staff only.
            "flags": (
                flags_for_cases(cases=[case], now=timezone.now()).get(case.pk, [])
                if hub_staff
                else []
            ),
            "panels": panels,
            "can_manage": can_manage_case(user),
        },
    )


@require_http_methods(["GET", "POST"])
def case_edit(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    case = get_case_for_user(request.user, case_id, need=CaseNeed.CHANGE)
    form = CaseEditForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_case(case=case, by=request.user, **form.service_kwargs())
        except CaseError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Case updated.")
            return redirect(case)
    return render(request, "cases/case_edit.html", {"case": case, "form": form})


@require_http_methods(["GET", "POST"])
def case_close(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    case = get_case_for_user(request.user, case_id, need=CaseNeed.CHANGE)
    if case.status == Case.Status.CLOSED:
        messages.info(request, "This case is already closed.")
        return HttpResponseRedirect(case.get_absolute_url())
    form = CloseCaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.close_case(case=case, by=request.user, **form.cleaned_data)
        except CaseError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Case {case.reference} closed.")
            return redirect(case)
    return render(request, "cases/case_close.html", {"case": case, "form": form})

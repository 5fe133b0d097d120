"""Restricted cases, break-glass, restricted persons and the auditor's lists
(docs/information-management-access.md)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases import restrictions, services
from cases.forms.restrictions import (
    BreakGlassForm,
    CaseRestrictForm,
    PersonFindForm,
    PersonRestrictForm,
)
from cases.models import UnusualAccess
from cases.permissions import (
    CaseNeed,
    PersonNeed,
    can_break_glass,
    can_restrict_persons,
    get_case_for_break_glass,
    get_case_for_user,
    get_person_for_user,
)
from cases.services import CaseError
from foundation.accounts.roles import is_auditor
from foundation.lib.http import AuthenticatedHttpRequest

PAGE_SIZE = 50


# --- Restricted cases -----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def case_restrict(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    case = get_case_for_user(request.user, case_id, need=CaseNeed.RESTRICT)
    restriction = restrictions.case_restriction(case.pk)
    initial = (
        {"members": list(restriction.members.all()), "reason": restriction.reason}
        if restriction
        else {}
    )
    form = CaseRestrictForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.restrict_case(
                case=case,
                members=form.cleaned_data["members"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except CaseError as error:
            form.add_error("reason", str(error))
        else:
            messages.success(request, f"Case {case.reference} is restricted to the named users.")
            return redirect(case)
    return render(
        request,
        "cases/case_restrict.html",
        {"case": case, "form": form, "restriction": restriction},
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


@require_POST
def case_lift_restriction(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    case = get_case_for_user(request.user, case_id, need=CaseNeed.RESTRICT)
    if services.lift_case_restriction(case=case, by=request.user):
        messages.success(request, f"Case {case.reference} is no longer restricted.")
    else:
        messages.info(request, "This case was not restricted.")
    return redirect(case)


# --- Break-glass ----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def break_glass(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not can_break_glass(request.user):
        raise Http404
    form = BreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data["reason"]
        try:
            case = get_case_for_break_glass(
                request.user, form.cleaned_data["reference"], justification=reason
            )
        except Http404:
            form.add_error(
                "reference",
                "No restricted case you could open has this reference (check it, or ask the "
                "tactical lead to name you on the case).",
            )
        else:
            access = services.break_glass(
                case=case, by=request.user, reason=reason, now=timezone.now()
            )
            messages.warning(
                request,
                f"You have opened case {case.reference} by breaking glass until "
                f"{timezone.localtime(access.expires_at):%H:%M}. The tactical lead and the "
                "auditor have been told.",
            )
            return redirect(case)
    return render(
        request,
        "cases/break_glass.html",
        {"form": form, "settings_hours": settings.HUB_BREAK_GLASS_HOURS},
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


@require_GET
def break_glass_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not is_auditor(request.user):
        raise Http404
    page = Paginator(restrictions.break_glass_accesses(), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "cases/breakglass_list.html",
        {"page": page, "now": timezone.now()},
    )


@require_GET
def unusual_access(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not is_auditor(request.user):
        raise Http404
    findings = UnusualAccess.objects.select_related("user", "case").order_by(
        "-period_start", "rule", "pk"
    )
    page = Paginator(findings, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "cases/unusualaccess_list.html", {"page": page})


# --- Restricted persons (the information manager) -------------------------------------------


@require_http_methods(["GET", "POST"])
def restricted_people(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The current restrictions, and a search (POST: the name stays out of the URL)."""
    if not can_restrict_persons(request.user):
        raise Http404
    form = PersonFindForm(request.POST or None)
    found = None
    if request.method == "POST" and form.is_valid():
        found = restrictions.find_people(
            request.user,
            name=form.cleaned_data["name"],
            date_of_birth=form.cleaned_data["date_of_birth"],
        )
    return render(
        request,
        "cases/restricted_people.html",
        {
            "form": form,
            "found": found,
            "restricted": list(restrictions.restricted_people(request.user)[:200]),
            "max_found": restrictions.MAX_FOUND,
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


@require_http_methods(["GET", "POST"])
def person_restrict(request: AuthenticatedHttpRequest, person_id: int) -> HttpResponse:
    person = get_person_for_user(request.user, person_id, need=PersonNeed.RESTRICT)
    restriction = getattr(person, "restriction", None)
    form = PersonRestrictForm(
        request.POST or None, initial={"reason": restriction.reason} if restriction else {}
    )
    if request.method == "POST" and form.is_valid():
        services.restrict_person(person=person, reason=form.cleaned_data["reason"], by=request.user)
        messages.success(request, f"Processing of person #{person.pk} is restricted.")
        return redirect("cases:restricted_people")
    return render(
        request,
        "cases/person_restrict.html",
        {"person": person, "form": form, "restriction": restriction},
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


@require_POST
def person_lift_restriction(request: AuthenticatedHttpRequest, person_id: int) -> HttpResponse:
    person = get_person_for_user(request.user, person_id, need=PersonNeed.RESTRICT)
    if services.lift_person_restriction(person=person, by=request.user):
        messages.success(request, f"Processing of person #{person.pk} is no longer restricted.")
    else:
        messages.info(request, "This person's processing was not restricted.")
    return redirect("cases:restricted_people")

"""Clinic referrals: the list, referring a case, a repeat raised by hand, accept and return."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases.permissions import CaseNeed, get_case_for_user
from clinic import selectors
from clinic.errors import ClinicError
from clinic.forms import ReferralForm, RepeatForm, ReturnForm
from clinic.models import ClinicReferral
from clinic.permissions import (
    ClinicNeed,
    can_list_clinic_referrals,
    can_manage_clinic,
    can_raise_repeat,
    get_clinic_referral_for_user,
)
from clinic.services import referrals as services
from clinic.views.common import PAGE_SIZE, done, refused
from foundation.lib.http import AuthenticatedHttpRequest


@require_GET
def referral_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not can_list_clinic_referrals(request.user):
        raise Http404
    state = request.GET.get("state", "")
    if state not in ClinicReferral.State.values:
        state = ""
    page = Paginator(selectors.referral_list(request.user, state=state), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "clinic/referral_list.html",
        {
            "page": page,
            "state": state,
            "states": ClinicReferral.State.choices,
            "query": f"state={state}" if state else "",
            "can_manage": can_manage_clinic(request.user),
            "can_raise_repeat": can_raise_repeat(request.user),
        },
    )


def _case_for(request: AuthenticatedHttpRequest, form: ReferralForm | RepeatForm) -> object:
    """The case named in the form, through the case door; a form error if the user may not
    see it (the same message as a missing case)."""
    case_id = selectors.case_id_by_reference(request.user, form.cleaned_data["case_reference"])
    if case_id is None:
        form.add_error("case_reference", "No case with that reference is open to you.")
        return None
    return get_case_for_user(request.user, case_id, need=CaseNeed.READ)


@require_http_methods(["GET", "POST"])
def referral_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if not can_manage_clinic(user):
        raise Http404
    initial = {"case_reference": request.GET.get("case", "")}
    form = ReferralForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        case = _case_for(request, form)
        if case is not None:
            try:
                referral = services.refer_case(
                    case=case,  # type: ignore[arg-type]
                    criterion=form.cleaned_data["criterion"],
                    priority=form.cleaned_data["priority"],
                    reason=form.cleaned_data["reason"],
                    by=user,
                )
            except ClinicError as error:
                form.add_error(None, str(error))
            else:
                return done(request, f"{referral.reference} is on the waiting list.", referral)
    return render(
        request,
        "clinic/form.html",
        {
            "form": form,
            "title": "Refer a case to the stalking clinic",
            "intro": "A referral by the hub joins the waiting list at once; allocation lists "
            "it at the next meeting with room, by priority then age.",
            "submit": "Refer to the clinic",
            "cancel": "clinic:referral_list",
        },
    )


@require_http_methods(["GET", "POST"])
def repeat_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if not can_raise_repeat(user):
        raise Http404
    form = RepeatForm(request.POST or None, initial={"case_reference": request.GET.get("case", "")})
    if request.method == "POST" and form.is_valid():
        case = _case_for(request, form)
        if case is not None:
            try:
                referral = services.raise_repeat(
                    case=case,  # type: ignore[arg-type]
                    incident_on=form.cleaned_data["incident_on"],
                    note=form.cleaned_data["note"],
                    by=user,
                )
            except ClinicError as error:
                form.add_error(None, str(error))
            else:
                return done(
                    request,
                    f"Repeat incident reported ({referral.reference}); the coordinator will "
                    "confirm it.",
                    referral,
                )
    return render(
        request,
        "clinic/form.html",
        {
            "form": form,
            "title": "Report a repeat incident",
            "intro": "A new incident on a case shared with your agency, 1 to 365 days after its "
            "last clinic referral, goes back to the clinic once the coordinator confirms it.",
            "submit": "Report the incident",
            "cancel": "clinic:referral_list",
        },
    )


@require_GET
def referral_detail(request: AuthenticatedHttpRequest, referral_id: int) -> HttpResponse:
    referral = get_clinic_referral_for_user(request.user, referral_id)
    return render(
        request,
        "clinic/referral_detail.html",
        {
            "referral": referral,
            "item": getattr(referral, "agenda_item", None),
            "can_manage": can_manage_clinic(request.user),
            "can_see_case": selectors.cases_linkable(request.user, [referral.case_id]) != set(),
        },
    )


@require_POST
def referral_accept(request: AuthenticatedHttpRequest, referral_id: int) -> HttpResponse:
    referral = get_clinic_referral_for_user(request.user, referral_id, need=ClinicNeed.DECIDE)
    try:
        services.accept_referral(referral=referral, by=request.user)
    except ClinicError as error:
        return refused(request, error, referral)
    return done(request, f"{referral.reference} accepted: it is on the waiting list.", referral)


@require_http_methods(["GET", "POST"])
def referral_return(request: AuthenticatedHttpRequest, referral_id: int) -> HttpResponse:
    referral = get_clinic_referral_for_user(request.user, referral_id, need=ClinicNeed.DECIDE)
    form = ReturnForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.return_referral(
                referral=referral, reason=form.cleaned_data["reason"], by=request.user
            )
        except ClinicError as error:
            return refused(request, error, referral)
        return done(request, f"{referral.reference} returned.", referral)
    return render(
        request,
        "clinic/form.html",
        {
            "form": form,
            "title": f"Return clinic referral {referral.reference}",
            "submit": "Return the referral",
            "cancel_url": referral.get_absolute_url(),
        },
    )

"""Referral pages: the list, drafting, the detail with its history, and the decisions.

Each view: access (404 when denied) → form → service → redirect or render. A rule broken by a
stale page (someone else decided first) comes back as a message, not an error page.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases.models import Facet
from cases.permissions import CaseNeed, cases_visible_to, facets_for, get_case_for_user
from cases.selectors import case_areas
from foundation.accounts.roles import is_hub_staff
from foundation.lib.http import AuthenticatedHttpRequest
from referrals import selectors
from referrals.errors import ReferralError
from referrals.forms import (
    AcceptForm,
    AllocateForm,
    CloseReferralForm,
    DeclineForm,
    ReferralFilterForm,
    ReferralForm,
)
from referrals.models import Referral
from referrals.permissions import (
    ReferralNeed,
    can_allocate_referral,
    can_close_referral,
    can_decide_referral,
    can_edit_referral,
    can_list_referrals,
    can_refer,
    can_send_referral,
    can_start_referral,
    casework_visible_to,
    get_referral_for_user,
    is_isac_of,
)
from referrals.services import referrals as services
from referrals.views.common import PAGE_SIZE, query_without_page


@require_GET
def referral_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not can_list_referrals(request.user):
        raise Http404
    form = ReferralFilterForm(request.GET or None)
    state = form.cleaned_data["state"] if form.is_valid() else ""
    referrals = selectors.referral_list(request.user, state=state)
    page = Paginator(referrals, PAGE_SIZE).get_page(request.GET.get("page"))
    case_ids = {referral.case_id for referral in page.object_list}
    return render(
        request,
        "referrals/referral_list.html",
        {
            "form": form,
            "page": page,
            "hub_staff": is_hub_staff(request.user),
            # A case reference is a link where the user may open the case (one query).
            "open_case_ids": set(
                cases_visible_to(request.user).filter(pk__in=case_ids).values_list("pk", flat=True)
            ),
            "query": query_without_page(request),
            "can_refer": can_refer(request.user),
            "now": timezone.now(),
        },
    )


@require_http_methods(["GET", "POST"])
def referral_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    # The case through its door first, once: a refused role or a malformed id is recorded
    # denied (404), like any other refused attempt on the case.
    case = (
        get_case_for_user(user, request.GET["case"], need=CaseNeed.READ, permitted=can_refer(user))
        if request.GET.get("case")
        else None
    )
    if not can_refer(user):
        raise Http404
    form = ReferralForm(request.POST or None, user=user, case=case)
    if request.method == "POST" and form.is_valid():
        assert form.case is not None  # set by clean_case_reference
        try:
            referral = services.create_referral(case=form.case, details=form.details(), by=user)
        except ReferralError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Referral {referral.reference} saved as a draft.")
            return redirect(referral)
    return render(request, "referrals/referral_form.html", {"form": form, "referral": None})


@require_http_methods(["GET", "POST"])
def referral_edit(request: AuthenticatedHttpRequest, referral_id: int) -> HttpResponse:
    user = request.user
    referral = get_referral_for_user(user, referral_id, need=ReferralNeed.EDIT)
    if not can_edit_referral(user, referral):
        messages.error(request, f"Referral {referral.reference} was sent; it cannot be changed.")
        return redirect(referral)
    form = ReferralForm(
        request.POST or None,
        user=user,
        case=referral.case,
        initial=ReferralForm.initial_for(referral),
    )
    form.fields["case_reference"].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            services.update_referral(referral=referral, details=form.details(), by=user)
        except ReferralError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Draft saved.")
            return redirect(referral)
    return render(request, "referrals/referral_form.html", {"form": form, "referral": referral})


@require_GET
def referral_detail(request: AuthenticatedHttpRequest, referral_id: int) -> HttpResponse:
    user = request.user
    referral = get_referral_for_user(user, referral_id)
    consent_problem = ""
    if referral.state == Referral.State.DRAFT:
        try:
            services.check_consent(referral)
        except ReferralError as error:
            consent_problem = str(error)
    hub_staff = is_hub_staff(user)
    # What the receiving agency sees of the case comes from its live shares' facets alone:
    # before acceptance the existence, reason, area and risk level (docs/referrals.md).
    facets = facets_for(user, referral.case)
    return render(
        request,
        "referrals/referral_detail.html",
        {
            "referral": referral,
            "hub_staff": hub_staff,
            "case_areas": case_areas(referral.case) if facets else [],
            "show_risk": Facet.RISK_SUMMARY in facets,
            "case_open_to_user": bool(facets),
            "history": selectors.referral_history(referral),
            "now": timezone.now(),
            "consent_problem": consent_problem,
            "can_see_case": bool(facets),
            "can_see_casework": casework_visible_to(user).filter(pk=referral.pk).exists(),
            "can_edit": can_edit_referral(user, referral),
            "can_send": can_send_referral(user, referral),
            "can_decide": can_decide_referral(user, referral),
            "can_allocate": can_allocate_referral(user, referral),
            "can_start": can_start_referral(user, referral),
            "can_close": can_close_referral(user, referral),
            "is_isac": is_isac_of(user, referral.agency),
        },
    )


@require_POST
def referral_send(request: AuthenticatedHttpRequest, referral_id: int) -> HttpResponse:
    referral = get_referral_for_user(request.user, referral_id, need=ReferralNeed.SEND)
    try:
        services.send_referral(referral=referral, by=request.user)
    except ReferralError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Referral {referral.reference} sent to {referral.agency.name}.")
    return redirect(referral)


@require_http_methods(["GET", "POST"])
def referral_accept(request: AuthenticatedHttpRequest, referral_id: int) -> HttpResponse:
    user = request.user
    referral = get_referral_for_user(user, referral_id, need=ReferralNeed.DECIDE)
    # Every field is optional, so an empty POST is still a decision.
    form = AcceptForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.accept_referral(
                referral=referral, by=user, take_it=form.cleaned_data["take_it"]
            )
        except ReferralError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"Referral {referral.reference} accepted.")
        return redirect(referral)
    return render(
        request,
        "referrals/referral_accept.html",
        {"referral": referral, "form": form, "is_isac": referral.is_isac},
    )


@require_http_methods(["GET", "POST"])
def referral_decline(request: AuthenticatedHttpRequest, referral_id: int) -> HttpResponse:
    user = request.user
    referral = get_referral_for_user(user, referral_id, need=ReferralNeed.DECIDE)
    form = DeclineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.decline_referral(
                referral=referral, reason=form.cleaned_data["reason"], by=user
            )
        except ReferralError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"Referral {referral.reference} declined.")
        return redirect(referral)
    return render(request, "referrals/referral_decline.html", {"referral": referral, "form": form})


@require_http_methods(["GET", "POST"])
def referral_allocate(request: AuthenticatedHttpRequest, referral_id: int) -> HttpResponse:
    user = request.user
    referral = get_referral_for_user(user, referral_id, need=ReferralNeed.ALLOCATE)
    form = AllocateForm(request.POST or None, referral=referral, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            services.allocate_referral(
                referral=referral, caseworker=form.cleaned_data["caseworker"], by=user
            )
        except ReferralError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"Referral {referral.reference} allocated.")
        return redirect(referral)
    return render(request, "referrals/referral_allocate.html", {"referral": referral, "form": form})


@require_POST
def referral_start(request: AuthenticatedHttpRequest, referral_id: int) -> HttpResponse:
    referral = get_referral_for_user(request.user, referral_id, need=ReferralNeed.START)
    try:
        services.start_referral(referral=referral, by=request.user)
    except ReferralError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Referral {referral.reference} marked active.")
    return redirect(referral)


@require_http_methods(["GET", "POST"])
def referral_close(request: AuthenticatedHttpRequest, referral_id: int) -> HttpResponse:
    user = request.user
    referral = get_referral_for_user(user, referral_id, need=ReferralNeed.CLOSE)
    if referral.is_isac and is_isac_of(user, referral.agency):
        # The ISAC closes its casework with the exit outcomes.
        return redirect("referrals:casework_close", referral_id=referral.pk)
    form = CloseReferralForm(request.POST or None, referral=referral)
    if request.method == "POST" and form.is_valid():
        try:
            services.close_referral(
                referral=referral,
                reason=form.cleaned_data["reason"],
                notes=form.cleaned_data["notes"],
                by=user,
            )
        except ReferralError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"Referral {referral.reference} closed.")
        return redirect(referral)
    return render(request, "referrals/referral_close.html", {"referral": referral, "form": form})

"""ISAC casework pages. Reads go through the referral's door with need CASEWORK (the ISAC
service; the coordinator only with the victim's consent); writes with CASEWORK_WRITE (the
service's ISACs while the referral is open). Safe-contact instructions head every page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from foundation.accounts.models import Agency
from foundation.lib.http import AuthenticatedHttpRequest
from referrals import selectors
from referrals.errors import ReferralError
from referrals.forms import (
    CloseCaseworkForm,
    ContactForm,
    MilestoneForm,
    OutcomeForm,
    SafetyPlanForm,
    SpecialistRiskForm,
    SupportNeedForm,
    SupportNeedStatusForm,
)
from referrals.models import OutcomeMeasure, Referral
from referrals.permissions import (
    ReferralNeed,
    can_view_caseload,
    can_view_outcomes,
    can_write_casework,
    casework_visible_to,
    get_referral_for_user,
)
from referrals.services import casework as services


@require_GET
def casework_detail(request: AuthenticatedHttpRequest, referral_id: int) -> HttpResponse:
    referral = get_referral_for_user(request.user, referral_id, need=ReferralNeed.CASEWORK)
    return render(
        request,
        "referrals/casework_detail.html",
        {
            "referral": referral,
            "casework": selectors.casework_for(referral),
            "can_write": can_write_casework(request.user, referral),
            "status_form": SupportNeedStatusForm(),
        },
    )


def _casework_form_page(
    request: AuthenticatedHttpRequest,
    referral: Referral,
    form: forms.Form,
    *,
    title: str,
    submit: str,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    return render(
        request,
        "referrals/casework_form.html",
        {"referral": referral, "form": form, "title": title, "submit": submit, **(extra or {})},
    )


@require_http_methods(["GET", "POST"])
def contact_create(request: AuthenticatedHttpRequest, referral_id: int) -> HttpResponse:
    referral = get_referral_for_user(request.user, referral_id, need=ReferralNeed.CASEWORK_WRITE)
    form = ContactForm(
        request.POST or None,
        initial={"contact_at": timezone.localtime().replace(second=0, microsecond=0)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.record_contact(referral=referral, by=request.user, **form.cleaned_data)
        except ReferralError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Contact recorded.")
            return redirect("referrals:casework", referral_id=referral.pk)
    return _casework_form_page(request, referral, form, title="Record a contact", submit="Save")


@require_http_methods(["GET", "POST"])
def risk_create(request: AuthenticatedHttpRequest, referral_id: int) -> HttpResponse:
    referral = get_referral_for_user(request.user, referral_id, need=ReferralNeed.CASEWORK_WRITE)
    form = SpecialistRiskForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_specialist_risk(referral=referral, by=request.user, **form.cleaned_data)
        except ReferralError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Risk assessment recorded.")
            return redirect("referrals:casework", referral_id=referral.pk)
    return _casework_form_page(
        request, referral, form, title="Specialist risk assessment", submit="Save"
    )


@require_GET
def safety_plan(request: AuthenticatedHttpRequest, referral_id: int) -> HttpResponse:
    referral = get_referral_for_user(request.user, referral_id, need=ReferralNeed.CASEWORK)
    versions = list(selectors.safety_plan_versions(referral))
    return render(
        request,
        "referrals/safetyplan_list.html",
        {
            "referral": referral,
            "versions": versions,
            "current": versions[0] if versions else None,
            "can_write": can_write_casework(request.user, referral),
        },
    )


@require_GET
def safety_plan_version(
    request: AuthenticatedHttpRequest, referral_id: int, version: int
) -> HttpResponse:
    referral = get_referral_for_user(request.user, referral_id, need=ReferralNeed.CASEWORK)
    plan = selectors.safety_plan_versions(referral).filter(version=version).first()
    if plan is None:
        raise Http404
    return render(request, "referrals/safetyplan_detail.html", {"referral": referral, "plan": plan})


@require_http_methods(["GET", "POST"])
def safety_plan_create(request: AuthenticatedHttpRequest, referral_id: int) -> HttpResponse:
    referral = get_referral_for_user(request.user, referral_id, need=ReferralNeed.CASEWORK_WRITE)
    current = referral.safety_plans.filter(is_current=True).first()
    initial = (
        {
            "measures": current.measures,
            "responsibilities": current.responsibilities,
            "review_on": current.review_on,
        }
        if current
        else {}
    )
    form = SafetyPlanForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.save_safety_plan(
                referral=referral, by=request.user, **form.cleaned_data
            )
        except ReferralError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Safety plan version {plan.version} saved.")
            return redirect("referrals:safety_plan", referral_id=referral.pk)
    title = f"Safety plan: new version (replaces v{current.version})" if current else "Safety plan"
    return _casework_form_page(request, referral, form, title=title, submit="Save as new version")


@require_http_methods(["GET", "POST"])
def need_create(request: AuthenticatedHttpRequest, referral_id: int) -> HttpResponse:
    referral = get_referral_for_user(request.user, referral_id, need=ReferralNeed.CASEWORK_WRITE)
    form = SupportNeedForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_support_need(referral=referral, by=request.user, **form.cleaned_data)
        except ReferralError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Support need recorded.")
            return redirect("referrals:casework", referral_id=referral.pk)
    return _casework_form_page(request, referral, form, title="Add a support need", submit="Save")


@require_POST
def need_status(request: AuthenticatedHttpRequest, referral_id: int, need_id: int) -> HttpResponse:
    referral = get_referral_for_user(request.user, referral_id, need=ReferralNeed.CASEWORK_WRITE)
    need = referral.support_needs.filter(pk=need_id).first()
    form = SupportNeedStatusForm(request.POST)
    if need is None:
        # A stale page (the referral was opened, and is recorded as such): say so.
        messages.error(request, "That support need is no longer on this referral.")
        return redirect("referrals:casework", referral_id=referral.pk)
    if form.is_valid():
        try:
            services.set_support_need_status(
                need=need, status=form.cleaned_data["status"], by=request.user
            )
        except ReferralError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "Support need updated.")
    else:
        messages.error(request, "Choose a status.")
    return redirect("referrals:casework", referral_id=referral.pk)


@require_http_methods(["GET", "POST"])
def milestone_create(request: AuthenticatedHttpRequest, referral_id: int) -> HttpResponse:
    referral = get_referral_for_user(request.user, referral_id, need=ReferralNeed.CASEWORK_WRITE)
    form = MilestoneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_milestone(referral=referral, by=request.user, **form.cleaned_data)
        except ReferralError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Milestone recorded.")
            return redirect("referrals:casework", referral_id=referral.pk)
    return _casework_form_page(
        request, referral, form, title="Criminal-justice milestone", submit="Save"
    )


@require_http_methods(["GET", "POST"])
def intake_outcome(request: AuthenticatedHttpRequest, referral_id: int) -> HttpResponse:
    referral = get_referral_for_user(request.user, referral_id, need=ReferralNeed.CASEWORK_WRITE)
    existing = referral.outcomes.filter(stage=OutcomeMeasure.Stage.INTAKE).first()
    initial = (
        {
            "abuse": existing.abuse,
            "feels_safe": existing.feels_safe,
            "quality_of_life": existing.quality_of_life,
            "police_confidence": "declined"
            if existing.confidence_declined
            else existing.police_confidence,
            "what_would_have_helped": existing.what_would_have_helped,
            "outcome_notes": existing.notes,
        }
        if existing
        else {}
    )
    form = OutcomeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_outcome(
                referral=referral,
                stage=OutcomeMeasure.Stage.INTAKE,
                answers=form.answers(),
                by=request.user,
            )
        except ReferralError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Intake answers recorded.")
            return redirect("referrals:casework", referral_id=referral.pk)
    return _casework_form_page(
        request,
        referral,
        form,
        title="Intake: how things are now",
        submit="Save",
        extra={"intro": "Asked at the start of advocacy; the same questions are asked at exit."},
    )


@require_http_methods(["GET", "POST"])
def casework_close(request: AuthenticatedHttpRequest, referral_id: int) -> HttpResponse:
    referral = get_referral_for_user(request.user, referral_id, need=ReferralNeed.CASEWORK_WRITE)
    form = CloseCaseworkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.close_casework(
                referral=referral,
                reason=form.cleaned_data["reason"],
                notes=form.cleaned_data["notes"],
                exit_answers=form.answers(),
                by=request.user,
            )
        except ReferralError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Casework for {referral.reference} closed.")
            return redirect("referrals:casework", referral_id=referral.pk)
    return _casework_form_page(
        request,
        referral,
        form,
        title="Close the casework",
        submit="Close casework",
        extra={"intro": "Record the exit answers: the same questions as at intake."},
    )


@require_GET
def caseload(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if not can_view_caseload(user) or user.agency is None:
        raise Http404
    now = timezone.now()
    loads, unallocated = selectors.caseload(user.agency, now=now)
    return render(
        request,
        "referrals/referral_caseload.html",
        {
            "loads": loads,
            "unallocated": unallocated,
            "agency": user.agency,
            "now": now,
            "contact_due_days": selectors.CONTACT_DUE_AFTER.days,
        },
    )


@require_GET
def outcomes(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if not can_view_outcomes(user):
        raise Http404
    # The hub counts only casework it may read (consented); a manager, their whole service.
    scope = casework_visible_to(user)
    if user.agency is not None and user.agency.kind == Agency.Kind.ISAC_SERVICE:
        scope = scope.filter(agency=user.agency)
    return render(
        request,
        "referrals/referral_outcomes.html",
        {"summary": selectors.advocacy_outcomes(scope), "abuse_labels": OutcomeMeasure.Abuse},
    )

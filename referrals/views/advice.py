"""Advice-request pages: submit (guidance first), my requests, the hub's queue, answer, rate,
and the guidance that grows out of frequent questions."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases.permissions import logs_visible_to
from foundation.lib.http import AuthenticatedHttpRequest
from referrals import selectors
from referrals.errors import ReferralError
from referrals.forms import (
    AdviceCategoryForm,
    AdviceQueueFilterForm,
    AdviceRequestForm,
    AnswerForm,
    GuidanceForm,
    RatingForm,
)
from referrals.models import AdviceCategory
from referrals.permissions import (
    AdviceNeed,
    can_answer_advice,
    can_manage_guidance,
    can_rate_advice,
    can_submit_advice,
    can_use_advice_queue,
    get_advice_request_for_user,
    get_guidance_for_user,
)
from referrals.services import advice as services
from referrals.views.common import PAGE_SIZE, query_without_page


@require_GET
def advice_mine(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not can_submit_advice(request.user):
        raise Http404
    page = Paginator(selectors.own_advice_requests(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "referrals/advicerequest_mine.html",
        {"page": page, "query": "", "now": timezone.now()},
    )


@require_http_methods(["GET", "POST"])
def advice_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Two steps without JavaScript: pick the topic, read its guidance, then ask."""
    if not can_submit_advice(request.user):
        raise Http404
    if request.method == "POST":
        form = AdviceRequestForm(request.POST)
        if form.is_valid():
            try:
                advice = services.submit_advice_request(by=request.user, **form.cleaned_data)
            except ReferralError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    f"Request {advice.reference} sent. An answer is due by "
                    f"{timezone.localtime(advice.due_at):%A %d %B %Y, %H:%M}.",
                )
                return redirect(advice)
        category = request.POST.get("category", "")
    else:
        topic = AdviceCategoryForm(request.GET or None)
        if not topic.is_valid():
            return render(request, "referrals/advicerequest_topic.html", {"form": topic})
        category = topic.cleaned_data["category"]
        form = AdviceRequestForm(initial={"category": category})
    return render(
        request,
        "referrals/advicerequest_form.html",
        {
            "form": form,
            "category_label": AdviceCategory(category).label
            if category in AdviceCategory.values
            else "",
            "guidance": selectors.published_guidance(category),
        },
    )


@require_GET
def advice_queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not can_use_advice_queue(request.user):
        raise Http404
    form = AdviceQueueFilterForm(request.GET or None)
    show = (form.cleaned_data["show"] if form.is_valid() else "") or "open"
    page = Paginator(selectors.advice_queue(request.user, show=show), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "referrals/advicerequest_queue.html",
        {
            "form": form,
            "page": page,
            "show": show,
            "query": query_without_page(request),
            "now": timezone.now(),
        },
    )


@require_GET
def advice_detail(request: AuthenticatedHttpRequest, advice_id: int) -> HttpResponse:
    user = request.user
    advice = get_advice_request_for_user(user, advice_id)
    is_requester = advice.requester_id == user.pk
    # The linked log is shown only to those who may open it; the requester is never told
    # whether their reference matched anything.
    linked_log = (
        advice.crime_log
        if advice.crime_log_id is not None
        and logs_visible_to(user).filter(pk=advice.crime_log_id).exists()
        else None
    )
    return render(
        request,
        "referrals/advicerequest_detail.html",
        {
            "advice": advice,
            "is_requester": is_requester,
            "linked_log": linked_log,
            "can_answer": can_answer_advice(user, advice),
            "can_rate": can_rate_advice(user, advice),
            "can_make_guidance": can_manage_guidance(user) and advice.is_answered,
            "rating_form": RatingForm(initial={"rating": advice.rating or None}),
            "now": timezone.now(),
        },
    )


@require_http_methods(["GET", "POST"])
def advice_answer(request: AuthenticatedHttpRequest, advice_id: int) -> HttpResponse:
    advice = get_advice_request_for_user(request.user, advice_id, need=AdviceNeed.ANSWER)
    if advice.is_answered:
        messages.info(request, f"{advice.reference} has already been answered.")
        return redirect(advice)
    form = AnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.answer_advice_request(
                advice=advice, answer=form.cleaned_data["answer"], by=request.user
            )
        except ReferralError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Answer sent for {advice.reference}.")
            return redirect(advice)
    return render(
        request,
        "referrals/advicerequest_answer.html",
        {"advice": advice, "form": form, "now": timezone.now()},
    )


@require_POST
def advice_rate(request: AuthenticatedHttpRequest, advice_id: int) -> HttpResponse:
    advice = get_advice_request_for_user(request.user, advice_id, need=AdviceNeed.RATE)
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            services.rate_advice(advice=advice, rating=form.cleaned_data["rating"], by=request.user)
        except ReferralError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "Thank you: your rating helps the hub improve its advice.")
    else:
        messages.error(request, "Choose useful or not useful.")
    return redirect(advice)


@require_http_methods(["GET", "POST"])
def guidance_from_request(request: AuthenticatedHttpRequest, advice_id: int) -> HttpResponse:
    advice = get_advice_request_for_user(request.user, advice_id, need=AdviceNeed.MAKE_GUIDANCE)
    form = GuidanceForm(
        request.POST or None,
        initial={"category": advice.category, "body": advice.answer, "is_published": False},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.create_guidance(by=request.user, source_request=advice, **form.cleaned_data)
        except ReferralError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Guidance saved.")
            return redirect("referrals:guidance_list")
    return render(
        request,
        "referrals/guidance_form.html",
        {"form": form, "source": advice, "guidance": None},
    )


@require_GET
def guidance_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not can_manage_guidance(request.user):
        raise Http404
    page = Paginator(selectors.guidance_list(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "referrals/guidance_list.html", {"page": page, "query": ""})


@require_http_methods(["GET", "POST"])
def guidance_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not can_manage_guidance(request.user):
        raise Http404
    form = GuidanceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.create_guidance(by=request.user, **form.cleaned_data)
        except ReferralError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Guidance saved.")
            return redirect("referrals:guidance_list")
    return render(
        request, "referrals/guidance_form.html", {"form": form, "source": None, "guidance": None}
    )


@require_http_methods(["GET", "POST"])
def guidance_edit(request: AuthenticatedHttpRequest, guidance_id: int) -> HttpResponse:
    guidance = get_guidance_for_user(request.user, guidance_id)
    form = GuidanceForm(
        request.POST or None,
        initial={
            "title": guidance.title,
            "category": guidance.category,
            "body": guidance.body,
            "is_published": guidance.is_published,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_guidance(guidance=guidance, by=request.user, **form.cleaned_data)
        except ReferralError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Guidance saved.")
            return redirect("referrals:guidance_list")
    return render(
        request,
        "referrals/guidance_form.html",
        {"form": form, "source": guidance.source_request, "guidance": guidance},
    )

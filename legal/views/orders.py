"""Orders, their terms, service and notifications, breaches and breach candidates. Each view:
access (a door, 404 when denied) -> form -> service -> redirect or render."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from foundation.lib.http import AuthenticatedHttpRequest
from legal import selectors, services
from legal.forms import (
    BreachForm,
    BreachResponseForm,
    NotificationChangeForm,
    NotifiedForm,
    OrderForm,
    ServiceForm,
    TermForm,
)
from legal.models import OrderTerm
from legal.permissions import (
    LegalNeed,
    can_manage_legal,
    can_read_files,
    can_read_privileged,
    get_breach_for_user,
    get_candidate_for_user,
    get_file_for_user,
    get_notification_for_user,
    get_order_for_user,
)
from legal.views.common import form_page, handle

# --- Orders ---------------------------------------------------------------------------------


def _terms(data: dict[str, Any]) -> list[services.TermSpec]:
    terms = []
    for kind, key in (
        (OrderTerm.Kind.PROHIBITION, "prohibitions"),
        (OrderTerm.Kind.REQUIREMENT, "requirements"),
    ):
        terms += [
            services.TermSpec(kind, line) for line in data.pop(key, "").splitlines() if line.strip()
        ]
    return terms


@require_http_methods(["GET", "POST"])
def order_create(request: AuthenticatedHttpRequest, file_id: int) -> HttpResponse:
    file = get_file_for_user(request.user, file_id, need=LegalNeed.MANAGE)
    form = OrderForm(request.POST or None, file=file)

    def record(data: dict[str, Any]) -> object:
        data = dict(data)
        data.pop("until_further_order", None)
        terms = _terms(data)
        return services.record_order(file=file, terms=terms, by=request.user, **data)

    response = handle(
        request, form, record, success="Order recorded.", then=file.get_absolute_url()
    )
    return response or form_page(
        request, form, title="Record an order made", submit="Record", back=file.get_absolute_url()
    )


@require_GET
def order_detail(request: AuthenticatedHttpRequest, order_id: int) -> HttpResponse:
    order = get_order_for_user(request.user, order_id)
    order = selectors.order_queryset().get(pk=order.pk)
    return render(
        request,
        "legal/order_detail.html",
        {
            "order": order,
            "case": order.file.case,
            "hub_view": can_read_files(request.user),
            "can_manage": can_manage_legal(request.user),
            "privileged": can_read_privileged(request.user, order.file.case_id),
            "today": timezone.localdate(),
        },
    )


def _order_form(
    request: AuthenticatedHttpRequest,
    order_id: int,
    form_class: type[forms.Form],
    action: Callable[..., object],
    *,
    title: str,
    success: str,
) -> HttpResponse:
    order = get_order_for_user(request.user, order_id, need=LegalNeed.MANAGE)
    form = form_class(request.POST or None)
    response = handle(
        request,
        form,
        lambda data: action(order=order, by=request.user, **data),
        success=success,
        then=order.get_absolute_url(),
    )
    return response or form_page(
        request, form, title=title, submit="Record", back=order.get_absolute_url()
    )


@require_http_methods(["GET", "POST"])
def term_create(request: AuthenticatedHttpRequest, order_id: int) -> HttpResponse:
    return _order_form(
        request, order_id, TermForm, services.add_term, title="Add a term", success="Term added."
    )


@require_http_methods(["GET", "POST"])
def service_record(request: AuthenticatedHttpRequest, order_id: int) -> HttpResponse:
    return _order_form(
        request,
        order_id,
        ServiceForm,
        services.record_service,
        title="Record service of the order",
        success="Service recorded; the notification deadline is on the file.",
    )


@require_http_methods(["GET", "POST"])
def notification_change(request: AuthenticatedHttpRequest, order_id: int) -> HttpResponse:
    return _order_form(
        request,
        order_id,
        NotificationChangeForm,
        services.record_notification_change,
        title="A new name or address: a new notification period (s.9)",
        success="Notification period recorded.",
    )


@require_http_methods(["GET", "POST"])
def breach_create(request: AuthenticatedHttpRequest, order_id: int) -> HttpResponse:
    return _order_form(
        request,
        order_id,
        BreachForm,
        services.record_breach,
        title="Record a breach",
        success="Breach recorded.",
    )


@require_http_methods(["GET", "POST"])
def notified(request: AuthenticatedHttpRequest, notification_id: int) -> HttpResponse:
    notification = get_notification_for_user(request.user, notification_id)
    form = NotifiedForm(request.POST or None)
    back = notification.order.get_absolute_url()
    response = handle(
        request,
        form,
        lambda data: services.record_notified(notification=notification, by=request.user, **data),
        success="Notification recorded.",
        then=back,
    )
    return response or form_page(
        request, form, title="Record the respondent's notification", submit="Record", back=back
    )


@require_http_methods(["GET", "POST"])
def breach_response(request: AuthenticatedHttpRequest, breach_id: int) -> HttpResponse:
    breach = get_breach_for_user(request.user, breach_id)
    form = BreachResponseForm(
        request.POST or None,
        initial={"response": breach.response, "sentence": breach.sentence, "notes": breach.notes},
    )
    back = breach.order.get_absolute_url()
    response = handle(
        request,
        form,
        lambda data: services.record_breach_response(breach=breach, by=request.user, **data),
        success="Police response recorded.",
        then=back,
    )
    return response or form_page(
        request, form, title="The police response to the breach", submit="Save", back=back
    )


def _decide(request: AuthenticatedHttpRequest, candidate_id: int, *, confirm: bool) -> HttpResponse:
    candidate = get_candidate_for_user(request.user, candidate_id)
    try:
        if confirm:
            services.confirm_candidate(candidate=candidate, by=request.user)
            messages.success(request, "Confirmed as a breach.")
        else:
            services.dismiss_candidate(candidate=candidate, by=request.user)
            messages.success(request, "Dismissed: not a breach of this order.")
    except services.LegalError as error:
        messages.info(request, str(error))
    return redirect(candidate.order.file)


@require_POST
def candidate_confirm(request: AuthenticatedHttpRequest, candidate_id: int) -> HttpResponse:
    return _decide(request, candidate_id, confirm=True)


@require_POST
def candidate_dismiss(request: AuthenticatedHttpRequest, candidate_id: int) -> HttpResponse:
    return _decide(request, candidate_id, confirm=False)

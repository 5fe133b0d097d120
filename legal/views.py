"""Legal pages: the solicitor's page, order files, orders, hearings, notifications, breaches
and the application pack. Each view: access (a door, 404 when denied) -> form -> service ->
redirect or render. State changes only on POST."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases.models import Facet
from cases.permissions import get_case_for_user
from foundation.lib.dates import EARLIEST_DATE, latest_scheduled_date
from foundation.lib.http import AuthenticatedHttpRequest
from legal import documents, selectors, services
from legal.forms import (
    BreachForm,
    BreachResponseForm,
    EventForm,
    FileEditForm,
    FileOpenForm,
    HearingForm,
    HearingOutcomeForm,
    NotificationChangeForm,
    NotifiedForm,
    OrderForm,
    PackForm,
    ServiceForm,
    TermForm,
    TransitionForm,
    VictimToldForm,
)
from legal.models import FileState, OrderTerm
from legal.permissions import (
    LegalNeed,
    can_manage_legal,
    can_read_files,
    can_read_privileged,
    get_breach_for_user,
    get_candidate_for_user,
    get_file_for_user,
    get_hearing_for_user,
    get_notification_for_user,
    get_order_for_user,
)
from referrals.selectors import advice_queue


def _form_page(
    request: AuthenticatedHttpRequest,
    form: forms.Form,
    *,
    title: str,
    submit: str,
    back: str,
    intro: str = "",
) -> HttpResponse:
    return render(
        request,
        "legal/form.html",
        {"form": form, "title": title, "submit": submit, "cancel_url": back, "intro": intro},
    )


def _handle(
    request: AuthenticatedHttpRequest,
    form: forms.Form,
    action: Callable[[dict[str, Any]], object],
    *,
    success: str,
    then: str,
) -> HttpResponse | None:
    """Run the service on a valid POST; its refusal becomes the form's error. None: render."""
    if request.method == "POST" and form.is_valid():
        try:
            action(form.cleaned_data)
        except services.LegalError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, success)
            return redirect(then)
    return None


# --- The solicitor's page -------------------------------------------------------------------


def _period(request: AuthenticatedHttpRequest, today: date) -> tuple[date, date]:
    """The figures' period from ?from=&to= (ISO dates), by default the last 12 months."""
    default = (today.replace(day=1) - timedelta(days=335)).replace(day=1), today
    try:
        start = (
            date.fromisoformat(request.GET.get("from", ""))
            if request.GET.get("from")
            else default[0]
        )
        end = date.fromisoformat(request.GET.get("to", "")) if request.GET.get("to") else default[1]
    except ValueError:
        return default
    latest = latest_scheduled_date(today)
    if not (EARLIEST_DATE <= start <= end <= latest):
        return default
    return start, end


@require_GET
def legal_home(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not can_read_files(request.user):
        raise Http404
    now = timezone.now()
    today = timezone.localdate(now)
    state = request.GET.get("state", "")
    if state not in FileState.values:
        state = ""
    period = _period(request, today)
    page = selectors.solicitor_page(request.user, now=now, state=state, period=period)
    return render(
        request,
        "legal/home.html",
        {
            "page": page,
            "states": [
                (value, label, page.counts.get(value, 0)) for value, label in FileState.choices
            ],
            "state": state,
            "period": period,
            "advice": list(advice_queue(request.user)[:20])
            if can_manage_legal(request.user)
            else [],
            "can_manage": can_manage_legal(request.user),
            "today": today,
        },
    )


# --- Files ----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def file_create(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    case = get_case_for_user(
        request.user, case_id, need=Facet.ORDERS, permitted=can_manage_legal(request.user)
    )
    form = FileOpenForm(
        request.POST or None,
        case=case,
        initial={
            "solicitor": request.user,
            "applying_force": getattr(request.user.agency, "name", ""),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            file = services.open_file(case=case, by=request.user, **form.cleaned_data)
        except services.LegalError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Order file opened on case {case.reference}.")
            return redirect(file)
    return _form_page(
        request,
        form,
        title=f"Open an order file: case {case.reference}",
        submit="Open the file",
        back=case.get_absolute_url(),
    )


@require_GET
def file_detail(request: AuthenticatedHttpRequest, file_id: int) -> HttpResponse:
    file = get_file_for_user(request.user, file_id)
    today = timezone.localdate()
    page = selectors.file_page(request.user, file, today=today)
    return render(
        request,
        "legal/file_detail.html",
        {
            "file": file,
            "case": file.case,
            "page": page,
            "can_manage": can_manage_legal(request.user),
            "step_form": TransitionForm(initial={"on": today}),
            "today": today,
        },
    )


@require_http_methods(["GET", "POST"])
def file_edit(request: AuthenticatedHttpRequest, file_id: int) -> HttpResponse:
    file = get_file_for_user(request.user, file_id, need=LegalNeed.PRIVILEGED)
    initial = {field: getattr(file, field) for field in services.files.EDITABLE_FIELDS}
    initial["protected_persons"] = list(file.protected_persons.all())
    form = FileEditForm(request.POST or None, case=file.case, initial=initial)
    response = _handle(
        request,
        form,
        lambda data: services.update_file(file=file, by=request.user, **_file_changes(data)),
        success="File updated.",
        then=file.get_absolute_url(),
    )
    return response or _form_page(
        request, form, title="Edit the order file", submit="Save", back=file.get_absolute_url()
    )


def _file_changes(data: dict[str, Any]) -> dict[str, Any]:
    changes = dict(data)
    changes["privileged_notes"] = changes.get("privileged_notes") or ""
    return changes


@require_POST
def file_step(request: AuthenticatedHttpRequest, file_id: int) -> HttpResponse:
    file = get_file_for_user(request.user, file_id, need=LegalNeed.MANAGE)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect(file)
    try:
        services.transition_file(
            file=file,
            key=form.cleaned_data["key"],
            on=form.cleaned_data["on"],
            reasons=form.cleaned_data["reasons"],
            by=request.user,
        )
    except services.LegalError as error:
        messages.error(request, str(error))
    else:
        file.refresh_from_db()
        messages.success(request, f"The file is now: {file.get_state_display().lower()}.")
    return redirect(file)


@require_http_methods(["GET", "POST"])
def pack_edit(request: AuthenticatedHttpRequest, file_id: int) -> HttpResponse:
    file = get_file_for_user(request.user, file_id, need=LegalNeed.MANAGE)
    form = PackForm(
        request.POST or None,
        initial={
            "pack_summary": file.pack_summary,
            "pack_acts": file.pack_acts,
            "pack_proposed_terms": file.pack_proposed_terms,
        },
    )
    response = _handle(
        request,
        form,
        lambda data: services.update_file(file=file, by=request.user, **data),
        success="Pack text saved: download the pack from the file.",
        then=file.get_absolute_url(),
    )
    return response or _form_page(
        request,
        form,
        title="The application pack's text",
        submit="Save",
        back=file.get_absolute_url(),
        intro="The pack can reach the respondent: it carries only what you write here, the "
        "names of the respondent and protected persons, and the risk level. Anything shaped "
        "like a postcode, phone number or e-mail address is withheld.",
    )


def _pack(request: AuthenticatedHttpRequest, file_id: int) -> documents.Pack | HttpResponse:
    file = get_file_for_user(request.user, file_id, need=LegalNeed.DISCLOSE)
    try:
        return documents.pack_for(file, request.user)
    except documents.PackNotReady as error:
        messages.error(request, str(error))
        return redirect("legal:pack", file.pk)


@require_GET
def pack_docx(request: AuthenticatedHttpRequest, file_id: int) -> HttpResponse:
    pack = _pack(request, file_id)
    if isinstance(pack, HttpResponse):
        return pack
    response = HttpResponse(
        documents.pack_docx(pack),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = f'attachment; filename="spo-application-{file_id}.docx"'
    return response


@require_GET
def pack_pdf(request: AuthenticatedHttpRequest, file_id: int) -> HttpResponse:
    pack = _pack(request, file_id)
    if isinstance(pack, HttpResponse):
        return pack
    response = HttpResponse(documents.pack_pdf(pack), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="spo-application-{file_id}.pdf"'
    return response


@require_http_methods(["GET", "POST"])
def event_create(request: AuthenticatedHttpRequest, file_id: int) -> HttpResponse:
    file = get_file_for_user(request.user, file_id, need=LegalNeed.MANAGE)
    form = EventForm(request.POST or None)
    response = _handle(
        request,
        form,
        lambda data: services.record_event(file=file, by=request.user, **data),
        success="Event recorded.",
        then=file.get_absolute_url(),
    )
    return response or _form_page(
        request, form, title="Record an event", submit="Record", back=file.get_absolute_url()
    )


@require_POST
def victim_told(request: AuthenticatedHttpRequest, file_id: int, event_id: int) -> HttpResponse:
    file = get_file_for_user(request.user, file_id, need=LegalNeed.MANAGE)
    event = file.timeline.filter(pk=event_id).first()
    if event is None:
        raise Http404
    form = VictimToldForm(request.POST)
    if form.is_valid():
        try:
            services.mark_victim_told(event=event, by=request.user, **form.cleaned_data)
        except services.LegalError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "Recorded that the victim was told.")
    else:
        messages.error(request, "Give the date the victim was told.")
    return redirect(file)


# --- Hearings -------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def hearing_create(request: AuthenticatedHttpRequest, file_id: int) -> HttpResponse:
    file = get_file_for_user(request.user, file_id, need=LegalNeed.MANAGE)
    form = HearingForm(request.POST or None)
    response = _handle(
        request,
        form,
        lambda data: services.schedule_hearing(file=file, by=request.user, **data),
        success="Hearing listed; you are reminded 7 days and 1 day before.",
        then=file.get_absolute_url(),
    )
    return response or _form_page(
        request, form, title="List a hearing", submit="List", back=file.get_absolute_url()
    )


@require_http_methods(["GET", "POST"])
def hearing_detail(request: AuthenticatedHttpRequest, hearing_id: int) -> HttpResponse:
    hearing = get_hearing_for_user(request.user, hearing_id)
    form = HearingOutcomeForm(
        request.POST or None, initial={"outcome": hearing.outcome, "notes": hearing.notes}
    )
    back = hearing.file.get_absolute_url()
    response = _handle(
        request,
        form,
        lambda data: services.record_hearing_outcome(hearing=hearing, by=request.user, **data),
        success="Hearing updated.",
        then=back,
    )
    return response or _form_page(
        request,
        form,
        title=f"{hearing.get_kind_display()} hearing, "
        f"{timezone.localtime(hearing.starts_at):%d %b %Y %H:%M}",
        submit="Save",
        back=back,
        intro=hearing.court,
    )


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

    response = _handle(
        request, form, record, success="Order recorded.", then=file.get_absolute_url()
    )
    return response or _form_page(
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
            "privileged": can_read_privileged(request.user),
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
    response = _handle(
        request,
        form,
        lambda data: action(order=order, by=request.user, **data),
        success=success,
        then=order.get_absolute_url(),
    )
    return response or _form_page(
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
    response = _handle(
        request,
        form,
        lambda data: services.record_notified(notification=notification, by=request.user, **data),
        success="Notification recorded.",
        then=back,
    )
    return response or _form_page(
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
    response = _handle(
        request,
        form,
        lambda data: services.record_breach_response(breach=breach, by=request.user, **data),
        success="Police response recorded.",
        then=back,
    )
    return response or _form_page(
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

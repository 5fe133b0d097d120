"""The solicitor's page, order files (steps, details, pack, events) and hearings. Each view:
access (a door, 404 when denied) -> form -> service -> redirect or render."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

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
    EventForm,
    FileEditForm,
    FileOpenForm,
    HearingForm,
    HearingOutcomeForm,
    PackForm,
    TransitionForm,
    VictimToldForm,
)
from legal.models import FileState
from legal.permissions import (
    LegalNeed,
    can_manage_legal,
    can_read_files,
    get_file_for_user,
    get_hearing_for_user,
)
from legal.views.common import form_page, handle
from referrals.selectors import advice_queue

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
    return form_page(
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
    response = handle(
        request,
        form,
        lambda data: services.update_file(file=file, by=request.user, **_file_changes(data)),
        success="File updated.",
        then=file.get_absolute_url(),
    )
    return response or form_page(
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
    response = handle(
        request,
        form,
        lambda data: services.update_file(file=file, by=request.user, **data),
        success="Pack text saved: download the pack from the file.",
        then=file.get_absolute_url(),
    )
    return response or form_page(
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
    response = handle(
        request,
        form,
        lambda data: services.record_event(file=file, by=request.user, **data),
        success="Event recorded.",
        then=file.get_absolute_url(),
    )
    return response or form_page(
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
    response = handle(
        request,
        form,
        lambda data: services.schedule_hearing(file=file, by=request.user, **data),
        success="Hearing listed; you are reminded 7 days and 1 day before.",
        then=file.get_absolute_url(),
    )
    return response or form_page(
        request, form, title="List a hearing", submit="List", back=file.get_absolute_url()
    )


@require_http_methods(["GET", "POST"])
def hearing_detail(request: AuthenticatedHttpRequest, hearing_id: int) -> HttpResponse:
    hearing = get_hearing_for_user(request.user, hearing_id)
    form = HearingOutcomeForm(
        request.POST or None, initial={"outcome": hearing.outcome, "notes": hearing.notes}
    )
    back = hearing.file.get_absolute_url()
    response = handle(
        request,
        form,
        lambda data: services.record_hearing_outcome(hearing=hearing, by=request.user, **data),
        success="Hearing updated.",
        then=back,
    )
    return response or form_page(
        request,
        form,
        title=f"{hearing.get_kind_display()} hearing, "
        f"{timezone.localtime(hearing.starts_at):%d %b %Y %H:%M}",
        submit="Save",
        back=back,
        intro=hearing.court,
    )

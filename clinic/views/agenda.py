"""The waiting list and capacity, allocation, the agenda, research, the discussion, minutes
and the printable packs."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clinic import selectors
from clinic.allocation import allocate, capacity_outlook
from clinic.errors import ClinicError
from clinic.forms import (
    ActionForm,
    AmendForm,
    DecisionForm,
    DiscussionForm,
    MinutesForm,
    MoveItemForm,
    ResearchForm,
)
from clinic.packs import agenda_pack, minutes_pdf
from clinic.permissions import (
    ClinicNeed,
    can_chair,
    can_manage_clinic,
    get_item_for_user,
    get_meeting_for_user,
    get_minutes_for_user,
    research_visible_to,
)
from clinic.services import agenda as services
from clinic.services import minutes as minutes_services
from clinic.views.common import done, refused
from foundation.accounts.roles import is_receiving_user
from foundation.lib.http import AuthenticatedHttpRequest


@require_GET
def waiting(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not can_manage_clinic(request.user):
        raise Http404
    now = timezone.now()
    waiting_list = list(selectors.waiting_list(request.user))
    outlook = capacity_outlook(now=now)
    references = {referral.pk: referral for referral in waiting_list}
    return render(
        request,
        "clinic/waiting.html",
        {
            "waiting": waiting_list,
            "outlook": outlook,
            "breaches": [
                (breach, references.get(breach.referral_id)) for breach in outlook.breaches
            ],
            "meetings": selectors.future_meetings_with_room(now=now),
            "now": now,
        },
    )


@require_POST
def allocate_now(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not can_manage_clinic(request.user):
        raise Http404
    result = allocate(now=timezone.now())
    return done(
        request,
        f"Allocated: {result.listed} listed, {result.moved} moved, {result.overflow} still "
        "waiting for room.",
        "clinic:waiting",
    )


@require_POST
def agenda_add(request: AuthenticatedHttpRequest, meeting_id: int) -> HttpResponse:
    meeting = get_meeting_for_user(request.user, meeting_id, need=ClinicNeed.ALLOCATE)
    try:
        referral_id = int(request.POST.get("referral", ""))
    except ValueError:
        # A broken form (the meeting itself was opened, and is recorded as such).
        return refused(request, ClinicError("Choose a referral from the waiting list."), meeting)
    try:
        services.add_to_agenda(referral_id=referral_id, meeting=meeting, by=request.user)
    except ClinicError as error:
        return refused(request, error, meeting)
    return done(request, "Added to the agenda (pinned).", meeting)


@require_POST
def agenda_publish(request: AuthenticatedHttpRequest, meeting_id: int) -> HttpResponse:
    meeting = get_meeting_for_user(request.user, meeting_id, need=ClinicNeed.PUBLISH)
    try:
        services.publish_agenda(meeting=meeting, by=request.user)
    except ClinicError as error:
        return refused(request, error, meeting)
    return done(request, "Agenda published: the invited agencies now see its cases.", meeting)


@require_GET
def item_detail(request: AuthenticatedHttpRequest, item_id: int) -> HttpResponse:
    user = request.user
    item = get_item_for_user(user, item_id)
    manager = can_manage_clinic(user)
    research = list(
        research_visible_to(user).filter(item=item).select_related("agency", "recorded_by")
    )
    own = next((r for r in research if r.agency_id == user.agency_id), None)
    minutes_locked = bool(getattr(item.meeting, "minutes", None) and item.meeting.minutes.is_locked)
    return render(
        request,
        "clinic/item_detail.html",
        {
            "item": item,
            "meeting": item.meeting,
            "parties": selectors.case_people(item.case_id),
            "research": research,
            "research_form": (
                ResearchForm(initial={"summary": own.summary if own else ""})
                if is_receiving_user(user) and not minutes_locked
                else None
            ),
            "decisions": item.decisions.select_related("decision_type", "recorded_by"),
            "actions": item.actions.select_related("owner", "owner_agency"),
            "outstanding": selectors.outstanding_actions(item),
            "can_manage": manager,
            "minutes_locked": minutes_locked,
            "discussion_form": (
                DiscussionForm(
                    initial={"discussion": item.discussion, "victim_voice": item.victim_voice}
                )
                if manager and not minutes_locked
                else None
            ),
            "decision_form": DecisionForm() if manager and not minutes_locked else None,
            "action_form": ActionForm() if manager and not minutes_locked else None,
            "move_form": (
                MoveItemForm(
                    meetings=selectors.future_meetings_with_room(
                        now=timezone.now(), exclude=item.meeting_id
                    )
                )
                if manager
                else None
            ),
        },
    )


@require_POST
def item_move(request: AuthenticatedHttpRequest, item_id: int) -> HttpResponse:
    item = get_item_for_user(request.user, item_id, need=ClinicNeed.ALLOCATE)
    form = MoveItemForm(
        request.POST,
        meetings=selectors.future_meetings_with_room(now=timezone.now(), exclude=item.meeting_id),
    )
    if not form.is_valid():
        return refused(request, ClinicError("Choose a future meeting."), item)
    try:
        services.move_item(item=item, meeting=form.cleaned_data["meeting"], by=request.user)
    except ClinicError as error:
        return refused(request, error, item)
    return done(request, "Moved and pinned.", item)


@require_POST
def item_pin(request: AuthenticatedHttpRequest, item_id: int) -> HttpResponse:
    item = get_item_for_user(request.user, item_id, need=ClinicNeed.ALLOCATE)
    pinned = request.POST.get("pinned") == "1"
    services.set_pinned(item=item, pinned=pinned, by=request.user)
    return done(request, "Pinned: allocation leaves it here." if pinned else "Unpinned.", item)


@require_POST
def item_remove(request: AuthenticatedHttpRequest, item_id: int) -> HttpResponse:
    item = get_item_for_user(request.user, item_id, need=ClinicNeed.ALLOCATE)
    meeting = item.meeting
    try:
        services.remove_item(item=item, by=request.user)
    except ClinicError as error:
        return refused(request, error, item)
    return done(request, "Removed from the agenda; the case waits again.", meeting)


@require_POST
def research_record(request: AuthenticatedHttpRequest, item_id: int) -> HttpResponse:
    item = get_item_for_user(request.user, item_id, need=ClinicNeed.RESEARCH)
    form = ResearchForm(request.POST)
    if not form.is_valid():
        return refused(request, ClinicError("Write your agency's research summary."), item)
    try:
        services.record_research(item=item, summary=form.cleaned_data["summary"], by=request.user)
    except ClinicError as error:
        return refused(request, error, item)
    return done(request, "Research saved.", item)


@require_POST
def discussion_save(request: AuthenticatedHttpRequest, item_id: int) -> HttpResponse:
    item = get_item_for_user(request.user, item_id, need=ClinicNeed.DRAFT)
    form = DiscussionForm(request.POST)
    try:
        if not form.is_valid():
            raise ClinicError("The discussion could not be read.")
        minutes_services.save_discussion(item=item, by=request.user, **form.cleaned_data)
    except ClinicError as error:
        return refused(request, error, item)
    return done(request, "Discussion saved.", item)


@require_POST
def decision_record(request: AuthenticatedHttpRequest, item_id: int) -> HttpResponse:
    item = get_item_for_user(request.user, item_id, need=ClinicNeed.DRAFT)
    form = DecisionForm(request.POST)
    try:
        if not form.is_valid():
            raise ClinicError("Choose a decision.")
        minutes_services.record_decision(item=item, by=request.user, **form.cleaned_data)
    except ClinicError as error:
        return refused(request, error, item)
    return done(request, "Decision recorded.", item)


@require_POST
def action_create(request: AuthenticatedHttpRequest, item_id: int) -> HttpResponse:
    item = get_item_for_user(request.user, item_id, need=ClinicNeed.DRAFT)
    form = ActionForm(request.POST)
    try:
        if not form.is_valid():
            raise ClinicError("Give the action's description, owning agency and due date.")
        minutes_services.create_action(item=item, by=request.user, **form.cleaned_data)
    except ClinicError as error:
        return refused(request, error, item)
    return done(request, "Action added.", item)


@require_http_methods(["GET", "POST"])
def minutes_page(request: AuthenticatedHttpRequest, meeting_id: int) -> HttpResponse:
    user = request.user
    manager = can_manage_clinic(user)
    need = ClinicNeed.DRAFT if request.method == "POST" else ClinicNeed.READ
    # Only the managers open a meeting's minutes page before its minutes exist.
    meeting = get_meeting_for_user(user, meeting_id, need=need, with_minutes=not manager)
    minutes_id = selectors.minutes_id_of(meeting)
    minutes = get_minutes_for_user(user, minutes_id) if minutes_id is not None else None
    form = MinutesForm(
        request.POST or None, initial={"general_notes": minutes.general_notes if minutes else ""}
    )
    if request.method == "POST" and form.is_valid():
        try:
            minutes_services.save_minutes(
                meeting=meeting, general_notes=form.cleaned_data["general_notes"], by=user
            )
        except ClinicError as error:
            return refused(request, error, reverse("clinic:minutes", args=[meeting.pk]))
        return done(request, "Minutes saved.", reverse("clinic:minutes", args=[meeting.pk]))
    return render(
        request,
        "clinic/minutes.html",
        {
            "meeting": meeting,
            "minutes": minutes,
            "rows": selectors.agenda_rows(meeting, user),
            "form": form if manager and not (minutes and minutes.is_locked) else None,
            "amend_form": AmendForm() if manager and minutes and minutes.is_locked else None,
            "amendments": minutes.amendments.select_related("by", "item__case") if minutes else [],
            "can_approve": can_chair(user) and minutes is not None and not minutes.is_locked,
        },
    )


@require_POST
def minutes_approve(request: AuthenticatedHttpRequest, meeting_id: int) -> HttpResponse:
    meeting = get_meeting_for_user(request.user, meeting_id, need=ClinicNeed.APPROVE)
    to = reverse("clinic:minutes", args=[meeting.pk])
    try:
        minutes_services.approve_minutes(meeting=meeting, by=request.user)
    except ClinicError as error:
        return refused(request, error, to)
    return done(request, "Minutes approved and locked.", to)


@require_POST
def minutes_amend(request: AuthenticatedHttpRequest, meeting_id: int) -> HttpResponse:
    meeting = get_meeting_for_user(request.user, meeting_id, need=ClinicNeed.DRAFT)
    to = reverse("clinic:minutes", args=[meeting.pk])
    form = AmendForm(request.POST)
    try:
        if not form.is_valid():
            raise ClinicError("Write the amendment.")
        minutes_services.amend_minutes(
            meeting=meeting, text=form.cleaned_data["text"], by=request.user
        )
    except ClinicError as error:
        return refused(request, error, to)
    return done(request, "Amendment added.", to)


def _pdf(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
def agenda_pdf(request: AuthenticatedHttpRequest, meeting_id: int) -> HttpResponse:
    meeting = get_meeting_for_user(
        request.user, meeting_id, need=ClinicNeed.DISCLOSE, published=True
    )
    pack = agenda_pack(meeting, request.user, base_url=request.build_absolute_uri("/"))
    return _pdf(pack, f"clinic-agenda-{meeting.pk}.pdf")


@require_GET
def minutes_download(request: AuthenticatedHttpRequest, meeting_id: int) -> HttpResponse:
    meeting = get_meeting_for_user(
        request.user, meeting_id, need=ClinicNeed.DISCLOSE, with_minutes=True
    )
    minutes_id = selectors.minutes_id_of(meeting)
    minutes = get_minutes_for_user(request.user, minutes_id, need=ClinicNeed.DISCLOSE)
    pdf = minutes_pdf(meeting, minutes, request.user, base_url=request.build_absolute_uri("/"))
    return _pdf(pdf, f"clinic-minutes-{meeting.pk}.pdf")

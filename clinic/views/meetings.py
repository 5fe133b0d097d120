"""Schedules, meetings, invitees and the calendar invitation."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clinic import selectors
from clinic.errors import ClinicError
from clinic.forms import (
    AttendanceForm,
    CancelForm,
    InviteExternalForm,
    InviteUserForm,
    MeetingForm,
    ScheduleForm,
)
from clinic.invitations import build_invitation
from clinic.permissions import (
    ClinicNeed,
    can_chair,
    can_list_meetings,
    can_manage_clinic,
    get_meeting_for_user,
    get_schedule_for_user,
)
from clinic.services import meetings as services
from clinic.views.common import done, refused
from foundation.lib.http import AuthenticatedHttpRequest


@require_GET
def schedule_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not can_manage_clinic(request.user):
        raise Http404
    return render(
        request, "clinic/schedule_list.html", {"schedules": selectors.schedule_list(request.user)}
    )


@require_http_methods(["GET", "POST"])
def schedule_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not can_manage_clinic(request.user):
        raise Http404
    form = ScheduleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            schedule, created = services.create_schedule(details=form.details(), by=request.user)
        except ClinicError as error:
            form.add_error(None, str(error))
        else:
            return done(
                request, f"Schedule saved: {len(created)} meetings generated ahead.", schedule
            )
    return render(
        request,
        "clinic/form.html",
        {
            "form": form,
            "title": "New clinic schedule",
            "intro": "Meetings are generated ahead from the schedule; bank holidays are skipped "
            "or moved as you choose, and the start time holds across the clock changes.",
            "submit": "Save and generate meetings",
            "cancel": "clinic:schedule_list",
        },
    )


@require_http_methods(["GET", "POST"])
def schedule_detail(request: AuthenticatedHttpRequest, schedule_id: int) -> HttpResponse:
    need = ClinicNeed.CHANGE if request.method == "POST" else ClinicNeed.READ
    schedule = get_schedule_for_user(request.user, schedule_id, need=need)
    form = ScheduleForm(request.POST or None, initial=ScheduleForm.initial_for(schedule))
    if request.method == "POST" and form.is_valid():
        try:
            _, created = services.update_schedule(
                schedule=schedule, details=form.details(), by=request.user
            )
        except ClinicError as error:
            form.add_error(None, str(error))
        else:
            return done(request, f"Schedule saved: {len(created)} new meetings.", schedule)
    return render(
        request,
        "clinic/schedule_detail.html",
        {
            "schedule": schedule,
            "form": form,
            "meetings": schedule.meetings.filter(starts_at__gt=timezone.now()).order_by(
                "starts_at"
            ),
        },
    )


@require_GET
def meeting_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not can_list_meetings(request.user):
        raise Http404
    now = timezone.now()
    past = request.GET.get("when") == "past"
    return render(
        request,
        "clinic/meeting_list.html",
        {
            "meetings": selectors.meeting_list(request.user, now=now, past=past)[:200],
            "past": past,
            "can_manage": can_manage_clinic(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def meeting_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not can_manage_clinic(request.user):
        raise Http404
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.create_meeting(details=form.details(), by=request.user)
        except ClinicError as error:
            form.add_error(None, str(error))
        else:
            return done(request, "Meeting created; invite the agencies next.", meeting)
    return render(
        request,
        "clinic/form.html",
        {
            "form": form,
            "title": "New one-off or emergency meeting",
            "submit": "Create meeting",
            "cancel": "clinic:meeting_list",
        },
    )


@require_GET
def meeting_detail(request: AuthenticatedHttpRequest, meeting_id: int) -> HttpResponse:
    user = request.user
    meeting = get_meeting_for_user(user, meeting_id)
    manager = can_manage_clinic(user)
    return render(
        request,
        "clinic/meeting_detail.html",
        {
            "meeting": meeting,
            "invitees": selectors.invitees_of(meeting),
            "rows": selectors.agenda_rows(meeting, user),
            "can_manage": manager,
            "can_chair": can_chair(user),
            "invite_user_form": InviteUserForm() if manager else None,
            "invite_external_form": InviteExternalForm() if manager else None,
            "attendance_choices": AttendanceForm.base_fields["attendance"].choices,  # type: ignore[attr-defined]
            "now": timezone.now(),
        },
    )


@require_http_methods(["GET", "POST"])
def meeting_edit(request: AuthenticatedHttpRequest, meeting_id: int) -> HttpResponse:
    meeting = get_meeting_for_user(request.user, meeting_id, need=ClinicNeed.CHANGE)
    form = MeetingForm(request.POST or None, initial=MeetingForm.initial_for(meeting))
    form.fields["kind"].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            services.reschedule_meeting(meeting=meeting, details=form.details(), by=request.user)
        except ClinicError as error:
            form.add_error(None, str(error))
        else:
            return done(request, "Meeting updated; invitees are sent the new time.", meeting)
    return render(
        request,
        "clinic/form.html",
        {
            "form": form,
            "title": "Reschedule the meeting",
            "submit": "Save",
            "cancel_url": meeting.get_absolute_url(),
        },
    )


@require_http_methods(["GET", "POST"])
def meeting_cancel(request: AuthenticatedHttpRequest, meeting_id: int) -> HttpResponse:
    meeting = get_meeting_for_user(request.user, meeting_id, need=ClinicNeed.CHANGE)
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.cancel_meeting(
                meeting=meeting, reason=form.cleaned_data["reason"], by=request.user
            )
        except ClinicError as error:
            return refused(request, error, meeting)
        return done(request, "Meeting cancelled; invitees are sent the cancellation.", meeting)
    return render(
        request,
        "clinic/form.html",
        {
            "form": form,
            "title": "Cancel the meeting",
            "intro": "Listed cases go back to the waiting list.",
            "submit": "Cancel the meeting",
            "danger": True,
            "cancel_url": meeting.get_absolute_url(),
        },
    )


@require_POST
def invitee_add(request: AuthenticatedHttpRequest, meeting_id: int) -> HttpResponse:
    meeting = get_meeting_for_user(request.user, meeting_id, need=ClinicNeed.CHANGE)
    try:
        if request.POST.get("kind") == "external":
            form = InviteExternalForm(request.POST)
            if not form.is_valid():
                raise ClinicError("Give the external attendee's name, agency and e-mail address.")
            invitee = services.invite_external(
                meeting=meeting, by=request.user, **form.cleaned_data
            )
        else:
            user_form = InviteUserForm(request.POST)
            if not user_form.is_valid():
                raise ClinicError("Choose a user to invite.")
            invitee = services.invite_user(
                meeting=meeting, user=user_form.cleaned_data["user"], by=request.user
            )
    except ClinicError as error:
        return refused(request, error, meeting)
    return done(request, f"{invitee.display_name} invited.", meeting)


@require_POST
def invitee_remove(
    request: AuthenticatedHttpRequest, meeting_id: int, invitee_id: int
) -> HttpResponse:
    meeting = get_meeting_for_user(request.user, meeting_id, need=ClinicNeed.CHANGE)
    invitee = meeting.invitees.filter(pk=invitee_id).first()
    if invitee is None:
        return refused(request, ClinicError("That person is no longer invited."), meeting)
    services.remove_invitee(invitee=invitee, by=request.user)
    return done(request, "Invitee removed.", meeting)


@require_POST
def attendance(request: AuthenticatedHttpRequest, meeting_id: int, invitee_id: int) -> HttpResponse:
    meeting = get_meeting_for_user(request.user, meeting_id, need=ClinicNeed.DRAFT)
    invitee = meeting.invitees.filter(pk=invitee_id).first()
    form = AttendanceForm(request.POST)
    if invitee is None:
        # A stale page (the meeting was opened, and is recorded as such): say so.
        return refused(request, ClinicError("That person is no longer invited."), meeting)
    if form.is_valid():
        services.record_attendance(
            invitee=invitee, attendance=form.cleaned_data["attendance"], by=request.user
        )
    return redirect(meeting)


@require_GET
def invitation_ics(request: AuthenticatedHttpRequest, meeting_id: int) -> HttpResponse:
    meeting = get_meeting_for_user(request.user, meeting_id)
    method = "CANCEL" if meeting.is_cancelled else "REQUEST"
    response = HttpResponse(
        build_invitation(meeting, selectors.invitees_of(meeting)),
        content_type=f"text/calendar; method={method}; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="stalking-clinic.ics"'
    return response

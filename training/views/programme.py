"""The trainer's programme: courses, sessions, bookings, registers, and certificates."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from foundation.lib.http import AuthenticatedHttpRequest
from foundation.lib.pdf import render_pdf
from foundation.lib.spreadsheets import SpreadsheetRefused
from training import selectors
from training.errors import TrainingError
from training.forms import (
    AttendanceForm,
    CancelSessionForm,
    CourseForm,
    PersonForm,
    RegisterUploadForm,
    SessionForm,
)
from training.models import Enrolment
from training.permissions import (
    TrainingNeed,
    can_manage_training,
    get_course_for_user,
    get_enrolment_for_user,
    get_import_report_for_user,
    get_session_for_user,
)
from training.services import programme as services
from training.services.people import Identity
from training.services.registers import import_register

PAGE_SIZE = 25


def _require_trainer(request: AuthenticatedHttpRequest) -> None:
    if not can_manage_training(request.user):
        raise Http404


# --- Courses -------------------------------------------------------------------------------------


@require_GET
def course_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_trainer(request)
    return render(request, "training/course_list.html", {"courses": selectors.courses_list()})


@require_http_methods(["GET", "POST"])
def course_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_trainer(request)
    form = CourseForm(request.POST or None)
    del form.fields["is_active"]
    if request.method == "POST" and form.is_valid():
        try:
            course = services.create_course(by=request.user, **form.cleaned_data)
        except TrainingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Course saved.")
            return redirect(course)
    return render(request, "training/course_form.html", {"form": form, "course": None})


@require_GET
def course_detail(request: AuthenticatedHttpRequest, course_id: int) -> HttpResponse:
    course = get_course_for_user(request.user, course_id)
    return render(
        request,
        "training/course_detail.html",
        {
            "course": course,
            "sessions": selectors.course_sessions(course, now=timezone.now()),
            "requirements": selectors.course_requirements(course),
        },
    )


@require_http_methods(["GET", "POST"])
def course_edit(request: AuthenticatedHttpRequest, course_id: int) -> HttpResponse:
    course = get_course_for_user(request.user, course_id, need=TrainingNeed.MANAGE)
    initial = {
        name: getattr(course, name)
        for name in (
            "title",
            "audience",
            "description",
            "duration_hours",
            "cpd_hours",
            "validity_months",
            "minimum_bookings",
            "attendance_completes",
            "is_active",
        )
    }
    form = CourseForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_course(course=course, by=request.user, **form.cleaned_data)
        except TrainingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Course saved.")
            return redirect(course)
    return render(request, "training/course_form.html", {"form": form, "course": course})


# --- Sessions ------------------------------------------------------------------------------------


@require_GET
def session_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_trainer(request)
    past = request.GET.get("show") == "past"
    page = Paginator(
        selectors.sessions_list(upcoming=not past, now=timezone.now()), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "training/session_list.html",
        {"page": page, "past": past, "query": "show=past" if past else ""},
    )


@require_http_methods(["GET", "POST"])
def session_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_trainer(request)
    form = SessionForm(request.POST or None, initial={"trainer": request.user})
    if request.method == "POST" and form.is_valid():
        try:
            session = services.schedule_session(by=request.user, **form.cleaned_data)
        except TrainingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Session {session.reference} scheduled.")
            return redirect(session)
    return render(request, "training/session_form.html", {"form": form, "session": None})


def _session_page(
    request: AuthenticatedHttpRequest,
    session_id: int,
    *,
    person_form: PersonForm | None = None,
    register_form: RegisterUploadForm | None = None,
    status: int = 200,
) -> HttpResponse:
    session = get_session_for_user(request.user, session_id)
    enrolments = list(selectors.session_enrolments(session))
    taken = sum(1 for enrolment in enrolments if enrolment.holds_a_place)
    return render(
        request,
        "training/session_detail.html",
        {
            "session": session,
            "enrolments": enrolments,
            "taken": taken,
            "started": session.starts_at <= timezone.now(),
            "person_form": person_form or PersonForm(),
            "register_form": register_form or RegisterUploadForm(),
            "imports": selectors.recent_imports(session),
            "statuses": Enrolment.Status.choices,
        },
        status=status,
    )


@require_GET
def session_detail(request: AuthenticatedHttpRequest, session_id: int) -> HttpResponse:
    return _session_page(request, session_id)


@require_http_methods(["GET", "POST"])
def session_edit(request: AuthenticatedHttpRequest, session_id: int) -> HttpResponse:
    session = get_session_for_user(request.user, session_id, need=TrainingNeed.MANAGE)
    form = SessionForm(
        request.POST or None,
        course_fixed=True,
        initial={
            "starts_at": timezone.localtime(session.starts_at),
            "ends_at": timezone.localtime(session.ends_at),
            "trainer": session.trainer,
            "is_online": session.is_online,
            "location": session.location,
            "capacity": session.capacity,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.reschedule_session(session=session, by=request.user, **form.cleaned_data)
        except TrainingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, "Session saved. Anyone booked is told of a new time or place."
            )
            return redirect(session)
    return render(request, "training/session_form.html", {"form": form, "session": session})


@require_http_methods(["GET", "POST"])
def session_cancel(request: AuthenticatedHttpRequest, session_id: int) -> HttpResponse:
    session = get_session_for_user(request.user, session_id, need=TrainingNeed.MANAGE)
    form = CancelSessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.cancel_session(
                session=session, reason=form.cleaned_data["reason"], by=request.user
            )
        except TrainingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Session cancelled. Everyone booked is told.")
            return redirect(session)
    return render(request, "training/session_cancel.html", {"form": form, "session": session})


@require_POST
def session_book(request: AuthenticatedHttpRequest, session_id: int) -> HttpResponse:
    session = get_session_for_user(request.user, session_id, need=TrainingNeed.MANAGE)
    form = PersonForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        identity = Identity.of(
            name=data["name"],
            staff_number=data["staff_number"],
            email=data["email"],
            organisation=data["organisation"],
            team=data["team"],
        )
        try:
            enrolment, created = services.book_person(
                session=session, identity=identity, status=data["status"], by=request.user
            )
        except TrainingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                f"{enrolment.trainee.name} {'added and ' if created else ''}booked on "
                f"{session.reference}.",
            )
            return redirect(session)
    return _session_page(request, session.pk, person_form=form, status=400)


@require_POST
def enrolment_status(request: AuthenticatedHttpRequest, enrolment_id: int) -> HttpResponse:
    enrolment = get_enrolment_for_user(request.user, enrolment_id, need=TrainingNeed.MANAGE)
    form = AttendanceForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a status.")
    else:
        try:
            services.set_attendance(
                enrolment=enrolment, status=form.cleaned_data["status"], by=request.user
            )
        except TrainingError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "Attendance saved.")
    return redirect(enrolment.session)


@require_http_methods(["GET", "POST"])
def register_import(request: AuthenticatedHttpRequest, session_id: int) -> HttpResponse:
    session = get_session_for_user(request.user, session_id, need=TrainingNeed.MANAGE)
    if request.method == "GET":
        return redirect(session)
    form = RegisterUploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            report = import_register(
                session=session, data=form.cleaned_data["file"].read(), by=request.user
            )
        except (SpreadsheetRefused, TrainingError) as error:
            form.add_error("file", f"The register was refused and nothing was saved: {error}")
        else:
            return redirect("training:import_report", report_id=report.pk)
    return _session_page(request, session.pk, register_form=form, status=400)


@require_GET
def import_report(request: AuthenticatedHttpRequest, report_id: int) -> HttpResponse:
    report = get_import_report_for_user(request.user, report_id)
    return render(
        request,
        "training/import_report.html",
        {
            "import": report,
            "report": report.report,
            "person_form": PersonForm(),
        },
    )


@require_GET
def certificate(request: AuthenticatedHttpRequest, enrolment_id: int) -> HttpResponse:
    """A certificate of completion (PDF): for the person, or a trainer. Recorded as a
    disclosure by the door."""
    enrolment = get_enrolment_for_user(request.user, enrolment_id, need=TrainingNeed.DISCLOSE)
    pdf = render_pdf(
        "training/certificate.html",
        {
            "enrolment": enrolment,
            "session": enrolment.session,
            "course": enrolment.session.course,
            "trainee": enrolment.trainee,
            "issued_on": timezone.localdate(),
        },
        base_url=request.build_absolute_uri("/"),
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="certificate-{enrolment.session.reference}-{enrolment.pk}.pdf"'
    )
    return response

"""Forms of the training pages: they validate input; the services hold the rules."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile

from foundation.accounts.models import Agency, Role, User
from foundation.lib.spreadsheets import MAX_BYTES
from training.models import Area, Course, Enrolment, Team

DATETIME_INPUT = "%Y-%m-%dT%H:%M"


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format=DATETIME_INPUT, **kwargs)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class CourseForm(forms.Form):
    title = forms.CharField(max_length=200)
    audience = forms.CharField(
        max_length=200, required=False, help_text="Who it is for, e.g. control-room staff."
    )
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    duration_hours = forms.DecimalField(
        label="Duration (hours)", min_value=Decimal("0.25"), max_digits=5, decimal_places=2
    )
    cpd_hours = forms.DecimalField(
        label="CPD hours", min_value=Decimal(0), max_digits=5, decimal_places=2, initial=0
    )
    validity_months = forms.IntegerField(
        label="Valid for (months)",
        min_value=1,
        max_value=120,
        required=False,
        help_text="E.g. 24 to refresh every two years. Blank: it never expires.",
    )
    minimum_bookings = forms.IntegerField(
        label="Minimum bookings",
        min_value=0,
        max_value=1000,
        required=False,
        help_text="Fewer a week before a session warns the trainer. Blank: half the capacity.",
    )
    attendance_completes = forms.BooleanField(
        label="Attending completes the course",
        required=False,
        initial=True,
        help_text="Untick when completion needs more (e.g. an assessment) and is marked apart.",
    )
    is_active = forms.BooleanField(label="Still run", required=False, initial=True)


class SessionForm(forms.Form):
    course = forms.ModelChoiceField(queryset=Course.objects.filter(is_active=True))
    starts_at = forms.DateTimeField(
        label="Starts", widget=LocalDateTimeInput(), input_formats=[DATETIME_INPUT]
    )
    ends_at = forms.DateTimeField(
        label="Ends", widget=LocalDateTimeInput(), input_formats=[DATETIME_INPUT]
    )
    trainer = forms.ModelChoiceField(
        queryset=User.objects.filter(is_active=True, roles__contains=[Role.TRAINER]),
        required=False,
    )
    is_online = forms.BooleanField(label="Online", required=False)
    location = forms.CharField(
        label="Place, or how to join online",
        max_length=300,
        help_text="A room and building, or the meeting's joining details.",
    )
    capacity = forms.IntegerField(label="Places", min_value=1, max_value=1000)

    def __init__(self, *args: Any, course_fixed: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["trainer"].label_from_instance = lambda user: user.full_name  # type: ignore[attr-defined]
        if course_fixed:
            del self.fields["course"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", "A session ends after it starts.")
        return data


class CancelSessionForm(forms.Form):
    reason = forms.CharField(
        max_length=300,
        help_text="Kept with the session. The e-mail to those booked does not include it.",
    )


class PersonForm(forms.Form):
    """Book someone: found by staff number, then e-mail; added if no one matches."""

    staff_number = forms.CharField(label="Staff or collar number", max_length=32, required=False)
    email = forms.EmailField(label="E-mail", required=False)
    name = forms.CharField(max_length=200, required=False, help_text="Needed to add someone new.")
    organisation = forms.ModelChoiceField(
        queryset=Agency.objects.filter(is_active=True),
        required=False,
        help_text="Needed to add someone new; narrows a staff number shared across forces.",
    )
    team = forms.ModelChoiceField(
        queryset=Team.objects.filter(is_active=True).select_related("organisation"),
        required=False,
    )
    status = forms.ChoiceField(
        choices=[
            (Enrolment.Status.REGISTERED, "Registered"),
            (Enrolment.Status.ATTENDED, "Attended"),
            (Enrolment.Status.COMPLETED, "Completed"),
            (Enrolment.Status.DID_NOT_ATTEND, "Did not attend"),
        ],
        initial=Enrolment.Status.REGISTERED,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("staff_number") or data.get("email") or data.get("name")):
            raise forms.ValidationError("Give a staff number, an e-mail or a name.")
        return data


class AttendanceForm(forms.Form):
    status = forms.ChoiceField(choices=Enrolment.Status.choices)


def _check_upload(upload: UploadedFile) -> UploadedFile:
    if upload.size == 0:
        raise forms.ValidationError("That file is empty.")
    if upload.size is not None and upload.size > MAX_BYTES:
        raise forms.ValidationError("That file is larger than 5 MB: split it, or save it as CSV.")
    return upload


class RegisterUploadForm(forms.Form):
    file = forms.FileField(
        label="Register (CSV or XLSX)",
        help_text="One row per person: name, staff or collar number, e-mail, team, "
        "organisation, status. Importing it again changes nothing.",
    )

    def clean_file(self) -> UploadedFile:
        return _check_upload(self.cleaned_data["file"])


class RosterUploadForm(forms.Form):
    file = forms.FileField(
        label="Roster (CSV or XLSX)",
        help_text="One row per person: staff or collar number, name, e-mail, role.",
    )
    replace = forms.BooleanField(
        label="This is the whole team: people not in the file leave the team",
        required=False,
    )

    def clean_file(self) -> UploadedFile:
        return _check_upload(self.cleaned_data["file"])


class TeamForm(forms.Form):
    name = forms.CharField(max_length=150)
    organisation = forms.ModelChoiceField(queryset=Agency.objects.filter(is_active=True))
    area = forms.ModelChoiceField(queryset=Area.objects.filter(is_active=True), required=False)
    managers = forms.ModelMultipleChoiceField(
        queryset=User.objects.filter(is_active=True, is_manager=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Users with the manager qualification; they see this team's compliance.",
    )
    is_active = forms.BooleanField(label="Active", required=False, initial=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["managers"].label_from_instance = lambda user: user.full_name  # type: ignore[attr-defined]


class RequirementForm(forms.Form):
    TARGETS = [("role", "A role"), ("team", "A team"), ("organisation", "An organisation")]

    course = forms.ModelChoiceField(queryset=Course.objects.filter(is_active=True))
    target = forms.ChoiceField(
        label="Mandatory for", choices=TARGETS, widget=forms.RadioSelect, initial="role"
    )
    role = forms.CharField(
        max_length=100,
        required=False,
        help_text="As on the rosters, e.g. neighbourhood officer (case does not matter).",
    )
    team = forms.ModelChoiceField(
        queryset=Team.objects.filter(is_active=True).select_related("organisation"),
        required=False,
    )
    organisation = forms.ModelChoiceField(
        queryset=Agency.objects.filter(is_active=True), required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        target = data.get("target")
        if target and not data.get(target):
            self.add_error(target, "Fill this in for the target you chose.")
        for other in ("role", "team", "organisation"):
            if other != target:
                data[other] = "" if other == "role" else None
        return data


class ChampionForm(forms.Form):
    area = forms.ModelChoiceField(queryset=Area.objects.filter(is_active=True), required=False)
    appointed_on = forms.DateField(label="Appointed on", widget=DateInput(), required=False)
    is_active = forms.BooleanField(label="Active champion", required=False, initial=True)
    stood_down_on = forms.DateField(label="Stood down on", widget=DateInput(), required=False)


class CpdForm(forms.Form):
    activity = forms.CharField(max_length=200)
    done_on = forms.DateField(label="Date", widget=DateInput())
    hours = forms.DecimalField(
        min_value=Decimal("0.25"), max_value=Decimal(100), max_digits=5, decimal_places=2
    )
    evidence = forms.CharField(
        label="Evidence",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="What shows it was done: a certificate, notes, a reflective log.",
    )


class StateFilterForm(forms.Form):
    state = forms.ChoiceField(
        label="Show",
        required=False,
        choices=[
            ("", "Everyone"),
            ("current", "Current"),
            ("due", "Due"),
            ("expired", "Expired"),
            ("never", "Never trained"),
        ],
    )


class ExportForm(forms.Form):
    format = forms.ChoiceField(choices=[("csv", "CSV"), ("xlsx", "XLSX")], required=False)
    team = forms.IntegerField(required=False, min_value=1)
    no_team = forms.BooleanField(required=False)

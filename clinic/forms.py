"""Forms for the clinic's pages: they validate input; the services apply the rules."""

from __future__ import annotations

from datetime import time

from django import forms

from clinic.models import (
    Action,
    ClinicMeeting,
    ClinicReferral,
    ClinicSchedule,
    DecisionType,
    Invitee,
)
from clinic.services.meetings import MeetingDetails, ScheduleDetails
from foundation.accounts.models import Agency, Role, User
from foundation.lib.working_time import LONDON

DATE = forms.DateInput(attrs={"type": "date"})
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def attendable_users() -> forms.ModelChoiceField[User]:
    return forms.ModelChoiceField(
        queryset=User.objects.filter(
            is_active=True,
            roles__overlap=[
                Role.COORDINATOR,
                Role.TACTICAL_LEAD,
                Role.SOLICITOR,
                Role.ISAC,
                Role.PARTNER,
            ],
        )
        .select_related("agency")
        .order_by("agency__name", "full_name"),
        label="Hub, ISAC or partner user",
    )


class ReferralForm(forms.Form):
    case_reference = forms.CharField(label="Case reference", max_length=20)
    criterion = forms.ChoiceField(
        label="Why the clinic", choices=ClinicReferral.Criterion.choices, widget=forms.RadioSelect
    )
    priority = forms.TypedChoiceField(
        label="Priority",
        choices=ClinicReferral.Priority.choices,
        coerce=int,
        initial=ClinicReferral.Priority.STANDARD,
    )
    reason = forms.CharField(label="What the clinic should consider", widget=forms.Textarea)


class RepeatForm(forms.Form):
    case_reference = forms.CharField(label="Case reference", max_length=20)
    incident_on = forms.DateField(label="Date of the new incident", widget=DATE)
    note = forms.CharField(
        label="What happened (no addresses or contact details)", widget=forms.Textarea
    )


class ReturnForm(forms.Form):
    reason = forms.CharField(label="Why the referral is returned", widget=forms.Textarea)


class ScheduleForm(forms.Form):
    name = forms.CharField(max_length=120)
    frequency = forms.ChoiceField(choices=ClinicSchedule.Frequency.choices)
    weekday = forms.TypedChoiceField(choices=ClinicSchedule.Weekday.choices, coerce=int)
    nth = forms.TypedChoiceField(
        label="Which weekday of the month (monthly only)",
        choices=[("", "—"), *ClinicSchedule.Nth.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    start_time = forms.TimeField(label="Start time (UK time)", widget=TIME)
    duration_minutes = forms.IntegerField(label="Length (minutes)", min_value=1, initial=180)
    location = forms.CharField(max_length=200, required=False)
    video_link = forms.URLField(required=False)
    capacity = forms.IntegerField(label="Cases per meeting", min_value=0, initial=10)
    minutes_per_case = forms.IntegerField(min_value=1, initial=15)
    starts_on = forms.DateField(widget=DATE)
    ends_on = forms.DateField(widget=DATE, required=False)
    bank_holiday_rule = forms.ChoiceField(
        label="On a bank holiday", choices=ClinicSchedule.BankHolidayRule.choices
    )
    chair = forms.ModelChoiceField(
        queryset=User.objects.filter(is_active=True, roles__contains=[Role.TACTICAL_LEAD]),
        required=False,
    )
    standing_invitees = forms.ModelMultipleChoiceField(
        queryset=attendable_users().queryset,
        required=False,
        label="Invited to every meeting",
        widget=forms.CheckboxSelectMultiple,
    )

    def details(self) -> ScheduleDetails:
        data = self.cleaned_data
        return ScheduleDetails(
            name=data["name"],
            frequency=data["frequency"],
            weekday=data["weekday"],
            nth=data["nth"],
            start_time=data["start_time"],
            duration_minutes=data["duration_minutes"],
            location=data["location"],
            video_link=data["video_link"],
            capacity=data["capacity"],
            minutes_per_case=data["minutes_per_case"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            bank_holiday_rule=data["bank_holiday_rule"],
            chair=data["chair"],
            standing_invitees=list(data["standing_invitees"]),
        )

    @staticmethod
    def initial_for(schedule: ClinicSchedule) -> dict[str, object]:
        return {
            **{
                name: getattr(schedule, name)
                for name in (
                    "name",
                    "frequency",
                    "weekday",
                    "nth",
                    "start_time",
                    "duration_minutes",
                    "location",
                    "video_link",
                    "capacity",
                    "minutes_per_case",
                    "starts_on",
                    "ends_on",
                    "bank_holiday_rule",
                    "chair",
                )
            },
            "standing_invitees": list(schedule.standing_invitees.all()),
        }


class MeetingForm(forms.Form):
    kind = forms.ChoiceField(
        choices=[
            (ClinicMeeting.Kind.ONE_OFF, "One-off"),
            (ClinicMeeting.Kind.EMERGENCY, "Emergency"),
        ]
    )
    day = forms.DateField(label="Date", widget=DATE)
    start_time = forms.TimeField(label="Start time (UK time)", widget=TIME)
    duration_minutes = forms.IntegerField(label="Length (minutes)", min_value=1, initial=120)
    location = forms.CharField(max_length=200, required=False)
    video_link = forms.URLField(required=False)
    capacity = forms.IntegerField(label="Cases", min_value=0, initial=8)
    minutes_per_case = forms.IntegerField(min_value=1, initial=15)
    chair = forms.ModelChoiceField(
        queryset=User.objects.filter(is_active=True, roles__contains=[Role.TACTICAL_LEAD]),
        required=False,
    )

    def details(self) -> MeetingDetails:
        data = self.cleaned_data
        return MeetingDetails(
            day=data["day"],
            start_time=data["start_time"],
            duration_minutes=data["duration_minutes"],
            location=data["location"],
            video_link=data["video_link"],
            capacity=data["capacity"],
            minutes_per_case=data["minutes_per_case"],
            chair=data["chair"],
            kind=data.get("kind") or ClinicMeeting.Kind.ONE_OFF,
        )

    @staticmethod
    def initial_for(meeting: ClinicMeeting) -> dict[str, object]:
        start = meeting.starts_at.astimezone(LONDON)
        return {
            "kind": meeting.kind,
            "day": start.date(),
            "start_time": time(start.hour, start.minute),
            "duration_minutes": int((meeting.ends_at - meeting.starts_at).total_seconds() // 60),
            "location": meeting.location,
            "video_link": meeting.video_link,
            "capacity": meeting.capacity,
            "minutes_per_case": meeting.minutes_per_case,
            "chair": meeting.chair,
        }


class CancelForm(forms.Form):
    reason = forms.CharField(label="Why the meeting is cancelled", widget=forms.Textarea)


class InviteUserForm(forms.Form):
    user = attendable_users()


class InviteExternalForm(forms.Form):
    name = forms.CharField(max_length=200)
    agency_name = forms.CharField(label="Agency", max_length=200)
    # Checked by the service, which explains an invalid address in its own words.
    email = forms.CharField(label="E-mail address", max_length=254)


class AttendanceForm(forms.Form):
    attendance = forms.ChoiceField(choices=Invitee.Attendance.choices)


class MoveItemForm(forms.Form):
    meeting = forms.ModelChoiceField(queryset=ClinicMeeting.objects.none(), label="Move to")

    def __init__(self, *args: object, meetings: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["meeting"].queryset = meetings  # type: ignore[attr-defined]
        self.fields["meeting"].label_from_instance = lambda meeting: (  # type: ignore[attr-defined]
            f"{meeting.starts_at.astimezone(LONDON):%a %d %b %Y %H:%M}"
        )


class ResearchForm(forms.Form):
    summary = forms.CharField(
        label="Your agency's research summary (no addresses or contact details)",
        widget=forms.Textarea,
    )


class DiscussionForm(forms.Form):
    discussion = forms.CharField(label="Discussion", widget=forms.Textarea, required=False)
    victim_voice = forms.CharField(
        label="The victim's voice (via the ISAC)", widget=forms.Textarea, required=False
    )


class DecisionForm(forms.Form):
    decision_type = forms.ModelChoiceField(
        queryset=DecisionType.objects.filter(is_active=True), label="Decision"
    )
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)


class ActionForm(forms.Form):
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))
    owner_agency = forms.ModelChoiceField(
        queryset=Agency.objects.filter(is_active=True), label="Owning agency"
    )
    owner = forms.ModelChoiceField(
        queryset=attendable_users().queryset, required=False, label="Owner (optional)"
    )
    due_on = forms.DateField(label="Due", widget=DATE)


class ActionUpdateForm(forms.Form):
    status = forms.ChoiceField(choices=Action.Status.choices)
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)


class MinutesForm(forms.Form):
    general_notes = forms.CharField(label="General notes", widget=forms.Textarea, required=False)


class AmendForm(forms.Form):
    text = forms.CharField(label="Amendment", widget=forms.Textarea)

"""Forms for referrals, casework and advice requests. They validate input; services decide."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils import timezone

from cases.models import Case, RiskLevel
from cases.permissions import cases_visible_to
from foundation.accounts.models import Agency, User
from foundation.lib.dates import past_datetime_field, scheduled_date_field
from referrals.models import (
    AdviceCategory,
    AdviceRequest,
    Contact,
    JusticeMilestone,
    OutcomeMeasure,
    Referral,
    SupportNeed,
)
from referrals.selectors import receiving_agencies, service_caseworkers, sharing_authorisers
from referrals.services.advice import QUESTION_MAX_LENGTH
from referrals.services.casework import OutcomeAnswers
from referrals.services.referrals import ReferralDetails

_TEXTAREA = {"rows": 4}
_SCALE = [(n, str(n)) for n in range(1, 6)]


class StaffChoiceField(forms.ModelChoiceField):
    """A colleague, shown by name."""

    def label_from_instance(self, obj: User) -> str:
        return obj.full_name


class AgencyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Agency) -> str:
        return f"{obj.name} · {obj.get_kind_display()}"


# --- Referrals ----------------------------------------------------------------------------------


class ReferralForm(forms.Form):
    case_reference = forms.CharField(
        label="Case reference", max_length=20, help_text="For example SH-2026-00012."
    )
    agency = AgencyChoiceField(label="Refer to", queryset=Agency.objects.none())
    urgency = forms.ChoiceField(
        label="Urgency", choices=Referral.Urgency.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label="Reason for the referral",
        widget=forms.Textarea(attrs=_TEXTAREA),
        help_text="What you are asking the agency to do, and why now.",
    )
    consent = forms.ChoiceField(
        label="Victim's consent to this referral",
        choices=Referral.Consent.choices,
        widget=forms.RadioSelect,
    )
    lawful_basis = forms.ChoiceField(
        label="Lawful reason for sharing without consent",
        choices=[("", "—"), *Referral.LawfulBasis.choices],
        required=False,
    )
    lawful_reason = forms.CharField(
        label="Why sharing without consent is necessary and proportionate",
        widget=forms.Textarea(attrs=_TEXTAREA),
        required=False,
    )
    authorised_by = StaffChoiceField(
        label="Sharing without consent authorised by",
        queryset=User.objects.none(),
        required=False,
        help_text="The hub coordinator or tactical lead who agreed to share.",
    )
    shared_items = forms.MultipleChoiceField(
        label="What is shared",
        choices=Referral.SharedItem.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    shared_notes = forms.CharField(
        label="Notes on what is shared",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    safe_contact = forms.CharField(
        label="Safe-contact instructions",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text="How the agency may and may not contact the victim, e.g. never leave voicemail.",
    )

    def __init__(self, *args: Any, user: User, case: Case | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.case = case
        self.fields["agency"].queryset = receiving_agencies()  # type: ignore[attr-defined]
        self.fields["authorised_by"].queryset = sharing_authorisers()  # type: ignore[attr-defined]
        if case is not None:
            self.fields["case_reference"].initial = case.reference

    def clean_case_reference(self) -> str:
        reference = self.cleaned_data["case_reference"].strip().upper()
        # Only a case the user can see is found; anything else reads as "not found".
        case = cases_visible_to(self.user).filter(reference=reference).first()
        if case is None:
            raise forms.ValidationError("No case with that reference.")
        if case.status != Case.Status.OPEN:
            raise forms.ValidationError("That case is closed; only open cases are referred.")
        self.case = case
        return reference

    def details(self) -> ReferralDetails:
        data = self.cleaned_data
        return ReferralDetails(
            agency=data["agency"],
            reason=data["reason"],
            urgency=data["urgency"],
            consent=data["consent"],
            shared_items=data["shared_items"],
            shared_notes=data["shared_notes"],
            safe_contact=data["safe_contact"],
            lawful_basis=data["lawful_basis"],
            lawful_reason=data["lawful_reason"],
            authorised_by=data["authorised_by"],
        )

    @classmethod
    def initial_for(cls, referral: Referral) -> dict[str, Any]:
        return {
            "case_reference": referral.case.reference,
            "agency": referral.agency_id,
            "urgency": referral.urgency,
            "reason": referral.reason,
            "consent": referral.consent,
            "lawful_basis": referral.lawful_basis,
            "lawful_reason": referral.lawful_reason,
            "authorised_by": referral.authorised_by_id,
            "shared_items": referral.shared_items,
            "shared_notes": referral.shared_notes,
            "safe_contact": referral.safe_contact,
        }


class ReferralFilterForm(forms.Form):
    state = forms.ChoiceField(
        label="State", choices=[("", "Any state"), *Referral.State.choices], required=False
    )


class AcceptForm(forms.Form):
    take_it = forms.BooleanField(
        label="Take this referral as my own case", required=False, initial=True
    )


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label="Why the referral is declined", widget=forms.Textarea(attrs=_TEXTAREA)
    )


class AllocateForm(forms.Form):
    caseworker = StaffChoiceField(label="Caseworker", queryset=User.objects.none())

    def __init__(self, *args: Any, referral: Referral, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        workers = service_caseworkers(referral.agency)
        if not user.is_manager:
            workers = workers.filter(pk=user.pk)
        self.fields["caseworker"].queryset = workers  # type: ignore[attr-defined]


class CloseReferralForm(forms.Form):
    reason = forms.ChoiceField(label="Why it is closing", choices=Referral.ClosureReason.choices)
    notes = forms.CharField(
        label="Closure notes", widget=forms.Textarea(attrs=_TEXTAREA), required=False
    )

    def __init__(self, *args: Any, referral: Referral, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if referral.state == Referral.State.SENT:
            # Still waiting for a decision: the hub can only withdraw it.
            self.fields["reason"].choices = [  # type: ignore[attr-defined]
                (Referral.ClosureReason.WITHDRAWN.value, Referral.ClosureReason.WITHDRAWN.label)
            ]


# --- Casework -----------------------------------------------------------------------------------


class OutcomeFieldsMixin(forms.Form):
    abuse = forms.ChoiceField(
        label="Is the stalking continuing?",
        choices=OutcomeMeasure.Abuse.choices,
        widget=forms.RadioSelect,
    )
    feels_safe = forms.TypedChoiceField(
        label="How safe does the victim feel? (1 not at all, 5 completely)",
        choices=_SCALE,
        coerce=int,
        widget=forms.RadioSelect,
    )
    quality_of_life = forms.TypedChoiceField(
        label="Quality of life (1 very poor, 5 very good)",
        choices=_SCALE,
        coerce=int,
        widget=forms.RadioSelect,
    )
    police_confidence = forms.ChoiceField(
        label="How confident is the victim in the police response? (1 not at all, 5 completely)",
        choices=[*_SCALE, ("declined", "Declined to answer")],
        widget=forms.RadioSelect,
    )
    what_would_have_helped = forms.CharField(
        label="What would have helped (optional, in the victim's words)",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
    )
    outcome_notes = forms.CharField(
        label="Notes", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def answers(self) -> OutcomeAnswers:
        data = self.cleaned_data
        declined = data["police_confidence"] == "declined"
        return OutcomeAnswers(
            abuse=data["abuse"],
            feels_safe=data["feels_safe"],
            quality_of_life=data["quality_of_life"],
            notes=data["outcome_notes"],
            police_confidence=None if declined else int(data["police_confidence"]),
            confidence_declined=declined,
            what_would_have_helped=data["what_would_have_helped"],
        )


class OutcomeForm(OutcomeFieldsMixin):
    pass


class CloseCaseworkForm(OutcomeFieldsMixin):
    reason = forms.ChoiceField(
        label="Why the casework is closing",
        choices=[
            choice
            for choice in Referral.ClosureReason.choices
            if choice[0] != Referral.ClosureReason.WITHDRAWN
        ],
    )
    notes = forms.CharField(
        label="Closure notes", widget=forms.Textarea(attrs=_TEXTAREA), required=False
    )
    field_order = [
        "reason",
        "notes",
        "abuse",
        "feels_safe",
        "quality_of_life",
        "police_confidence",
        "what_would_have_helped",
        "outcome_notes",
    ]


class ContactForm(forms.Form):
    # Ranges of every casework date: docs/referrals.md, "Dates".
    contact_at = past_datetime_field(
        label="Date and time",
        error_messages={"date_too_late": "A contact cannot be in the future."},
    )
    channel = forms.ChoiceField(label="Channel", choices=Contact.Channel.choices)
    outcome = forms.ChoiceField(
        label="Outcome", choices=Contact.Outcome.choices, widget=forms.RadioSelect
    )
    notes = forms.CharField(label="Notes", widget=forms.Textarea(attrs=_TEXTAREA), required=False)


class SpecialistRiskForm(forms.Form):
    level = forms.ChoiceField(
        label="Risk level", choices=RiskLevel.choices, widget=forms.RadioSelect
    )
    rationale = forms.CharField(label="Rationale", widget=forms.Textarea(attrs=_TEXTAREA))


class SafetyPlanForm(forms.Form):
    measures = forms.CharField(label="Safety measures", widget=forms.Textarea(attrs={"rows": 6}))
    responsibilities = forms.CharField(
        label="Who does what",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The victim, the caseworker, the police and other agencies.",
    )
    review_on = scheduled_date_field(
        label="Review by",
        earliest="today",
        error_messages={"date_too_early": "The review date cannot be in the past."},
    )


class SupportNeedForm(forms.Form):
    kind = forms.ChoiceField(label="Support needed", choices=SupportNeed.Kind.choices)
    notes = forms.CharField(label="Notes", widget=forms.Textarea(attrs={"rows": 2}), required=False)


class SupportNeedStatusForm(forms.Form):
    status = forms.ChoiceField(label="Status", choices=SupportNeed.Status.choices)


class MilestoneForm(forms.Form):
    kind = forms.ChoiceField(label="Milestone", choices=JusticeMilestone.Kind.choices)
    # A court hearing is scheduled (it may lie ahead); every other milestone has happened.
    happened_on = scheduled_date_field(
        label="Date", help_text="Only a court hearing may be dated in the future."
    )
    note = forms.CharField(label="Note", widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        day = cleaned.get("happened_on")
        kind = cleaned.get("kind")
        if (
            day is not None
            and kind is not None
            and kind != JusticeMilestone.Kind.COURT
            and day > timezone.localdate()
        ):
            self.add_error("happened_on", "Only a court hearing can be dated in the future.")
        return cleaned


# --- Advice requests ----------------------------------------------------------------------------


# docs/advice-requests.md: a crime log reference's shape.
CRIME_LOG_REFERENCE = re.compile(r"(?=[^0-9]*[0-9])[A-Za-z0-9][A-Za-z0-9/.\-]{2,63}")


class AdviceCategoryForm(forms.Form):
    """Step one: the topic, so the matching published guidance is shown before the question."""

    category = forms.ChoiceField(
        label="What is your question about?",
        choices=AdviceCategory.choices,
        widget=forms.RadioSelect,
    )


class AdviceRequestForm(forms.Form):
    category = forms.ChoiceField(label="Topic", choices=AdviceCategory.choices)
    urgency = forms.ChoiceField(
        label="Urgency", choices=AdviceRequest.Urgency.choices, widget=forms.RadioSelect
    )
    question = forms.CharField(
        label="Your question",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=QUESTION_MAX_LENGTH,
        error_messages={
            "max_length": f"Keep the question to {QUESTION_MAX_LENGTH:,} characters "
            "(this one has %(show_value)d). Put the essentials here; the hub will ask for more."
        },
        help_text=f"Give the hub what it needs to answer (at most {QUESTION_MAX_LENGTH:,} "
        "characters); leave out names where you can.",
    )
    crime_log_reference = forms.CharField(
        label="Crime log reference (optional)",
        max_length=64,
        required=False,
        help_text="As on the crime record, e.g. NS/25/0012345.",
    )

    def clean_crime_log_reference(self) -> str:
        reference: str = self.cleaned_data["crime_log_reference"].strip()
        if reference and not CRIME_LOG_REFERENCE.fullmatch(reference):
            raise forms.ValidationError(
                "That does not look like a crime log reference: use letters, digits and / - . "
                "only, with at least one digit, as on the crime record (e.g. NS/25/0012345)."
            )
        return reference


class AnswerForm(forms.Form):
    answer = forms.CharField(label="Answer", widget=forms.Textarea(attrs={"rows": 8}))


class RatingForm(forms.Form):
    rating = forms.ChoiceField(
        label="Was this answer useful?", choices=AdviceRequest.Rating.choices
    )


class AdviceQueueFilterForm(forms.Form):
    show = forms.ChoiceField(
        label="Show",
        choices=[("open", "Waiting for an answer"), ("answered", "Answered"), ("all", "All")],
        required=False,
    )


class GuidanceForm(forms.Form):
    title = forms.CharField(label="Title", max_length=200)
    category = forms.ChoiceField(label="Topic", choices=AdviceCategory.choices)
    body = forms.CharField(label="Guidance", widget=forms.Textarea(attrs={"rows": 10}))
    is_published = forms.BooleanField(
        label="Published (requesters see it before they submit)", required=False
    )

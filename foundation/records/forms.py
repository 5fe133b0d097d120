"""Forms of information management (date ranges: docs/information-management.md)."""

from __future__ import annotations

from django import forms

from foundation.lib.dates import past_date_field, scheduled_date_field
from foundation.records.models import RectificationRequest
from foundation.records.registry import record_types


class ReviewDecisionForm(forms.Form):
    """The bulk decision on the records ticked in the review list."""

    RETAIN = "retain"
    DISPOSE = "dispose"

    decision = forms.ChoiceField(
        choices=[(RETAIN, "Retain until a new review date"), (DISPOSE, "Dispose of them")],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        max_length=500,
        required=False,
        help_text="Why they are kept (required to retain), or a note on the disposal.",
    )
    review_on = scheduled_date_field(
        earliest="tomorrow", required=False, label="Next review date (to retain)"
    )
    confirm = forms.BooleanField(
        required=False,
        label="I confirm the disposal: the records and their history will be deleted for good",
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("decision") == self.RETAIN:
            if not (data.get("reason") or "").strip():
                self.add_error("reason", "Give the reason for keeping these records.")
            if not data.get("review_on"):
                self.add_error("review_on", "Give the next review date.")
        if data.get("decision") == self.DISPOSE and not data.get("confirm"):
            self.add_error("confirm", "Tick to confirm the disposal.")
        return data


class RuleForm(forms.Form):
    years = forms.IntegerField(min_value=1, max_value=100, label="Review after (years)")
    basis = forms.CharField(max_length=200, label="Counted from")
    notes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, label="Notes (authority)"
    )


class PersonSearchForm(forms.Form):
    name = forms.CharField(max_length=200)
    date_of_birth = past_date_field(required=False)


class SubjectRequestForm(forms.Form):
    person_ids = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple, label="The subject's person records"
    )
    description = forms.CharField(
        max_length=300, label="Request", help_text="How the request arrived and its reference."
    )
    received_on = past_date_field(label="Received on")

    def __init__(self, *args: object, matches: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["person_ids"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = matches


class RedactionForm(forms.Form):
    include = forms.BooleanField(required=False, label="Include in the bundle")
    details = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), required=False, label="Details (redact here)"
    )
    note = forms.CharField(
        max_length=300, required=False, label="Redaction note (exemption relied on)"
    )


def _type_choices() -> list[tuple[str, str]]:
    return [("", "—")] + [(t.key, t.label) for t in record_types()]


class RectificationForm(forms.Form):
    record_type = forms.ChoiceField(choices=_type_choices)
    object_id = forms.IntegerField(min_value=1, label="Record number")
    requested_change = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}))
    received_on = past_date_field(label="Received on")


class RectificationDecisionForm(forms.Form):
    state = forms.ChoiceField(
        choices=[
            (RectificationRequest.State.RECTIFIED, "Rectified"),
            (RectificationRequest.State.REFUSED, "Refused"),
        ],
        widget=forms.RadioSelect,
    )
    action_taken = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What was corrected and where, or why the request is refused.",
    )

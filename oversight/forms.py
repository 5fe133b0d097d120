"""Forms for plans, directions, reviews and covers. They validate input; services decide."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone

from foundation.accounts.cover import COVERABLE_ROLES
from foundation.accounts.models import Role, User
from oversight.models import InvestigationPlan, PlanLine

_TEXTAREA = {"rows": 4}


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _datetime_input() -> forms.DateTimeInput:
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class PlanLineChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: PlanLine) -> str:
        return obj.title


class StaffChoiceField(forms.ModelChoiceField):
    """A colleague, shown by name and agency."""

    def label_from_instance(self, obj: User) -> str:
        agency = obj.agency.name if obj.agency is not None else "no agency"
        return f"{obj.full_name} ({agency})"


class PlanLineForm(forms.Form):
    status = forms.ChoiceField(
        label="Status", choices=PlanLine.Status.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label="Note",
        required=False,
        widget=forms.Textarea(attrs=_TEXTAREA),
        help_text="Required when the line does not apply: say why.",
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if (
            cleaned.get("status") == PlanLine.Status.NOT_APPLICABLE
            and not str(cleaned.get("note", "")).strip()
        ):
            self.add_error("note", "Say why the line does not apply.")
        return cleaned


class DelegateForm(forms.Form):
    delegated = forms.BooleanField(
        label="The coordinator may keep this line up to date", required=False
    )


class DirectionForm(forms.Form):
    text = forms.CharField(
        label="Direction",
        widget=forms.Textarea(attrs=_TEXTAREA),
        help_text="What the officer in charge is to do. They are e-mailed a link, never this text.",
    )
    due_on = forms.DateField(label="Due by", widget=_date_input())
    plan_line = PlanLineChoiceField(
        label="Plan line it concerns",
        queryset=PlanLine.objects.none(),
        required=False,
        empty_label="None in particular",
    )

    def __init__(self, *args: Any, plan: InvestigationPlan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["plan_line"].queryset = plan.lines.all()  # type: ignore[attr-defined]

    def clean_due_on(self) -> date:
        due_on: date = self.cleaned_data["due_on"]
        if due_on < timezone.localdate():
            raise forms.ValidationError("The due date is in the past.")
        return due_on


class DirectionUpdateForm(forms.Form):
    text = forms.CharField(label="What has been done", widget=forms.Textarea(attrs=_TEXTAREA))
    done = forms.BooleanField(label="The direction is done", required=False)


class ReviewForm(forms.Form):
    summary = forms.CharField(
        label="Review",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="What the review found in the investigation, and what was decided.",
    )
    next_review_on = forms.DateField(
        label="Next review by",
        required=False,
        widget=_date_input(),
        help_text="Leave empty for the usual interval.",
    )


class CoverForm(forms.Form):
    user = StaffChoiceField(label="Who covers", queryset=User.objects.none())
    role = forms.ChoiceField(
        label="The role they cover",
        choices=[(role.value, role.label) for role in COVERABLE_ROLES],
    )
    covered_user = StaffChoiceField(label="Whom they cover", queryset=User.objects.none())
    starts_at = forms.DateTimeField(label="From", widget=_datetime_input())
    ends_at = forms.DateTimeField(label="Until", widget=_datetime_input())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        staff = (
            User.objects.filter(is_active=True)
            .exclude(roles=[Role.ADMIN])
            .select_related("agency")
            .order_by("full_name", "pk")
        )
        self.fields["user"].queryset = staff  # type: ignore[attr-defined]
        self.fields["covered_user"].queryset = staff  # type: ignore[attr-defined]

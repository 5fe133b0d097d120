"""Forms of the case list and case pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from cases.forms.common import StaffChoiceField, style_for_bootstrap
from cases.models import Case, Relationship
from cases.selectors import CaseFilter, case_owners
from foundation.accounts.models import User


class CaseFilterForm(forms.Form):
    status = forms.ChoiceField(
        label="Status",
        choices=[*Case.Status.choices, ("", "Open and closed")],
        required=False,
        initial=Case.Status.OPEN,
    )
    owner = StaffChoiceField(
        label="Owner", queryset=User.objects.none(), required=False, empty_label="Anyone"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner_field = self.fields["owner"]
        assert isinstance(owner_field, forms.ModelChoiceField)
        owner_field.queryset = case_owners()
        style_for_bootstrap(self)

    def to_filter(self) -> CaseFilter:
        if not self.is_bound:
            return CaseFilter()
        if not self.is_valid():
            return CaseFilter()
        return CaseFilter(
            status=self.cleaned_data.get("status") or "", owner=self.cleaned_data.get("owner")
        )


class CaseEditForm(forms.Form):
    owner = StaffChoiceField(label="Owner", queryset=User.objects.none())
    officer_in_charge_email = forms.EmailField(
        label="Officer in charge (e-mail)",
        required=False,
        help_text="Their Stalking Hub account's e-mail address. Leave empty if none.",
    )
    relationship = forms.ChoiceField(label="Relationship", choices=Relationship.choices)
    summary = forms.CharField(
        label="Summary", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 5})
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "owner": case.owner_id,
                "officer_in_charge_email": case.officer_in_charge.email
                if case.officer_in_charge
                else "",
                "relationship": case.relationship,
                "summary": case.summary,
            },
        )
        super().__init__(*args, **kwargs)
        owner_field = self.fields["owner"]
        assert isinstance(owner_field, forms.ModelChoiceField)
        owner_field.queryset = case_owners()

    def clean_officer_in_charge_email(self) -> User | None:
        email = (self.cleaned_data.get("officer_in_charge_email") or "").strip()
        if not email:
            return None
        officer = User.objects.filter(email__iexact=email, is_active=True).first()
        if officer is None:
            raise ValidationError("No active account has that e-mail address.")
        return officer

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "owner": data["owner"],
            "officer_in_charge": data["officer_in_charge_email"],
            "relationship": data["relationship"],
            "summary": data.get("summary") or "",
        }


class CloseCaseForm(forms.Form):
    closure_reason = forms.ChoiceField(
        label="Why is the case closing?",
        choices=[("", "Choose a reason"), *Case.ClosureReason.choices],
    )
    outcome_notes = forms.CharField(
        label="Outcome",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What came of the case: orders, convictions, the victim's situation.",
    )

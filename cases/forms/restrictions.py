"""Forms for restricted cases, break-glass and restricted persons (they validate; services
decide)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q

from cases.forms.common import date_input, style_for_bootstrap
from foundation.accounts.models import User
from foundation.accounts.roles import HUB_STAFF, RECEIVING_ROLES

REASON_HELP = "At least 10 characters. Kept in the access audit; never sent by e-mail."


class StaffMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.full_name} ({', '.join(obj.roles)})"


def _reason_field(label: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        min_length=10,
        max_length=500,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=REASON_HELP,
        error_messages={
            "required": "Give a reason.",
            "min_length": "Give a reason of at least 10 characters.",
        },
    )


class CaseRestrictForm(forms.Form):
    members = StaffMultipleChoiceField(
        label="Who may open the case",
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="You are always among them. Everyone else gets 'Not found'.",
        error_messages={"required": "Name at least one user."},
    )
    reason = _reason_field("Why the case is restricted")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        roles = Q()
        for role in (*HUB_STAFF, *RECEIVING_ROLES):
            roles |= Q(roles__contains=[role])
        members = self.fields["members"]
        assert isinstance(members, forms.ModelMultipleChoiceField)
        members.queryset = User.objects.filter(roles, is_active=True).order_by("full_name", "pk")
        self.fields["reason"].widget.attrs["class"] = "form-control"


class BreakGlassForm(forms.Form):
    reference = forms.CharField(
        label="Case reference",
        max_length=20,
        strip=True,
        help_text="The reference of the restricted case you must open, e.g. SH-2026-00042.",
        error_messages={"required": "Type the case's reference."},
    )
    reason = _reason_field("Why you must open it now")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_for_bootstrap(self)
        self.fields["reference"].widget.attrs["autocomplete"] = "off"


class PersonFindForm(forms.Form):
    name = forms.CharField(
        label="Name",
        min_length=2,
        max_length=200,
        strip=True,
        error_messages={"required": "Type a name to search for."},
    )
    date_of_birth = forms.DateField(
        label="Date of birth (optional)", required=False, widget=date_input()
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "find")
        super().__init__(*args, **kwargs)
        style_for_bootstrap(self)
        self.fields["name"].widget.attrs["autocomplete"] = "off"


class PersonRestrictForm(forms.Form):
    reason = _reason_field("Why processing is restricted (e.g. the request under DPA 2018 s.47)")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_for_bootstrap(self)

"""What the case file's forms share."""

from __future__ import annotations

from django import forms

from foundation.accounts.models import User


def style_for_bootstrap(form: forms.Form) -> None:
    """Bootstrap classes for forms laid out by hand (crispy styles the others itself)."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select"
        elif isinstance(widget, forms.MultipleHiddenInput | forms.HiddenInput):
            continue
        else:
            css = "form-control"
        widget.attrs["class"] = css


class StaffChoiceField(forms.ModelChoiceField):
    """A hub user, shown by name (their e-mail is not needed to pick a colleague)."""

    def label_from_instance(self, obj: User) -> str:
        return obj.full_name


def date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"})

"""What the case file's forms share."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

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


class _ChoicesInOneQuery(forms.models.ModelChoiceIterator):
    """The choices read with one plain query. Django's iterator() opens a server-side cursor
    on PostgreSQL (DECLARE, FETCH, CLOSE: three round trips) to read a few dozen colleagues,
    on every case list."""

    def __iter__(self) -> Iterator[tuple[Any, Any]]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset.all():
            yield self.choice(obj)


class StaffChoiceField(forms.ModelChoiceField):
    """A hub user, shown by name (their e-mail is not needed to pick a colleague)."""

    iterator = _ChoicesInOneQuery

    def label_from_instance(self, obj: User) -> str:
        return obj.full_name


def date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"})

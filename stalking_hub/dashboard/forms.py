from __future__ import annotations

from datetime import date

from django import forms

from foundation.lib.dates import past_date_field


class EvaluationForm(forms.Form):
    split_on = past_date_field(
        label="Compare cases opened before and after",
        required=False,
        help_text="For example the date a new way of working started. Default: a year ago.",
    )
    include_short = forms.BooleanField(
        label="Include cases with less than 12 months of follow-up in the rates",
        required=False,
    )

    def split_date(self, default: date) -> date:
        if self.is_valid() and self.cleaned_data["split_on"]:
            return self.cleaned_data["split_on"]
        return default


class ExportForm(forms.Form):
    include_short = forms.BooleanField(
        label="Include cases with less than 12 months of follow-up (marked in follow_up_complete)",
        required=False,
        initial=True,
    )


class ReportMonthForm(forms.Form):
    month = forms.DateField(
        label="Month",
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month", "class": "form-control"}, format="%Y-%m"),
        help_text="A month that has ended (the current month is not complete yet).",
    )

    def __init__(self, *args: object, latest: date, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.latest = latest

    def clean_month(self) -> date:
        month: date = self.cleaned_data["month"].replace(day=1)
        if month > self.latest:
            raise forms.ValidationError("Choose a month that has ended.")
        if month.year < 2000:
            raise forms.ValidationError("Choose a month from 2000 onwards.")
        return month


class RegenerateForm(forms.Form):
    reason = forms.CharField(
        label="Why regenerate this month?",
        max_length=500,
        widget=forms.TextInput(attrs={"class": "form-control"}),
        help_text="For example: late imports of crime logs for the month. This is recorded.",
    )

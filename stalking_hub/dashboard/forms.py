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

"""The search form on the review queue and the case list (sent by POST, never kept)."""

from __future__ import annotations

from typing import Any

from django import forms

from cases.forms.common import date_input, style_for_bootstrap
from cases.search import SearchQuery


class SearchForm(forms.Form):
    text = forms.CharField(
        label="Reference or name",
        max_length=200,
        strip=True,
        help_text="A case or crime log reference (exact), or a person's name (similar names too).",
        error_messages={"required": "Type a reference or a name to search for."},
    )
    date_of_birth = forms.DateField(
        label="Date of birth (optional)",
        required=False,
        widget=date_input(),
        help_text="Narrows a name search to people born that day.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "search")
        super().__init__(*args, **kwargs)
        style_for_bootstrap(self)
        # Search terms stay out of the browser's form history on shared machines.
        self.fields["text"].widget.attrs["autocomplete"] = "off"

    def clean_text(self) -> str:
        text: str = self.cleaned_data["text"]
        if len(text.replace(" ", "")) < 2:
            raise forms.ValidationError("Type at least two letters or digits.")
        return text

    def to_query(self) -> SearchQuery:
        return SearchQuery(
            text=self.cleaned_data["text"], date_of_birth=self.cleaned_data["date_of_birth"]
        )

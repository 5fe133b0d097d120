"""The form behind "Merge into this record" on the log review page. It validates; the
service (`cases.services.people.merge_persons`) decides."""

from __future__ import annotations

from django import forms

REASON_MIN_LENGTH = 10
REASON_MAX_LENGTH = 500


class PersonMergeForm(forms.Form):
    """Ids only in the hidden fields: never a name (DESIGN.md §4)."""

    keep = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    merge = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    next_log = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    reason = forms.CharField(
        label="Why you are sure these are the same person",
        min_length=REASON_MIN_LENGTH,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Give the reason you are sure these are the same person.",
            "min_length": (
                "Give a fuller reason you are sure these are the same person "
                f"(at least {REASON_MIN_LENGTH} characters)."
            ),
            "max_length": f"Keep the reason to {REASON_MAX_LENGTH} characters or fewer.",
        },
    )

    def ids_are_valid(self) -> bool:
        """The hidden ids came through intact (False means a tampered or broken request)."""
        return not any(name in self.errors for name in ("keep", "merge", "next_log"))

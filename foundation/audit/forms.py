from datetime import date

from django import forms

from foundation.audit.models import AccessRecord
from foundation.audit.references import targets_for_reference
from foundation.audit.selectors import object_types
from foundation.lib.dates import search_date_field


class AccessRecordFilterForm(forms.Form):
    user_email = forms.EmailField(label="User e-mail", required=False)
    object_type = forms.CharField(label="Record type", required=False, max_length=64)
    object_id = forms.CharField(label="Record id", required=False, max_length=64)
    reference = forms.CharField(
        label="Case or log reference",
        required=False,
        max_length=64,
        help_text="Exact, e.g. SH-2026-00042 or NS/25/0012345: its records under any type.",
    )
    action = forms.ChoiceField(
        choices=[("", "Any action"), *AccessRecord.Action.choices], required=False
    )
    outcome = forms.ChoiceField(
        choices=[("", "Any outcome"), *AccessRecord.Outcome.choices], required=False
    )
    date_from = search_date_field(label="From", required=False)
    date_to = search_date_field(label="To", required=False)
    under_cover = forms.BooleanField(
        label="Under cover only",
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        # Readable types; records with an older spelling are found under their model's label.
        self.fields["object_type"] = forms.ChoiceField(
            label="Record type",
            required=False,
            choices=[("", "Any type"), *object_types()],
        )

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if isinstance(start, date) and isinstance(end, date) and start > end:
            self.add_error("date_to", "The end date is before the start date.")
        reference = str(cleaned.pop("reference", "") or "").strip()
        cleaned["targets"] = ()
        if reference:
            targets = targets_for_reference(reference)
            if not targets:
                self.add_error("reference", "No case or crime log has this reference.")
            cleaned["targets"] = tuple(targets)
        return cleaned

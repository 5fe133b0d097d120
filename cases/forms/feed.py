from pathlib import Path

from django import forms

from cases.feed.parsing import FORMATS

MAX_UPLOAD_BYTES = 2 * 1024**3


class FeedUploadForm(forms.Form):
    file = forms.FileField(
        label="Feed file",
        help_text="CSV (UTF-8 or Windows-1252) or JSON Lines, as described in the feed format.",
    )
    source = forms.SlugField(
        label="Source system",
        initial="rms",
        max_length=32,
        help_text="Used for rows without a source column.",
    )

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        suffix = Path(upload.name).suffix.lower()
        if suffix not in FORMATS:
            raise forms.ValidationError(
                "Choose a .csv, .jsonl, .ndjson or .json file exported from the records system."
            )
        if upload.size == 0:
            raise forms.ValidationError("That file is empty.")
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("That file is larger than 2 GB; use the feed folder.")
        return upload

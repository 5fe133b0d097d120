"""Forms of the review queue and the log review."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from cases.forms.common import StaffChoiceField, date_input, style_for_bootstrap
from cases.models import Case, CrimeLog, LogReview, Relationship, SignalKind
from cases.permissions import cases_visible_to, logs_visible_to
from cases.selectors import QueueFilter, QueueState, case_owners
from cases.services import BULK_OUTCOMES, NewCaseData, relationship_from_log
from foundation.accounts.models import User

# One screen of the queue is 50 rows; a bulk action never needs more than a few screens.
BULK_LIMIT = 200


class QueueFilterForm(forms.Form):
    """The queue's filters. They travel in the query string: codes and dates, never a name."""

    state = forms.ChoiceField(
        label="Review state", choices=QueueState.CHOICES, required=False, initial="awaiting"
    )
    signal = forms.ChoiceField(
        label="Signal", choices=[("", "Any signal"), *SignalKind.choices], required=False
    )
    area = forms.CharField(label="Area", max_length=64, required=False)
    officer = forms.CharField(
        label="Officer in charge",
        max_length=254,
        required=False,
        help_text="E-mail or collar number.",
    )
    date_from = forms.DateField(label="Recorded from", required=False, widget=date_input())
    date_to = forms.DateField(label="Recorded to", required=False, widget=date_input())
    high_risk_only = forms.BooleanField(label="High risk only", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_for_bootstrap(self)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if isinstance(start, date) and isinstance(end, date) and start > end:
            self.add_error("date_to", "The end date is before the start date.")
        return cleaned

    def to_filter(self) -> QueueFilter:
        data = self.cleaned_data
        return QueueFilter(
            state=data.get("state") or QueueState.AWAITING,
            signal=data.get("signal") or "",
            area=data.get("area") or "",
            officer=data.get("officer") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            high_risk_only=bool(data.get("high_risk_only")),
        )


def find_log_by_reference(user: User, reference: str, *, prefer_source: str = "") -> CrimeLog:
    """The log a reviewer names by its reference; ValidationError if none or ambiguous."""
    reference = reference.strip()
    matches = list(
        logs_visible_to(user)
        .filter(reference__iexact=reference)
        .only("id", "source", "reference")
        .order_by("id")[:10]
    )
    same_source = [log for log in matches if log.source == prefer_source]
    if len(same_source) == 1:
        return same_source[0]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise ValidationError(f"No log has the reference {reference}.")
    raise ValidationError(
        f"More than one source system has a log {reference}; review it from its own page."
    )


class ReviewForm(forms.Form):
    """The reviewer's decision on one log (outcome, advice, and the case it opens or joins)."""

    NEW_CASE = "new"
    EXISTING_CASE = "existing"

    outcome = forms.ChoiceField(
        label="Outcome", choices=LogReview.Outcome.choices, widget=forms.RadioSelect
    )
    advice = forms.CharField(
        label="Advice to the officer in charge",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Required for possible stalking. The officer in charge reads it.",
    )
    duplicate_of_reference = forms.CharField(
        label="Duplicate of (log reference)", max_length=64, required=False
    )
    case_action = forms.ChoiceField(
        label="Case",
        choices=[(NEW_CASE, "Open a new case"), (EXISTING_CASE, "Add to an existing case")],
        widget=forms.RadioSelect,
        required=False,
    )
    relationship = forms.ChoiceField(
        label="Relationship (new case)", choices=Relationship.choices, required=False
    )
    summary = forms.CharField(
        label="Summary (new case)",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    owner = StaffChoiceField(
        label="Case owner (new case)",
        queryset=User.objects.none(),
        required=False,
        help_text="Leave as it is to own the case yourself.",
    )
    existing_case = forms.ModelChoiceField(
        label="Open case sharing a person with this log",
        queryset=Case.objects.none(),
        required=False,
        empty_label="Choose a case",
    )
    existing_case_reference = forms.CharField(
        label="Or the case reference", max_length=20, required=False
    )

    def __init__(
        self,
        *args: Any,
        log: CrimeLog,
        user: User,
        candidate_cases: Sequence[Case] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.log = log
        self.user = user
        owner_field = self.fields["owner"]
        assert isinstance(owner_field, forms.ModelChoiceField)
        owner_field.queryset = case_owners()
        case_field = self.fields["existing_case"]
        assert isinstance(case_field, forms.ModelChoiceField)
        case_field.queryset = cases_visible_to(user).filter(
            pk__in=[case.pk for case in candidate_cases], status=Case.Status.OPEN
        )
        if not self.is_bound:
            self.initial.setdefault("owner", user.pk)
            self.initial.setdefault("relationship", relationship_from_log(log.relationship))
            self.initial.setdefault("case_action", self.NEW_CASE)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        outcome = cleaned.get("outcome")
        if outcome == LogReview.Outcome.POSSIBLE and not (cleaned.get("advice") or "").strip():
            self.add_error("advice", "Possible stalking needs advice for the officer in charge.")
        cleaned["duplicate_of"] = None
        if outcome == LogReview.Outcome.DUPLICATE:
            cleaned["duplicate_of"] = self._clean_duplicate_of(cleaned)
        cleaned["new_case"] = None
        cleaned["existing_case_obj"] = None
        if outcome == LogReview.Outcome.CONFIRMED:
            self._clean_case(cleaned)
        return cleaned

    def _clean_duplicate_of(self, cleaned: dict[str, Any]) -> CrimeLog | None:
        reference = (cleaned.get("duplicate_of_reference") or "").strip()
        if not reference:
            self.add_error("duplicate_of_reference", "Say which log this one duplicates.")
            return None
        try:
            original = find_log_by_reference(self.user, reference, prefer_source=self.log.source)
        except ValidationError as error:
            self.add_error("duplicate_of_reference", error)
            return None
        if original.pk == self.log.pk:
            self.add_error("duplicate_of_reference", "A log cannot be a duplicate of itself.")
            return None
        return original

    def _clean_case(self, cleaned: dict[str, Any]) -> None:
        action = cleaned.get("case_action")
        if action == self.NEW_CASE:
            if not cleaned.get("relationship"):
                self.add_error("relationship", "Choose the relationship for the new case.")
                return
            cleaned["new_case"] = NewCaseData(
                relationship=cleaned["relationship"],
                summary=cleaned.get("summary") or "",
                owner=cleaned.get("owner") or self.user,
            )
        elif action == self.EXISTING_CASE:
            cleaned["existing_case_obj"] = self._clean_existing_case(cleaned)
        else:
            self.add_error("case_action", "Open a new case or add the log to an existing one.")

    def _clean_existing_case(self, cleaned: dict[str, Any]) -> Case | None:
        chosen: Case | None = cleaned.get("existing_case")
        reference = (cleaned.get("existing_case_reference") or "").strip()
        if reference:
            typed = cases_visible_to(self.user).filter(reference__iexact=reference).first()
            if typed is None:
                self.add_error("existing_case_reference", f"No case has the reference {reference}.")
                return None
            if chosen is not None and chosen.pk != typed.pk:
                self.add_error(
                    "existing_case_reference", "Choose a case or type a reference, not both."
                )
                return None
            chosen = typed
        if chosen is None:
            self.add_error("existing_case", "Choose the case, or type its reference.")
            return None
        if chosen.status != Case.Status.OPEN:
            self.add_error(
                "existing_case_reference" if reference else "existing_case",
                f"Case {chosen.reference} is closed; logs join open cases only.",
            )
            return None
        return chosen

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "outcome": data["outcome"],
            "advice": data.get("advice") or "",
            "new_case": data["new_case"],
            "existing_case": data["existing_case_obj"],
            "duplicate_of": data["duplicate_of"],
        }


class IdListField(forms.Field):
    """Ids ticked in a table (checkboxes sharing one name)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[int]:
        if not value:
            return []
        if isinstance(value, str):
            value = [value]
        try:
            ids = sorted({int(item) for item in value})
        except (TypeError, ValueError) as exc:
            raise ValidationError(
                "The selection could not be read; select the logs again."
            ) from exc
        if any(item <= 0 for item in ids):
            raise ValidationError("The selection could not be read; select the logs again.")
        return ids

    def validate(self, value: Any) -> None:
        super().validate(value)
        if len(value) > BULK_LIMIT:
            raise ValidationError(f"Select at most {BULK_LIMIT} logs at a time.")


class BulkReviewForm(forms.Form):
    """Several queue rows decided at once: not stalking, or duplicates of one log."""

    logs = IdListField(
        label="Selected logs", error_messages={"required": "Select at least one log."}
    )
    action = forms.ChoiceField(
        label="Mark the selected logs as",
        choices=[
            (outcome.value, outcome.label)
            for outcome in LogReview.Outcome
            if outcome in BULK_OUTCOMES
        ],
    )
    duplicate_of_reference = forms.CharField(
        label="Duplicates of (log reference)", max_length=64, required=False
    )
    note = forms.CharField(
        label="Note to the officers in charge",
        max_length=2000,
        required=False,
        help_text="Required for not stalking.",
    )
    return_query = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        style_for_bootstrap(self)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        cleaned["duplicate_of"] = None
        action = cleaned.get("action")
        if action == LogReview.Outcome.NOT_STALKING and not (cleaned.get("note") or "").strip():
            self.add_error("note", "Add a note for the officers in charge.")
        if action == LogReview.Outcome.DUPLICATE:
            reference = (cleaned.get("duplicate_of_reference") or "").strip()
            if not reference:
                self.add_error("duplicate_of_reference", "Say which log they duplicate.")
                return cleaned
            try:
                original = find_log_by_reference(self.user, reference)
            except ValidationError as error:
                self.add_error("duplicate_of_reference", error)
                return cleaned
            if original.pk in (cleaned.get("logs") or []):
                self.add_error(
                    "duplicate_of_reference",
                    "The log they duplicate cannot be one of the selected logs.",
                )
                return cleaned
            cleaned["duplicate_of"] = original
        return cleaned

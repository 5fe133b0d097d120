"""Django admin for the case file.

The signal rules (offence codes, indicator phrases, windows and flags) are edited here: they are
data, not code (docs/signals.md). The admin role is a system administrator, not a reviewer, so
the records themselves (imports, crime logs, persons, cases) are listed by id and metadata only
and cannot be opened: narratives, names and addresses are read through the scoped pages, where
every read is recorded (DESIGN.md §4).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse

from cases.models import (
    Case,
    CrimeLog,
    FeedImport,
    IndicatorPhrase,
    OffenceCode,
    Person,
    SignalSettings,
)
from cases.permissions import hidden_case_q, hide_restricted_logs
from cases.signals.phrases import normalise_phrase
from foundation.accounts.models import User
from foundation.audit.access import record_admin_refusal
from foundation.lib.admin import ListOnlyAdmin

# --- Rules -------------------------------------------------------------------------------------


@admin.register(OffenceCode)
class OffenceCodeAdmin(admin.ModelAdmin):
    list_display = ["code", "description", "category"]
    list_filter = ["category"]
    search_fields = ["code", "description"]


class IndicatorPhraseForm(forms.ModelForm):
    class Meta:
        model = IndicatorPhrase
        fields = ["phrase", "kind", "behaviour", "is_active"]
        help_texts = {
            "phrase": (
                'Whole words, any case; a * stands for any word ending ("follow* her" finds '
                '"followed her" and "following her"), or alone for any one word; a word may list '
                'alternatives with | ("rang|texted her mum|sister"). Narrative kinds are looked '
                "for in narratives, former-partner phrases in the relationship, breach phrases "
                "in the offence description and flags (docs/signals.md)."
            ),
            "behaviour": (
                'What the reviewer reads in the signal\'s reason, e.g. "following" or "despite '
                'being told to stop". For an innocent context: the behaviour it cancels, or '
                "empty to cancel any behaviour in its sentence."
            ),
        }

    def clean_phrase(self) -> str:
        phrase = normalise_phrase(self.cleaned_data["phrase"])
        if not phrase.replace("*", "").replace("|", "").strip():
            raise forms.ValidationError("Give at least one word.")
        if any(not option for word in phrase.split() for option in word.split("|")):
            raise forms.ValidationError(
                "Put a word on each side of every | (texted|rang her, not texted| rang)."
            )
        return phrase

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        optional = {IndicatorPhrase.Kind.EXCLUSION, IndicatorPhrase.Kind.NEGATION}
        if cleaned.get("kind") not in optional and not str(cleaned.get("behaviour", "")).strip():
            self.add_error("behaviour", "Say what the reviewer reads for this phrase.")
        return cleaned


@admin.register(IndicatorPhrase)
class IndicatorPhraseAdmin(admin.ModelAdmin):
    form = IndicatorPhraseForm
    list_display = ["phrase", "kind", "behaviour", "is_active"]
    list_editable = ["is_active"]
    list_filter = ["kind", "is_active", "behaviour"]
    search_fields = ["phrase", "behaviour"]


class SignalSettingsForm(forms.ModelForm):
    class Meta:
        model = SignalSettings
        fields = [
            "course_of_conduct_days",
            "course_of_conduct_min_logs",
            "stalking_flags",
            "breach_flags",
        ]
        labels = {
            "course_of_conduct_days": "Course of conduct window (days)",
            "course_of_conduct_min_logs": "Logs needed for a course of conduct",
        }
        help_texts = {
            "course_of_conduct_days": (
                "The same suspect and victim on logs recorded within this many days of each "
                "other form a course of conduct (365: the issue's twelve months)."
            ),
            "course_of_conduct_min_logs": "At least 2.",
            "stalking_flags": "Comma-separated; a log with any of these is recorded as stalking.",
            "breach_flags": "Comma-separated; a log with any of these records a breach: high risk.",
        }

    def clean_course_of_conduct_days(self) -> int:
        days: int = self.cleaned_data["course_of_conduct_days"]
        if days < 1:
            raise forms.ValidationError("The window must be at least one day.")
        return days

    def clean_course_of_conduct_min_logs(self) -> int:
        count: int = self.cleaned_data["course_of_conduct_min_logs"]
        # A course of conduct is conduct on at least two occasions (PHA 1997 s.7(3)).
        if count < 2:
            raise forms.ValidationError("A course of conduct needs at least two logs.")
        return count

    def clean_stalking_flags(self) -> list[str]:
        return sorted({flag.strip().upper() for flag in self.cleaned_data["stalking_flags"]})

    def clean_breach_flags(self) -> list[str]:
        return sorted({flag.strip().upper() for flag in self.cleaned_data["breach_flags"]})


@admin.register(SignalSettings)
class SignalSettingsAdmin(admin.ModelAdmin):
    """One row (id 1): it can be changed, not added to or removed."""

    form = SignalSettingsForm
    list_display = ["__str__", "course_of_conduct_days", "course_of_conduct_min_logs"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not SignalSettings.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(
        self, request: HttpRequest, obj: SignalSettings, form: Any, change: bool
    ) -> None:
        obj.pk = 1
        super().save_model(request, obj, form, change)


# --- Records: listed, never opened ------------------------------------------------------------


@admin.register(FeedImport)
class FeedImportAdmin(ListOnlyAdmin):
    list_display = [
        "id",
        "source",
        "origin",
        "status",
        "queued_at",
        "finished_at",
        "rows_processed",
        "created",
        "updated",
        "unchanged",
        "rejected",
    ]
    list_filter = ["status", "origin", "source"]
    date_hierarchy = "queued_at"


class RestrictedRecordsAdmin(ListOnlyAdmin):
    """A restricted record is not even listed to the administrator: its single-record pages
    answer 404 like any door (recorded as denied), and the list leaves it out."""

    def hide(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        raise NotImplementedError

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return self.hide(request, super().get_queryset(request))

    def _refuse_hidden(self, request: HttpRequest, object_id: str) -> None:
        visible = self.hide(request, self.model._default_manager.all())
        try:
            hidden = not visible.filter(pk=object_id).exists()
            exists = self.model._default_manager.filter(pk=object_id).exists()
        except (ValueError, TypeError, ValidationError):
            return
        if hidden and exists:
            record_admin_refusal(request, self.model, object_id, "admin_change")
            raise Http404

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        self._refuse_hidden(request, object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        self._refuse_hidden(request, object_id)
        return super().delete_view(request, object_id, extra_context)

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        self._refuse_hidden(request, object_id)
        return super().history_view(request, object_id, extra_context)


@admin.register(CrimeLog)
class CrimeLogAdmin(RestrictedRecordsAdmin):
    # No narrative, names, officer or relationship: references and codes only.
    list_display = [
        "id",
        "source",
        "reference",
        "offence_code",
        "recorded_at",
        "review_state",
        "is_high_risk",
    ]
    list_filter = ["review_state", "is_high_risk", "source"]
    search_fields = ["=reference"]
    date_hierarchy = "recorded_at"
    show_full_result_count = False  # a count(*) over millions of logs on every page

    def hide(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return hide_restricted_logs(queryset, _user(request))


@admin.register(Person)
class PersonAdmin(RestrictedRecordsAdmin):
    list_display = ["id", "merged_into_id", "created_at"]
    show_full_result_count = False

    def hide(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(restriction__isnull=True)


@admin.register(Case)
class CaseAdmin(RestrictedRecordsAdmin):
    list_display = ["id", "reference", "status", "current_risk", "opened_at", "closed_at"]
    list_filter = ["status", "current_risk"]
    search_fields = ["=reference"]

    def hide(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.exclude(hidden_case_q(_user(request)))


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user

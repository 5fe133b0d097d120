"""Instruments are read-only here (their files are the source: `sync_instruments`).
Assessments are listed without personal data and cannot be opened: answers and rationales are
read through the scoped pages, where every read is recorded (DESIGN.md §4)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from foundation.lib.admin import ListOnlyAdmin
from risk.models import Instrument, RiskAssessment


@admin.register(Instrument)
class InstrumentAdmin(admin.ModelAdmin):
    list_display = [
        "key",
        "name",
        "version",
        "kind",
        "side",
        "licensed",
        "requires_trained_assessor",
        "is_active",
        "synced_at",
    ]
    list_filter = ["kind", "side", "is_active"]
    readonly_fields = [field.name for field in Instrument._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(RiskAssessment)
class RiskAssessmentAdmin(ListOnlyAdmin):
    # Ids, instrument, level and dates only: no answers, rationale or names.
    list_display = [
        "id",
        "case_id",
        "instrument",
        "final_level",
        "review_date",
        "completed_at",
        "superseded_at",
        "reminder_sent_for",
    ]
    list_filter = ["instrument", "final_level"]
    list_select_related = ["instrument"]
    date_hierarchy = "completed_at"

"""Referrals, casework and advice requests are listed without personal data and cannot be
opened or changed here: their content is read through the scoped pages, where every read is
recorded (DESIGN.md §4). Guidance holds no personal data and is edited here as well."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from foundation.lib.admin import ListOnlyAdmin
from referrals.models import AdviceRequest, Guidance, Referral


@admin.register(Referral)
class ReferralAdmin(ListOnlyAdmin):
    list_display = [
        "id",
        "case_id",
        "agency",
        "state",
        "urgency",
        "consent",
        "state_changed_at",
        "response_due_at",
        "chase_count",
    ]
    list_filter = ["state", "urgency", "consent", "agency"]
    list_select_related = ["agency"]
    date_hierarchy = "created_at"


@admin.register(AdviceRequest)
class AdviceRequestAdmin(ListOnlyAdmin):
    list_display = [
        "id",
        "category",
        "urgency",
        "submitted_at",
        "due_at",
        "answered_at",
        "rating",
        "overdue_sent_at",
    ]
    list_filter = ["category", "urgency", "rating"]
    date_hierarchy = "submitted_at"


@admin.register(Guidance)
class GuidanceAdmin(admin.ModelAdmin):
    list_display = ["title", "category", "is_published", "updated_at"]
    list_filter = ["category", "is_published"]
    search_fields = ["title"]
    fields = ["title", "category", "body", "is_published"]

    def save_model(self, request: HttpRequest, obj: Guidance, form: Any, change: bool) -> None:
        if not change:
            obj.created_by = request.user  # type: ignore[assignment]
        super().save_model(request, obj, form, change)

"""The plan checklist is data the hub edits here. Plans, directions and reviews are listed
without their text and cannot be opened: they are read through the scoped pages, where every
read is recorded (DESIGN.md §4)."""

from django.contrib import admin

from foundation.lib.admin import ListOnlyAdmin
from oversight.models import Direction, InvestigationPlan, OversightReview, PlanLineTemplate


@admin.register(PlanLineTemplate)
class PlanLineTemplateAdmin(admin.ModelAdmin):
    list_display = ["title", "key", "position", "is_active"]
    list_editable = ["position", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["title", "key"]
    prepopulated_fields = {"key": ["title"]}


@admin.register(InvestigationPlan)
class InvestigationPlanAdmin(ListOnlyAdmin):
    list_display = ["id", "case_id", "created_at"]
    date_hierarchy = "created_at"


@admin.register(Direction)
class DirectionAdmin(ListOnlyAdmin):
    list_display = ["id", "case_id", "status", "due_on", "given_at", "chase_count"]
    list_filter = ["status"]
    date_hierarchy = "given_at"


@admin.register(OversightReview)
class OversightReviewAdmin(ListOnlyAdmin):
    list_display = ["id", "case_id", "reviewed_at", "next_review_on"]
    date_hierarchy = "reviewed_at"

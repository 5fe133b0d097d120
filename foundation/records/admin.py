from django.contrib import admin

from foundation.lib.admin import ListOnlyAdmin
from foundation.records.models import (
    AccessRecordDisposal,
    RecordReview,
    RectificationRequest,
    RetentionRule,
    SubjectAccessRequest,
    Tombstone,
)


@admin.register(RetentionRule)
class RetentionRuleAdmin(admin.ModelAdmin):
    """The rules are data the admin may correct too (the information manager has a page)."""

    list_display = ("record_type", "years", "basis", "updated_at")
    readonly_fields = ("record_type", "updated_at", "updated_by")

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False  # rows come with the registered record types (migration)

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(RecordReview)
class RecordReviewAdmin(ListOnlyAdmin):
    list_display = ("id", "record_type", "object_id", "state", "review_on", "decided_at")
    list_filter = ("state", "record_type")


@admin.register(Tombstone)
class TombstoneAdmin(ListOnlyAdmin):
    list_display = ("id", "record_type", "object_id", "disposed_at")
    list_filter = ("record_type",)


@admin.register(AccessRecordDisposal)
class AccessRecordDisposalAdmin(ListOnlyAdmin):
    list_display = ("month", "count", "disposed_at", "kept_years")


@admin.register(SubjectAccessRequest)
class SubjectAccessRequestAdmin(ListOnlyAdmin):
    list_display = ("id", "state", "received_on", "created_at")


@admin.register(RectificationRequest)
class RectificationRequestAdmin(ListOnlyAdmin):
    list_display = ("id", "record_type", "object_id", "state", "received_on")

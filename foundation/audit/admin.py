from django.contrib import admin
from django.http import HttpRequest

from foundation.audit.models import AccessRecord


@admin.register(AccessRecord)
class AccessRecordAdmin(admin.ModelAdmin):
    list_display = ["at", "action", "outcome", "object_type", "object_id", "request_id"]
    list_filter = ["action", "outcome", "object_type"]
    date_hierarchy = "at"

    # Append-only: the admin can read, never add, change or delete.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AccessRecord | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AccessRecord | None = None) -> bool:
        return False

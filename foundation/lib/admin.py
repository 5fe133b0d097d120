"""Admin building blocks shared by the domain apps."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse

from foundation.audit.access import record_admin_refusal


class ListOnlyAdmin(admin.ModelAdmin):
    """Sensitive records in the admin: a list of ids and metadata, no detail page, no add,
    change or delete. Their content is read through the scoped pages, where every read is
    recorded (DESIGN.md §4)."""

    list_display_links = None

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # The list only: a single record's page would show its personal data.
        return obj is None and super().has_view_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    # A single record's pages (change, delete, history) never open here. For a sensitive model
    # the attempt is recorded as denied, like any refused attempt at a door, before Django
    # answers it (403, or back to the list for an id that does not exist).
    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        record_admin_refusal(request, self.model, object_id, "admin_change")
        return super().change_view(request, object_id, form_url, extra_context)

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        record_admin_refusal(request, self.model, object_id, "admin_delete")
        return super().delete_view(request, object_id, extra_context)

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        record_admin_refusal(request, self.model, object_id, "admin_history")
        return super().history_view(request, object_id, extra_context)

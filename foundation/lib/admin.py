"""Admin building blocks shared by the domain apps."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest


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

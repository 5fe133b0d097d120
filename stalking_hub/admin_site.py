"""The Django admin, for the admin role only, behind MFA when MFA is required."""

from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest

from stalking_hub.accounts.models import Role


class HubAdminSite(admin.AdminSite):
    site_header = "Stalking Hub administration"
    site_title = "Stalking Hub admin"
    index_title = "Administration"

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        if not (user.is_active and user.is_staff and user.has_role(Role.ADMIN)):  # type: ignore[union-attr]
            return False
        return not settings.HUB_REQUIRE_MFA or user.is_verified()  # type: ignore[union-attr]

"""The Django admin, for the admin role only, behind MFA when MFA is required."""

from collections.abc import Callable
from functools import update_wrapper
from typing import Any

from django.conf import settings
from django.contrib import admin
from django.http import Http404, HttpRequest, HttpResponse

from foundation.accounts.models import Role, User
from foundation.accounts.selectors import is_mfa_satisfied


class HubAdminSite(admin.AdminSite):
    site_header = "Stalking Hub administration"
    site_title = "Stalking Hub admin"
    index_title = "Administration"

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        if not (user.is_active and user.is_staff and isinstance(user, User)):
            return False
        if not user.has_role(Role.ADMIN):
            return False
        return not settings.HUB_REQUIRE_MFA or is_mfa_satisfied(request)

    def admin_view(self, view: Callable[..., Any], cacheable: bool = False) -> Any:
        """A signed-in user without admin rights gets a 404, like every other denied page."""
        inner = super().admin_view(view, cacheable)

        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.user.is_authenticated and not self.has_permission(request):
                raise Http404
            return inner(request, *args, **kwargs)

        return update_wrapper(guarded, view)

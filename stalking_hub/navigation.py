"""What each role may use, in one place: the navigation and the home page read it."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse

from stalking_hub.accounts.models import Role, User


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset[str]
    description: str

    @property
    def url(self) -> str:
        return reverse(self.url_name)


# Later issues add their pages here; each item names exactly the roles that may open it.
NAV_ITEMS: tuple[NavItem, ...] = (
    NavItem(
        "Access audit",
        "audit:access_records",
        frozenset({Role.AUDITOR}),
        "Who consulted or disclosed which record, when and why.",
    ),
    NavItem(
        "Administration",
        "admin:index",
        frozenset({Role.ADMIN}),
        "Users, agencies, roles and reference data.",
    ),
)


def items_for(user: User) -> list[NavItem]:
    if not user.is_authenticated:
        return []
    return [item for item in NAV_ITEMS if user.has_role(*item.roles)]


def navigation(request: HttpRequest) -> dict[str, object]:
    """Template context processor: the signed-in user's menu."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "environment_name": _environment_name()}
    return {"nav_items": items_for(user), "environment_name": _environment_name()}


def _environment_name() -> str:
    from django.conf import settings

    return str(settings.HUB_ENVIRONMENT_NAME)

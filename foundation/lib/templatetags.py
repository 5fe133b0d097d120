"""Template filters available in every template (registered as a builtin in settings)."""

from django import template
from django.conf import settings

register = template.Library()


@register.filter
def absolute(path: str) -> str:
    """A full link for an e-mail: HUB_SITE_URL plus the page's path (ids only, never names)."""
    return f"{settings.HUB_SITE_URL.rstrip('/')}{path}"

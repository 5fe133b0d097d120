"""`{% learning_point_link "log_review" log.pk %}`: the one "add a learning point" action on a
source's page, shown only to those who may raise a point from that kind of source."""

from __future__ import annotations

from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils.html import format_html

from learning.models import SourceKind
from learning.sources import may_raise_from

register = template.Library()


@register.simple_tag(takes_context=True)
def learning_point_link(
    context: template.Context, kind: str, source_id: int, answer: str = "", label: str = ""
) -> str:
    """`answer` ("intake" or "exit", ISAC feedback only): the point's text starts as the
    victim's "what would have helped" at that stage (the stage, never the text, in the URL)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not may_raise_from(user, SourceKind(kind)):
        return ""
    params = {"source": kind, "id": source_id}
    if answer:
        params["answer"] = answer
    url = reverse("learning:point_add") + "?" + urlencode(params)
    return format_html(
        '<a class="btn btn-sm btn-outline-secondary" href="{}">{}</a>',
        url,
        label or "Add a learning point",
    )

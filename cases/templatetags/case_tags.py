"""Small tags for the case and queue pages, in Python where a template loop per row cost the
page more than its queries (bench/README.md, "Dashboard bench: the case page and the
filtered queue").

`{% signal_badges log.signal_kinds %}`: one badge per signal kind, labelled;
`{{ kind|signal_label }}`: the label of one signal kind ("" for a kind no rule has).
"""

from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from cases.models import SignalKind

register = template.Library()

_LABELS: dict[str, str] = dict(SignalKind.choices)
_BADGE_CLASS: dict[str, str] = {
    SignalKind.ORDER_BREACH: "text-bg-danger",
    SignalKind.TAGGED_STALKING: "text-bg-primary",
}


@register.filter
def signal_label(kind: str) -> str:
    return _LABELS.get(kind, "")


@register.simple_tag
def signal_badges(kinds: Iterable[str] | None) -> SafeString:
    return format_html_join(
        "",
        '<span class="badge {} me-1">{}</span>',
        (
            (_BADGE_CLASS.get(kind, "text-bg-secondary"), _LABELS.get(kind, ""))
            for kind in kinds or ()
        ),
    )

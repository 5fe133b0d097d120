"""Template filters for the clinic's printable packs."""

from django import template

from foundation.lib.redaction import redact as redact_text

register = template.Library()


@register.filter
def redact(text: str) -> str:
    """Free text with postcodes, phone numbers and e-mail addresses blacked out."""
    return redact_text(str(text or ""))

"""Withholding contact details from free text that leaves the hub in a document (the clinic's
agenda packs, the solicitor's application pack): anything shaped like an e-mail address, a UK
phone number or a UK postcode is replaced. A safety net behind the forms' own guidance, not a
guarantee: names are never in these texts' scope (documents carry named fields only)."""

from __future__ import annotations

import re

POSTCODE = re.compile(r"\b[A-Z]{1,2}[0-9][A-Z0-9]?\s*[0-9][A-Z]{2}\b", re.IGNORECASE)
PHONE = re.compile(r"(?:(?:\+|00)44\s?|\b0)(?:\d[\s-]?){9,10}\b")
EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
WITHHELD = "[contact details withheld]"


def redact(text: str) -> str:
    """Free text with anything shaped like an e-mail, phone number or postcode withheld."""
    for pattern in (EMAIL, PHONE, POSTCODE):
        text = pattern.sub(WITHHELD, text)
    return text

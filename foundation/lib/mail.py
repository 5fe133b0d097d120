"""Templated e-mail, one message per recipient."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.conf import settings
from django.core.mail import send_mass_mail
from django.template.loader import render_to_string


def send_templated(template: str, context: Mapping[str, object], emails: Iterable[str]) -> int:
    """Render `emails/<template>_subject.txt` and `emails/<template>.txt` once and send one
    message per address (nobody learns who else was told). Returns how many were sent."""
    recipients = sorted({email for email in emails if email})
    if not recipients:
        return 0
    subject = render_to_string(f"emails/{template}_subject.txt", context).strip()
    body = render_to_string(f"emails/{template}.txt", context)
    sender = settings.DEFAULT_FROM_EMAIL
    return send_mass_mail([(subject, body, sender, [email]) for email in recipients])

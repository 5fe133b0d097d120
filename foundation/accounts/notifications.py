"""E-mails about a user's own account, sent through the outbox."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string

from foundation.accounts.models import User
from foundation.outbox.services import outbox_handler


@outbox_handler("accounts.send_password_changed_email")
def send_password_changed_email(*, user_id: int) -> None:
    """Tell the account holder their password changed, so a takeover does not go unnoticed."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return
    context = {"user": user}
    send_mail(
        subject=render_to_string("emails/password_changed_subject.txt", context).strip(),
        message=render_to_string("emails/password_changed.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[user.email],
    )

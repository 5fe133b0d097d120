"""E-mails about the feed itself (never about a log's contents)."""

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Q
from django.template.loader import render_to_string

from cases.models import FeedImport, FeedStaleAlert
from foundation.accounts.cover import with_coverers
from foundation.accounts.models import Role, User
from foundation.outbox.services import outbox_handler


def _coordinator_emails() -> list[str]:
    # Whoever covers a coordinator now is told too (foundation/accounts/cover.py).
    coordinators = User.objects.filter(is_active=True, roles__contains=[Role.COORDINATOR])
    return sorted({user.email for user in with_coverers(coordinators)})


@outbox_handler("cases.send_feed_stale_alert")
def send_feed_stale_alert(*, alert_id: int) -> None:
    """A silent feed is a failure, not a quiet day: tell the coordinators at once."""
    alert = FeedStaleAlert.objects.filter(pk=alert_id).first()
    recipients = _coordinator_emails()
    if alert is None or not recipients:
        return
    context = {"alert": alert, "stale_hours": settings.HUB_FEED_STALE_HOURS}
    send_mail(
        subject=render_to_string("emails/feed_stale_subject.txt", context).strip(),
        message=render_to_string("emails/feed_stale.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=recipients,
    )


@outbox_handler("cases.send_import_finished")
def send_import_finished(*, import_id: int) -> None:
    """Tell the person who uploaded a feed that its import finished (counts only)."""
    feed_import = FeedImport.objects.select_related("started_by").filter(pk=import_id).first()
    if feed_import is None or feed_import.started_by is None:
        return
    context = {"feed_import": feed_import}
    send_mail(
        subject=render_to_string("emails/import_finished_subject.txt", context).strip(),
        message=render_to_string("emails/import_finished.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[feed_import.started_by.email],
    )


def _admin_emails() -> set[str]:
    admins = User.objects.filter(is_active=True).filter(
        Q(roles__contains=[Role.ADMIN]) | Q(is_superuser=True)
    )
    return {user.email for user in admins if user.email}


@outbox_handler("cases.send_import_failed")
def send_import_failed(*, import_id: int) -> None:
    """An import given up (failed on its file HUB_FEED_MAX_FILE_ATTEMPTS times, or a swept file
    refused): tell the coordinators and the admins, once. Counts and the reason, no row data."""
    feed_import = FeedImport.objects.filter(pk=import_id).first()
    recipients = sorted(set(_coordinator_emails()) | _admin_emails())
    if feed_import is None or not recipients:
        return
    context = {"feed_import": feed_import}
    send_mail(
        subject=render_to_string("emails/import_failed_subject.txt", context).strip(),
        message=render_to_string("emails/import_failed.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=recipients,
    )

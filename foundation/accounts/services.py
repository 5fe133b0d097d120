"""Writes on accounts: deactivating leavers, MFA enrolment and reset."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from foundation.accounts.models import User, UserSession
from foundation.outbox.services import enqueue

BACKUP_CODE_COUNT = 10


@transaction.atomic
def deactivate_user(*, user: User, by: User) -> int:
    """Deactivate a leaver and end all their sessions at once. Returns the sessions ended."""
    user.is_active = False
    user.deactivated_at = timezone.now()
    user.save(update_fields=["is_active", "deactivated_at"])
    ended, _ = UserSession.objects.filter(user=user).delete()
    return ended


@transaction.atomic
def reset_mfa(*, user: User, by: User) -> None:
    """Remove every MFA device so the user enrols again at their next sign-in."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


@transaction.atomic
def start_totp_enrolment(*, user: User) -> TOTPDevice:
    """Return the user's unconfirmed authenticator device, creating it if needed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


@transaction.atomic
def confirm_totp_enrolment(*, device: TOTPDevice) -> list[str]:
    """Confirm the device and issue fresh backup codes, shown to the user once."""
    TOTPDevice.objects.filter(user=device.user, confirmed=True).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return issue_backup_codes(user=device.user)


@transaction.atomic
def issue_backup_codes(*, user: User) -> list[str]:
    """Replace the user's backup codes with a new set; each works once."""
    StaticDevice.objects.filter(user=user).delete()
    static = StaticDevice.objects.create(user=user, name="Backup codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=static, token=code) for code in codes)
    return codes


def record_password_changed(*, user: User) -> None:
    """Queue the "password changed" e-mail with the change itself (survives a Redis outage)."""
    from foundation.accounts.notifications import send_password_changed_email

    enqueue(send_password_changed_email, user_id=user.pk)

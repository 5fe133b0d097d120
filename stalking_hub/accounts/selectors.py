"""Reads on accounts."""

from django_otp import devices_for_user

from stalking_hub.accounts.models import User


def has_confirmed_mfa_device(user: User) -> bool:
    return any(True for _ in devices_for_user(user, confirmed=True))

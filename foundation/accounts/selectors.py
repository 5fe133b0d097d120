"""Reads on accounts."""

from django_otp import devices_for_user

from foundation.accounts.models import User


def has_confirmed_mfa_device(user: User) -> bool:
    return any(True for _ in devices_for_user(user, confirmed=True))


def is_mfa_verified(user: object) -> bool:
    """True once this session passed a second factor (django-otp's middleware sets the flag)."""
    check = getattr(user, "is_verified", None)
    return bool(check()) if callable(check) else False

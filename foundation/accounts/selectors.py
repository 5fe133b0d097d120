"""Reads on accounts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django_otp import devices_for_user

from foundation.accounts.models import GroupRoleMapping, Role, User

# Set in the session when the sign-in provider vouched for MFA (docs/configuration.md).
PROVIDER_MFA_SESSION_KEY = "hub_mfa_by_provider"
DORMANT_AFTER = timedelta(days=90)


def has_confirmed_mfa_device(user: User) -> bool:
    return any(True for _ in devices_for_user(user, confirmed=True))


def is_mfa_verified(user: object) -> bool:
    """True once this session passed a second factor (django-otp's middleware sets the flag)."""
    check = getattr(user, "is_verified", None)
    return bool(check()) if callable(check) else False


def is_mfa_satisfied(request: HttpRequest) -> bool:
    """The hub's own second factor was passed, or a trusted provider's MFA claim stands for it."""
    if is_mfa_verified(request.user):
        return True
    return request.user.is_authenticated and request.session.get(PROVIDER_MFA_SESSION_KEY) is True


@dataclass(frozen=True)
class Grant:
    """What a user's directory groups give them in the hub."""

    roles: list[str]
    is_enhanced_champion: bool = False
    is_srp_assessor: bool = False
    is_manager: bool = False


def grant_for_groups(*, provider: str, groups: Iterable[str]) -> Grant:
    """The union of the mappings for `groups` at `provider`; no role when none matches."""
    mappings = list(GroupRoleMapping.objects.filter(provider=provider, group__in=list(groups)))
    roles = {role for mapping in mappings for role in mapping.roles if role in Role.values}
    return Grant(
        roles=[role for role in Role.values if role in roles],  # stable, in Role order
        is_enhanced_champion=any(m.grants_enhanced_champion for m in mappings),
        is_srp_assessor=any(m.grants_srp_assessor for m in mappings),
        is_manager=any(m.grants_manager for m in mappings),
    )


def dormant_users(*, now: datetime) -> QuerySet[User]:
    """Active accounts not seen (signed in) for 90 days, or never since created 90 days ago."""
    cutoff = now - DORMANT_AFTER
    return User.objects.filter(is_active=True).filter(
        Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff)
    )

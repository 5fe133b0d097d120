"""Writes on accounts: deactivating leavers, MFA enrolment and reset, single sign-on."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from foundation.accounts.models import Agency, Role, User, UserSession
from foundation.accounts.oidc import claim_list, email_from
from foundation.accounts.oidc_config import OidcProvider
from foundation.accounts.selectors import Grant, grant_for_groups
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


class SignInRefusal(StrEnum):
    """Why a single sign-on was refused: the access record's reason (no personal data)."""

    NO_EMAIL = "the provider sent no e-mail address"
    EMAIL_DOMAIN = "e-mail domain not allowed for this provider"
    NO_AGENCY = "the provider's agency is not set up in the hub"
    NO_ROLE = "no role from the group mapping"
    DEACTIVATED = "account deactivated in the hub"
    ACCOUNT_CONFLICT = "the e-mail address belongs to another hub account"


@dataclass(frozen=True)
class SsoResult:
    """A user to sign in, or the reason there is none (`user` may still be set when refused)."""

    user: User | None
    refusal: SignInRefusal | None = None


def _apply_grant(user: User, grant: Grant) -> None:
    user.roles = grant.roles
    user.is_enhanced_champion = grant.is_enhanced_champion
    user.is_srp_assessor = grant.is_srp_assessor
    user.is_manager = grant.is_manager
    # The Django admin is for the admin role only (stalking_hub/admin_site.py); for an SSO
    # account that role, and so the admin, comes and goes with the directory group.
    user.is_staff = user.is_superuser = Role.ADMIN in grant.roles


@transaction.atomic
def sign_in_with_provider(*, provider: OidcProvider, claims: Mapping[str, Any]) -> SsoResult:
    """Find, link or create the account for a validated ID token, with roles from its groups.

    Refused (with the reason) when the e-mail domain is not the provider's, the group mapping
    gives no role (no account is created then; an existing one loses its roles), the account is
    deactivated, or its e-mail address is another account's. The agency is always the
    provider's configured agency.
    """
    subject = str(claims["sub"])
    email = email_from(claims, provider)
    if "@" not in email:
        return SsoResult(user=None, refusal=SignInRefusal.NO_EMAIL)
    if not provider.allows_email(email):
        return SsoResult(user=None, refusal=SignInRefusal.EMAIL_DOMAIN)
    agency = Agency.objects.filter(name=provider.agency, is_active=True).first()
    if agency is None:
        return SsoResult(user=None, refusal=SignInRefusal.NO_AGENCY)

    users = User.objects.select_for_update()
    user = users.filter(sso_provider=provider.key, sso_subject=subject).first()
    if user is None:
        # First SSO sign-in of an existing local account of the same agency: link it (its
        # password stops working, so a disabled directory account locks it out too).
        same_email = users.filter(email__iexact=email).first()
        if same_email is not None:
            if same_email.sso_provider or same_email.agency_id != agency.pk:
                return SsoResult(user=None, refusal=SignInRefusal.ACCOUNT_CONFLICT)
            user = same_email
    elif user.email != email and users.filter(email__iexact=email).exclude(pk=user.pk).exists():
        return SsoResult(user=user, refusal=SignInRefusal.ACCOUNT_CONFLICT)

    if user is not None and not user.is_active:
        return SsoResult(user=user, refusal=SignInRefusal.DEACTIVATED)

    grant = grant_for_groups(
        provider=provider.key, groups=claim_list(claims, provider.groups_claim)
    )
    if not grant.roles:
        if user is not None:
            _apply_grant(user, grant)
            user.save()
        return SsoResult(user=user, refusal=SignInRefusal.NO_ROLE)

    if user is None:
        user = User(date_joined=timezone.now())
    name = claims.get("name")
    user.email = email
    user.full_name = name.strip() if isinstance(name, str) and name.strip() else email
    user.agency = agency
    user.sso_provider = provider.key
    user.sso_subject = subject
    user.set_unusable_password()
    _apply_grant(user, grant)
    user.save()
    return SsoResult(user=user)


@transaction.atomic
def reapply_group_mapping(*, user: User, provider: OidcProvider, claims: Mapping[str, Any]) -> bool:
    """Re-apply the mapping from a refreshed ID token. Returns False when no role is left."""
    grant = grant_for_groups(
        provider=provider.key, groups=claim_list(claims, provider.groups_claim)
    )
    _apply_grant(user, grant)
    user.save(
        update_fields=[
            "roles",
            "is_enhanced_champion",
            "is_srp_assessor",
            "is_manager",
            "is_staff",
            "is_superuser",
        ]
    )
    return bool(grant.roles)

"""Single sign-on providers from the environment (read by settings; documented in
docs/configuration.md, "Single sign-on").

    HUB_OIDC_PROVIDERS=force,isac
    HUB_OIDC_FORCE_ISSUER=https://login.microsoftonline.com/<tenant-id>/v2.0
    HUB_OIDC_FORCE_CLIENT_ID=…  HUB_OIDC_FORCE_CLIENT_SECRET=…
    HUB_OIDC_FORCE_AGENCY=Northshire Police   HUB_OIDC_FORCE_EMAIL_DOMAINS=northshire.police.uk

This module imports nothing from Django's app registry: settings import it.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured

KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
# Entra ID sends "offline_access" refresh tokens only when asked; they let the hub re-check a
# session with the provider without sending the person back through the sign-in page.
DEFAULT_SCOPES = "openid email profile offline_access"
# A session is re-checked with the provider at least this often (issue: leavers within the hour).
MAX_RECHECK_MINUTES = 60


@dataclass(frozen=True)
class OidcProvider:
    """One organisation's identity provider; everyone signing in through it joins `agency`."""

    key: str
    label: str
    issuer: str
    client_id: str
    client_secret: str
    agency: str
    email_domains: tuple[str, ...]
    scopes: str = DEFAULT_SCOPES
    email_claim: str = "email"
    groups_claim: str = "groups"
    trust_mfa: bool = False
    mfa_amr: tuple[str, ...] = ("mfa",)
    mfa_acr: tuple[str, ...] = ()
    logout_at_provider: bool = False

    @property
    def metadata_url(self) -> str:
        return self.issuer.rstrip("/") + "/.well-known/openid-configuration"

    def allows_email(self, email: str) -> bool:
        domain = email.rpartition("@")[2].lower()
        return bool(domain) and domain in self.email_domains


def is_loopback_http(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme != "http" or not parts.hostname:
        return False
    if parts.hostname == "localhost":
        return True
    try:
        return ipaddress.ip_address(parts.hostname).is_loopback
    except ValueError:
        return False


def _split(value: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in value.split(",") if item.strip())


def read_providers(env: environ.Env) -> dict[str, OidcProvider]:
    """Every provider named in HUB_OIDC_PROVIDERS; a missing or unsafe value refuses to start."""
    providers: dict[str, OidcProvider] = {}
    for key in _split(env.str("HUB_OIDC_PROVIDERS", default="")):
        if not KEY_PATTERN.match(key):
            raise ImproperlyConfigured(
                f"HUB_OIDC_PROVIDERS: {key!r} must be lower-case letters, digits or _ "
                "(it names the provider's variables, e.g. HUB_OIDC_FORCE_ISSUER)."
            )
        prefix = f"HUB_OIDC_{key.upper()}_"

        def required(name: str, prefix: str = prefix) -> str:
            value = env.str(prefix + name, default="").strip()
            if not value:
                raise ImproperlyConfigured(
                    f"{prefix}{name} must be set for the sign-in provider named in "
                    "HUB_OIDC_PROVIDERS (see docs/configuration.md)."
                )
            return value

        issuer = required("ISSUER")
        if not (issuer.startswith("https://") or is_loopback_http(issuer)):
            raise ImproperlyConfigured(f"{prefix}ISSUER must be an https:// address.")
        agency = required("AGENCY")
        domains = tuple(d.lower().lstrip("@") for d in _split(required("EMAIL_DOMAINS")))
        providers[key] = OidcProvider(
            key=key,
            label=env.str(prefix + "LABEL", default="") or agency,
            issuer=issuer,
            client_id=required("CLIENT_ID"),
            client_secret=required("CLIENT_SECRET"),
            agency=agency,
            email_domains=domains,
            scopes=env.str(prefix + "SCOPES", default=DEFAULT_SCOPES),
            email_claim=env.str(prefix + "EMAIL_CLAIM", default="email"),
            groups_claim=env.str(prefix + "GROUPS_CLAIM", default="groups"),
            trust_mfa=env.bool(prefix + "TRUST_MFA", default=False),
            mfa_amr=_split(env.str(prefix + "MFA_AMR", default="mfa")),
            mfa_acr=_split(env.str(prefix + "MFA_ACR", default="")),
            logout_at_provider=env.bool(prefix + "LOGOUT_AT_PROVIDER", default=False),
        )
    return providers


def provider_logout_origins(providers: dict[str, OidcProvider]) -> list[str]:
    """Origins the sign-out form may be redirected to (the providers' own sign-out pages)."""
    origins = set()
    for provider in providers.values():
        if provider.logout_at_provider:
            parts = urlsplit(provider.issuer)
            origins.add(f"{parts.scheme}://{parts.netloc}")
    return sorted(origins)


def read_recheck_minutes(env: environ.Env) -> int:
    minutes = env.int("HUB_OIDC_RECHECK_MINUTES", default=30)
    if not 1 <= minutes <= MAX_RECHECK_MINUTES:
        raise ImproperlyConfigured(
            f"HUB_OIDC_RECHECK_MINUTES must be between 1 and {MAX_RECHECK_MINUTES}: a leaver's "
            "open session must end within the hour."
        )
    return minutes

"""OpenID Connect clients, one per configured provider, on authlib's Django integration.

authlib does discovery (the issuer's /.well-known/openid-configuration), PKCE, state and nonce,
and validates the ID token (signature against the provider's published keys, issuer, audience,
expiry, nonce, at_hash); refresh-token grants re-check a session with the provider.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from authlib.integrations.django_client import DjangoOAuth2App, OAuth
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import Http404

from foundation.accounts.oidc_config import OidcProvider

# Provider calls are made inside a request: fail fast rather than hang a worker.
PROVIDER_TIMEOUT_SECONDS = 10
# The session's record of its sign-on: provider key, refresh token, last successful re-check.
SSO_SESSION_KEY = "hub_sso"


def configured_providers() -> dict[str, OidcProvider]:
    return dict(settings.HUB_OIDC_PROVIDERS)


def get_provider(key: str) -> OidcProvider:
    """The provider configured under `key`; Http404 for any other key."""
    provider = configured_providers().get(key)
    if provider is None:
        raise Http404
    return provider


@cache
def _registry() -> OAuth:
    return OAuth()


def client_for(provider: OidcProvider) -> DjangoOAuth2App:
    """The provider's client (its discovery document and keys are cached by the client)."""
    registry = _registry()
    client = registry.create_client(provider.key)
    if client is None:
        registry.register(
            name=provider.key,
            client_id=provider.client_id,
            client_secret=provider.client_secret,
            server_metadata_url=provider.metadata_url,
            client_kwargs={
                "scope": provider.scopes,
                "code_challenge_method": "S256",
                "timeout": PROVIDER_TIMEOUT_SECONDS,
            },
        )
        client = registry.create_client(provider.key)
    assert isinstance(client, DjangoOAuth2App)
    return client


@receiver(setting_changed)
def _forget_clients(*, setting: str, **kwargs: Any) -> None:
    if setting == "HUB_OIDC_PROVIDERS":
        _registry.cache_clear()


def remember_sso_session(
    session: Any, *, provider: OidcProvider, token: Mapping[str, Any], now: float
) -> None:
    """Keep what the re-check needs in the (server-side) session; the id_token only for the
    provider's sign-out page (id_token_hint)."""
    session[SSO_SESSION_KEY] = {
        "provider": provider.key,
        "refresh_token": token.get("refresh_token", ""),
        "id_token": token.get("id_token", "") if provider.logout_at_provider else "",
        "checked_at": now,
        "attempted_at": now,
    }


def refresh_session_tokens(provider: OidcProvider, refresh_token: str) -> dict[str, Any]:
    """Ask the provider for fresh tokens. Raises authlib's OAuthError when it refuses (account
    disabled, grant revoked) and requests' RequestException when it cannot be reached."""
    # scope="" leaves the scope out of the request: RFC 6749 s.6 then keeps the original grant
    # (asking again for a scope the provider dropped, e.g. offline_access, is refused).
    token = client_for(provider).fetch_access_token(
        grant_type="refresh_token", refresh_token=refresh_token, scope=""
    )
    return dict(token)


def claim_list(claims: Mapping[str, Any], name: str) -> list[str]:
    """A claim that may be a list or a single string, as a list of strings."""
    value = claims.get(name)
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [str(item) for item in value]
    return []


def email_from(claims: Mapping[str, Any], provider: OidcProvider) -> str:
    value = claims.get(provider.email_claim)
    return value.strip().lower() if isinstance(value, str) else ""


def provider_asserts_mfa(claims: Mapping[str, Any], provider: OidcProvider) -> bool:
    """True when the provider is trusted for MFA and its ID token says MFA was used.

    `amr` (RFC 8176 methods, e.g. "mfa") or `acr` (a context class the force names). Absent
    or other values: the hub's own TOTP applies.
    """
    if not provider.trust_mfa:
        return False
    methods = set(claim_list(claims, "amr"))
    acr = claims.get("acr")
    return bool(methods & set(provider.mfa_amr)) or (
        isinstance(acr, str) and acr in provider.mfa_acr
    )

"""Session limits, the SSO re-check and MFA enforcement, applied to every request after
authentication."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import requests
from authlib.common.errors import AuthlibBaseError
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from joserfc.errors import JoseError

from foundation.accounts import services
from foundation.accounts.models import User
from foundation.accounts.oidc import (
    SSO_SESSION_KEY,
    client_for,
    configured_providers,
    refresh_session_tokens,
)
from foundation.accounts.oidc_config import MAX_RECHECK_MINUTES
from foundation.accounts.selectors import is_mfa_satisfied
from foundation.audit.services import record_sign_in

logger = logging.getLogger(__name__)

SESSION_STARTED_KEY = "hub_session_started"

# Paths a signed-in but not yet MFA-verified user may reach.
MFA_EXEMPT_PREFIXES = ("/accounts/", "/static/", "/health/")


def mark_session_started(sender: object, request: HttpRequest | None, **kwargs: object) -> None:
    """user_logged_in: the 12-hour limit runs from sign-in, written with the new session (the
    middleware below sets it for a session from before this receiver, on its next request)."""
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_STARTED_KEY] = time.time()


class SessionLimitMiddleware:
    """End a session 12 hours after sign-in, however active (the idle limit is the cookie age)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            started = request.session.setdefault(SESSION_STARTED_KEY, now)
            if now - float(started) > settings.HUB_SESSION_ABSOLUTE_HOURS * 3600:
                logout(request)
                messages.info(request, "Your session has ended. Please sign in again.")
                return redirect(settings.LOGIN_URL)
        return self.get_response(request)


# While the provider cannot be reached, try again at most this often (each try may wait for a
# timeout); the session still ends once its last successful check is an hour old.
SSO_RETRY_SECONDS = 120
SSO_ENDED_MESSAGE = "Your sign-in through {label} has ended. Please sign in again."


def check_sso_session(request: HttpRequest, *, now: float) -> str | None:
    """Re-check an SSO session with its provider when due (a refresh-token grant).

    Returns the reason to end the session, or None to carry on. A provider that refuses the
    refresh (the directory account is disabled, the grant revoked) ends it at once; one that
    cannot be reached ends it when the last successful check is an hour old. A refreshed ID
    token re-applies the group mapping (a user left with no role is signed out).
    """
    data = request.session.get(SSO_SESSION_KEY)
    user = request.user
    if not data or not isinstance(user, User):
        return None
    provider = configured_providers().get(data.get("provider", ""))
    if provider is None:
        return "provider no longer configured"
    since_check = now - float(data.get("checked_at", 0))
    deadline = since_check >= MAX_RECHECK_MINUTES * 60
    if since_check < settings.HUB_OIDC_RECHECK_MINUTES * 60:
        return None
    if not deadline and now - float(data.get("attempted_at", 0)) < SSO_RETRY_SECONDS:
        return None
    data["attempted_at"] = now
    request.session[SSO_SESSION_KEY] = data
    if not data.get("refresh_token"):
        return "no refresh token to re-check the session with" if deadline else None
    try:
        token = refresh_session_tokens(provider, data["refresh_token"])
        claims = (
            client_for(provider).parse_id_token(token, nonce=None) if "id_token" in token else None
        )
    except requests.RequestException:
        logger.warning("sign-in provider %s: refresh unreachable", provider.key)
        return "provider unreachable for an hour" if deadline else None
    except (AuthlibBaseError, JoseError):
        return "provider refused the refresh"
    if claims is not None:
        if str(claims.get("sub")) != user.sso_subject:
            return "refreshed token for another subject"
        if not services.reapply_group_mapping(user=user, provider=provider, claims=claims):
            return "no role from the group mapping"
    data["refresh_token"] = token.get("refresh_token") or data["refresh_token"]
    data["checked_at"] = now
    request.session[SSO_SESSION_KEY] = data
    return None


class SsoSessionCheckMiddleware:
    """End an SSO session the provider no longer vouches for (a leaver within the hour)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and SSO_SESSION_KEY in request.session:
            reason = check_sso_session(request, now=time.time())
            if reason is not None:
                user = request.user if isinstance(request.user, User) else None
                provider_key = request.session[SSO_SESSION_KEY].get("provider", "")
                provider = configured_providers().get(provider_key)
                record_sign_in(
                    user=user,
                    provider=provider_key,
                    allowed=False,
                    reason=f"session ended: {reason}",
                )
                logout(request)
                label = provider.label if provider else "your organisation"
                messages.info(request, SSO_ENDED_MESSAGE.format(label=label))
                return redirect(settings.LOGIN_URL)
        return self.get_response(request)


class RequireMFAMiddleware:
    """With HUB_REQUIRE_MFA on, a signed-in user must verify (or enrol) before anything else."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            settings.HUB_REQUIRE_MFA
            and user.is_authenticated
            and not is_mfa_satisfied(request)
            and not request.path.startswith(MFA_EXEMPT_PREFIXES)
        ):
            return redirect(f"{reverse('accounts:mfa')}?next={request.get_full_path()}")
        return self.get_response(request)

"""Session limits and MFA enforcement, applied to every request after authentication."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from foundation.accounts.selectors import is_mfa_verified

SESSION_STARTED_KEY = "hub_session_started"

# Paths a signed-in but not yet MFA-verified user may reach.
MFA_EXEMPT_PREFIXES = ("/accounts/", "/static/", "/health/")


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


class RequireMFAMiddleware:
    """With HUB_REQUIRE_MFA on, a signed-in user must verify (or enrol) before anything else."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            settings.HUB_REQUIRE_MFA
            and user.is_authenticated
            and not is_mfa_verified(user)
            and not request.path.startswith(MFA_EXEMPT_PREFIXES)
        ):
            return redirect(f"{reverse('accounts:mfa')}?next={request.get_full_path()}")
        return self.get_response(request)

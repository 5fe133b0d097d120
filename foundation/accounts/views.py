"""Sign-in (password or the agency's identity provider), sign-out, MFA verification and
enrolment. Password pages are Django's own views."""

from __future__ import annotations

import logging
import re
import time
from typing import Any

import requests
import segno
from authlib.common.errors import AuthlibBaseError
from authlib.common.urls import add_params_to_uri
from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp import match_token
from joserfc.errors import JoseError

from foundation.accounts import services
from foundation.accounts.forms import EmailAuthenticationForm, TokenForm
from foundation.accounts.oidc import (
    SSO_SESSION_KEY,
    client_for,
    configured_providers,
    get_provider,
    provider_asserts_mfa,
    remember_sso_session,
)
from foundation.accounts.selectors import (
    PROVIDER_MFA_SESSION_KEY,
    has_confirmed_mfa_device,
    is_mfa_satisfied,
    is_mfa_verified,
)
from foundation.audit.context import current_request_id
from foundation.audit.services import record_sign_in
from foundation.lib.http import AuthenticatedHttpRequest

logger = logging.getLogger(__name__)

SSO_NEXT_SESSION_KEY = "hub_sso_next"
_ERROR_CODE = re.compile(r"[^a-z_]")


class LoginView(auth_views.LoginView):
    form_class = EmailAuthenticationForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["sso_providers"] = list(configured_providers().values())
        return context


login_view = login_not_required(LoginView.as_view())


class PasswordChangeView(auth_views.PasswordChangeView):
    success_url = reverse_lazy("accounts:password_change_done")

    @transaction.atomic
    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        services.record_password_changed(user=form.user)
        return response


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return str(settings.LOGIN_REDIRECT_URL)


@login_not_required
@require_GET
def sso_start(request: HttpRequest, provider: str) -> HttpResponse:
    """Send the person to their agency's identity provider (a GET: the form-action CSP would
    stop a form post from redirecting to another origin)."""
    chosen = get_provider(provider)
    callback = request.build_absolute_uri(reverse("accounts:sso_callback", args=[chosen.key]))
    try:
        response = client_for(chosen).authorize_redirect(request, callback)
    except (requests.RequestException, AuthlibBaseError, ValueError, KeyError):
        logger.warning("sign-in provider %s: discovery failed", chosen.key)
        return render(request, "accounts/sso_unavailable.html", {"provider": chosen}, status=503)
    request.session[SSO_NEXT_SESSION_KEY] = _safe_next(request)
    return response


@login_not_required
@require_GET
def sso_callback(request: HttpRequest, provider: str) -> HttpResponse:
    """The provider's answer: validate it, apply the group mapping, sign in or say why not."""
    chosen = get_provider(provider)
    try:
        token = client_for(chosen).authorize_access_token(request)
    except requests.RequestException:
        logger.warning("sign-in provider %s: token endpoint unreachable", chosen.key)
        return render(request, "accounts/sso_unavailable.html", {"provider": chosen}, status=503)
    except (AuthlibBaseError, JoseError) as exc:
        # The provider refused (a disabled directory account, a cancelled sign-in), or its
        # answer did not validate (state, nonce, signature, issuer, audience, expiry).
        code = _ERROR_CODE.sub("", str(getattr(exc, "error", "") or type(exc).__name__).lower())
        record_sign_in(
            user=None,
            provider=chosen.key,
            allowed=False,
            reason=f"refused by the provider or not valid ({code[:40]})",
            agency_name=chosen.agency,
        )
        return _refused(request, chosen.label, "provider")
    claims = dict(token.get("userinfo") or {})
    if not claims.get("sub"):
        return _refused(request, chosen.label, "provider")
    try:
        result = services.sign_in_with_provider(provider=chosen, claims=claims)
    except IntegrityError:
        # Two first sign-ins of the same person at once: the other one created the account.
        result = services.sign_in_with_provider(provider=chosen, claims=claims)
    if result.refusal is not None or result.user is None:
        refusal = result.refusal or services.SignInRefusal.NO_ROLE
        record_sign_in(
            user=result.user,
            provider=chosen.key,
            allowed=False,
            # The provider's subject id is opaque: the directory's administrators can resolve it,
            # nobody else can. Never the name or e-mail address.
            reason=f"{refusal.value} (subject {str(claims['sub'])[:100]})",
            agency_name=chosen.agency,
        )
        return _refused(request, chosen.label, refusal.name.lower())
    target = request.session.pop(SSO_NEXT_SESSION_KEY, "") or resolve_url(
        settings.LOGIN_REDIRECT_URL
    )
    auth.login(request, result.user, backend="django.contrib.auth.backends.ModelBackend")
    remember_sso_session(request.session, provider=chosen, token=token, now=time.time())
    mfa_by_provider = provider_asserts_mfa(claims, chosen)
    if mfa_by_provider:
        request.session[PROVIDER_MFA_SESSION_KEY] = True
    record_sign_in(
        user=result.user,
        provider=chosen.key,
        allowed=True,
        reason="MFA done at the provider" if mfa_by_provider else "",
    )
    return redirect(target)


def _refused(request: HttpRequest, label: str, reason: str) -> HttpResponse:
    context = {"label": label, "reason": reason, "request_id": current_request_id.get()}
    return render(request, "accounts/sso_refused.html", context, status=403)


@login_not_required
@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    """End the hub session; for a provider set to, continue to its sign-out page (shared
    workstations: the next person must not find the directory session still open)."""
    target = resolve_url(settings.LOGOUT_REDIRECT_URL)
    sso = request.session.get(SSO_SESSION_KEY) or {}
    provider = configured_providers().get(sso.get("provider", ""))
    if provider is not None and provider.logout_at_provider:
        try:
            end_session = client_for(provider).load_server_metadata().get("end_session_endpoint")
        except (requests.RequestException, AuthlibBaseError, ValueError):
            end_session = None
        if end_session:
            target = add_params_to_uri(
                end_session,
                {
                    "client_id": provider.client_id,
                    "id_token_hint": sso.get("id_token", ""),
                    "post_logout_redirect_uri": request.build_absolute_uri(target),
                },
            )
    auth.logout(request)
    return HttpResponseRedirect(target)


@require_http_methods(["GET", "POST"])
def mfa(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Verify a second factor; a user with no device is sent to enrol."""
    if is_mfa_satisfied(request):
        return redirect(_safe_next(request))
    if not has_confirmed_mfa_device(request.user):
        return redirect("accounts:mfa_enrol")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            return redirect(_safe_next(request))
        form.add_error("token", "That code is not valid. Check the time on your device.")
    return render(request, "accounts/mfa_verify.html", {"form": form})


@require_http_methods(["GET", "POST"])
def mfa_enrol(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Enrol an authenticator app: scan, confirm with a code, receive backup codes once."""
    if has_confirmed_mfa_device(request.user) and not is_mfa_verified(request.user):
        return redirect("accounts:mfa")
    device = services.start_totp_enrolment(user=request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        allowed, _ = device.verify_is_allowed()
        if not allowed:
            form.add_error("token", "Too many wrong codes. Wait a few seconds and try again.")
        elif device.verify_token(form.cleaned_data["token"]):
            codes = services.confirm_totp_enrolment(device=device)
            otp_login(request, device)
            messages.success(request, "Two-step sign-in is on for your account.")
            return render(request, "accounts/backup_codes.html", {"codes": codes})
        else:
            form.add_error("token", "That code is not valid. Scan the code again and retry.")
    qr_svg = segno.make(device.config_url, error="m").svg_inline(scale=4, dark="#000")
    return render(
        request,
        "accounts/mfa_enrol.html",
        {"form": form, "qr_svg": qr_svg, "secret": device.bin_key.hex()},
    )


@require_http_methods(["POST"])
def backup_codes_regenerate(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not is_mfa_verified(request.user):
        return redirect("accounts:mfa")
    codes = services.issue_backup_codes(user=request.user)
    return render(request, "accounts/backup_codes.html", {"codes": codes})


def account(request: AuthenticatedHttpRequest) -> HttpResponse:
    provider = configured_providers().get(request.user.sso_provider)
    context = {
        "has_mfa": has_confirmed_mfa_device(request.user),
        "sso_label": provider.label if provider else request.user.sso_provider,
    }
    return render(request, "accounts/account.html", context)

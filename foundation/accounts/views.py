"""Sign-in, MFA verification and enrolment. Password pages are Django's own views."""

from __future__ import annotations

from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import match_token

from foundation.accounts import services
from foundation.accounts.forms import EmailAuthenticationForm, TokenForm
from foundation.accounts.selectors import has_confirmed_mfa_device, is_mfa_verified
from foundation.lib.http import AuthenticatedHttpRequest


class LoginView(auth_views.LoginView):
    form_class = EmailAuthenticationForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True


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


@require_http_methods(["GET", "POST"])
def mfa(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Verify a second factor; a user with no device is sent to enrol."""
    if is_mfa_verified(request.user):
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
    return render(
        request, "accounts/account.html", {"has_mfa": has_confirmed_mfa_device(request.user)}
    )

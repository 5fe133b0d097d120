"""Production-like settings (tests run with DEBUG off): CSP with nonce, HSTS, cookie flags."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_csp_has_a_nonce_and_no_unsafe_inline(client):
    response = client.get(reverse("accounts:login"), secure=True)
    policy = response["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", policy)
    assert nonce, policy
    assert "unsafe-inline" not in policy
    assert "default-src 'self'" in policy
    assert f'nonce="{nonce.group(1)}"'.encode() in response.content


def test_nonce_differs_between_responses(client):
    first = client.get(reverse("accounts:login"), secure=True)["Content-Security-Policy"]
    second = client.get(reverse("accounts:login"), secure=True)["Content-Security-Policy"]
    assert first != second


def test_hsts_and_other_headers(client):
    response = client.get(reverse("accounts:login"), secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "includeSubDomains" in response["Strict-Transport-Security"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Request-ID"]


def test_cookies_are_host_prefixed_secure_and_httponly(client, officer):
    response = client.get(reverse("accounts:login"), secure=True)
    csrf = response.cookies[settings.CSRF_COOKIE_NAME]
    assert settings.CSRF_COOKIE_NAME == "__Host-csrftoken"
    assert csrf["secure"]
    assert csrf["httponly"]
    assert csrf["path"] == "/"
    client.force_login(officer)
    response = client.get(reverse("home"), secure=True)
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    assert settings.SESSION_COOKIE_NAME == "__Host-sessionid"
    assert session["secure"]
    assert session["httponly"]
    assert session["samesite"] == "Lax"
    assert not session["domain"]


def test_password_hasher_in_production_is_argon2():
    from stalking_hub.settings import base

    assert base.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_error_pages_leak_nothing(client, officer):
    client.force_login(officer)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert b"Traceback" not in response.content
    assert b"no-such-page" not in response.content

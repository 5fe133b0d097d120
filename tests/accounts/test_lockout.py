"""Lockout is keyed on username + the real client address (django-axes), also behind proxies."""

import pytest
from django.conf import settings
from django.test import RequestFactory
from django.urls import reverse

from foundation.accounts.lockout import client_ip
from tests.factories import UserFactory
from tests.factories.accounts import TEST_PASSWORD

pytestmark = pytest.mark.django_db

PROXY = "172.18.0.5"  # the reverse proxy: every request reaches gunicorn from here
ATTACKER = "203.0.113.66"
COLLEAGUE = "198.51.100.7"


def attempt(client, email: str, password: str, ip: str, forwarded_for: str | None = None):
    headers = {"REMOTE_ADDR": ip}
    if forwarded_for is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return client.post(
        reverse("accounts:login"), {"username": email, "password": password}, **headers
    )


def fail_until_locked(client, email: str, ip: str, forwarded_for: str | None = None):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, email, "wrong-password", ip, forwarded_for)


def test_repeated_failures_lock_that_username_from_that_address(client, officer):
    fail_until_locked(client, officer.email, "10.1.1.1")
    response = attempt(client, officer.email, TEST_PASSWORD, "10.1.1.1")
    assert response.status_code == 429
    assert b"Sign-in paused" in response.content
    assert "_auth_user_id" not in client.session


def test_colleague_behind_the_same_address_can_still_sign_in(client, officer):
    colleague = UserFactory()
    fail_until_locked(client, officer.email, "10.1.1.1")
    response = attempt(client, colleague.email, TEST_PASSWORD, "10.1.1.1")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(colleague.pk)


def test_same_user_from_another_address_is_not_locked(client, officer):
    fail_until_locked(client, officer.email, "10.1.1.1")
    response = attempt(client, officer.email, TEST_PASSWORD, "10.2.2.2")
    assert response.status_code == 302


# --- Behind a reverse proxy ---------------------------------------------------------------------


def test_behind_one_trusted_proxy_failures_elsewhere_do_not_lock_the_user_out(
    client, officer, settings
):
    settings.HUB_PROXY_COUNT = 1
    fail_until_locked(client, officer.email, PROXY, forwarded_for=ATTACKER)

    assert attempt(client, officer.email, TEST_PASSWORD, PROXY, ATTACKER).status_code == 429
    response = attempt(client, officer.email, TEST_PASSWORD, PROXY, COLLEAGUE)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(officer.pk)


def test_behind_one_trusted_proxy_a_forged_forwarded_entry_does_not_dodge_the_lockout(
    client, officer, settings
):
    settings.HUB_PROXY_COUNT = 1
    # The client sends its own X-Forwarded-For, different every time; the proxy appends the
    # address it really saw. Only that last entry counts.
    for n in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, officer.email, "wrong-password", PROXY, f"10.9.9.{n}, {ATTACKER}")
    response = attempt(client, officer.email, TEST_PASSWORD, PROXY, f"10.9.9.99, {ATTACKER}")
    assert response.status_code == 429


def test_with_no_trusted_proxy_a_forged_forwarded_header_is_ignored(client, officer, settings):
    settings.HUB_PROXY_COUNT = 0
    # Forging a new address each time does not escape the lockout on the real address...
    for n in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, officer.email, "wrong-password", ATTACKER, f"10.9.9.{n}")
    assert attempt(client, officer.email, TEST_PASSWORD, ATTACKER, "10.9.9.99").status_code == 429
    # ...and naming the victim's address does not lock them out.
    fail_until_locked(client, officer.email, "10.7.7.7", forwarded_for=COLLEAGUE)
    assert attempt(client, officer.email, TEST_PASSWORD, COLLEAGUE).status_code == 302


# --- The address itself -------------------------------------------------------------------------


def request_from(remote: str, forwarded_for: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded_for is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return RequestFactory().get("/", **extra)


@pytest.mark.parametrize(
    ("proxies", "forwarded_for", "expected"),
    [
        (0, None, PROXY),
        (0, ATTACKER, PROXY),  # no trusted proxy: the header is never read
        (1, ATTACKER, ATTACKER),
        (1, f"10.9.9.9, {ATTACKER}", ATTACKER),  # the client's own entry is ignored
        (2, f"10.9.9.9, {ATTACKER}, 10.0.0.2", ATTACKER),  # balancer then proxy
        (2, ATTACKER, PROXY),  # fewer entries than trusted proxies: not trusted
        (1, None, PROXY),  # reached the app directly
        (1, "", PROXY),
        (1, "unknown", PROXY),
        (1, f"{ATTACKER}:4711", ATTACKER),
        (1, "[2001:db8::1]:4711", "2001:db8::1"),
        (1, "2001:DB8:0::1", "2001:db8::1"),
        (1, f"{ATTACKER},, ", ATTACKER),
    ],
)
def test_client_address_is_read_right_to_left_by_the_trusted_proxy_count(
    settings, proxies, forwarded_for, expected
):
    settings.HUB_PROXY_COUNT = proxies
    assert client_ip(request_from(PROXY, forwarded_for)) == expected

"""Lockout is keyed on username + IP together (django-axes)."""

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import UserFactory
from tests.factories.accounts import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def attempt(client, email: str, password: str, ip: str):
    return client.post(
        reverse("accounts:login"), {"username": email, "password": password}, REMOTE_ADDR=ip
    )


def fail_until_locked(client, email: str, ip: str):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, email, "wrong-password", ip)


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

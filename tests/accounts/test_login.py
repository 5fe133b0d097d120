import pytest
from django.urls import reverse

from tests.factories import UserFactory
from tests.factories.accounts import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def test_anonymous_user_is_sent_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_sign_in_with_email_reaches_home(client, coordinator):
    response = client.post(
        reverse("accounts:login"),
        {"username": coordinator.email, "password": TEST_PASSWORD},
        REMOTE_ADDR="10.0.0.1",
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    home = client.get(reverse("home"))
    assert home.status_code == 200
    assert coordinator.full_name.encode() in home.content


def test_wrong_password_gives_a_clear_error_that_does_not_confirm_the_account(client, coordinator):
    wrong = client.post(
        reverse("accounts:login"),
        {"username": coordinator.email, "password": "nope"},
        REMOTE_ADDR="10.0.0.1",
    )
    unknown = client.post(
        reverse("accounts:login"),
        {"username": "nobody@example.test", "password": "nope"},
        REMOTE_ADDR="10.0.0.1",
    )
    message = b"do not match an active account"
    assert wrong.status_code == unknown.status_code == 200
    assert message in wrong.content
    assert message in unknown.content


def test_inactive_user_cannot_sign_in(client):
    user = UserFactory(is_active=False)
    response = client.post(
        reverse("accounts:login"),
        {"username": user.email, "password": TEST_PASSWORD},
        REMOTE_ADDR="10.0.0.1",
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_logout_needs_post_and_ends_the_session(client, officer):
    client.force_login(officer)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert client.get("/").status_code == 302

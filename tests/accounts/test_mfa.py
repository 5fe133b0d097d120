import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from foundation.accounts import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def require_mfa(settings):
    settings.HUB_REQUIRE_MFA = True


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_user_without_a_device_must_enrol_before_anything_else(client, require_mfa, coordinator):
    client.force_login(coordinator)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:mfa"))
    assert client.get(reverse("accounts:mfa"))["Location"] == reverse("accounts:mfa_enrol")


def test_enrolment_confirms_device_and_shows_backup_codes_once(client, require_mfa, coordinator):
    client.force_login(coordinator)
    page = client.get(reverse("accounts:mfa_enrol"))
    assert page.status_code == 200
    assert b"<svg" in page.content
    device = TOTPDevice.objects.get(user=coordinator)
    bad = client.post(reverse("accounts:mfa_enrol"), {"token": "000000"})
    assert b"not valid" in bad.content
    device.refresh_from_db()
    assert not device.confirmed
    device.throttle_reset()  # a wrong code pauses the next try for a second
    done = client.post(reverse("accounts:mfa_enrol"), {"token": current_code(device)})
    assert done.status_code == 200
    assert len(done.context["codes"]) == services.BACKUP_CODE_COUNT
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("home")).status_code == 200


def test_enrolled_user_verifies_with_a_code(client, require_mfa, coordinator):
    device = services.start_totp_enrolment(user=coordinator)
    services.confirm_totp_enrolment(device=device)
    client.force_login(coordinator)
    assert client.get(reverse("home")).status_code == 302
    wrong = client.post(reverse("accounts:mfa"), {"token": "123456", "next": "/"})
    assert b"not valid" in wrong.content
    device.refresh_from_db()
    device.throttle_reset()
    ok = client.post(reverse("accounts:mfa"), {"token": current_code(device), "next": "/"})
    assert ok.status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_backup_code_works_once(client, require_mfa, coordinator):
    device = services.start_totp_enrolment(user=coordinator)
    code = services.confirm_totp_enrolment(device=device)[0]
    client.force_login(coordinator)
    assert client.post(reverse("accounts:mfa"), {"token": code})["Location"] == "/"
    assert not StaticToken.objects.filter(token=code).exists()


def test_verify_page_refuses_an_offsite_next(client, require_mfa, coordinator):
    device = services.start_totp_enrolment(user=coordinator)
    services.confirm_totp_enrolment(device=device)
    client.force_login(coordinator)
    response = client.post(
        reverse("accounts:mfa"), {"token": current_code(device), "next": "https://evil.example"}
    )
    assert response["Location"] == "/"


def test_admin_reset_removes_devices(coordinator, admin_user):
    device = services.start_totp_enrolment(user=coordinator)
    services.confirm_totp_enrolment(device=device)
    services.reset_mfa(user=coordinator, by=admin_user)
    assert not TOTPDevice.objects.filter(user=coordinator).exists()


def test_admin_pages_need_verified_mfa(client, require_mfa, admin_user):
    client.force_login(admin_user)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:mfa"))

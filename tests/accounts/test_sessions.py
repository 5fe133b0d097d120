import time
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from foundation.accounts import services
from foundation.accounts.middleware import SESSION_STARTED_KEY
from foundation.accounts.models import UserSession

pytestmark = pytest.mark.django_db


def test_idle_session_expires_after_thirty_minutes(client, officer):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    client.force_login(officer)
    assert client.get(reverse("home")).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(minutes=29)):
        assert client.get(reverse("home")).status_code == 200  # activity renews the idle limit
    with time_machine.travel(timezone.now() + timedelta(minutes=29 + 31)):
        assert client.get(reverse("home")).status_code == 302


def test_session_ends_twelve_hours_after_sign_in_even_when_active(client, officer):
    client.force_login(officer)
    client.get(reverse("home"))
    session = client.session
    session[SESSION_STARTED_KEY] = time.time() - 12 * 3600 - 60
    session.save()
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    assert client.get(reverse("home")).status_code == 302


def test_sessions_record_their_user(client, officer):
    client.force_login(officer)
    assert UserSession.objects.filter(user=officer).count() == 1


def test_deactivating_a_leaver_ends_all_their_sessions(client, officer, admin_user):
    from django.test import Client

    other_device = Client()
    client.force_login(officer)
    other_device.force_login(officer)
    assert UserSession.objects.filter(user=officer).count() == 2
    ended = services.deactivate_user(user=officer, by=admin_user)
    assert ended == 2
    assert client.get(reverse("home")).status_code == 302
    assert other_device.get(reverse("home")).status_code == 302
    officer.refresh_from_db()
    assert not officer.is_active
    assert officer.deactivated_at is not None


def test_an_unchanged_session_is_written_again_at_most_once_a_minute(client, officer):
    client.force_login(officer)
    client.get(reverse("home"))
    stored = UserSession.objects.get(user=officer).expire_date
    with time_machine.travel(timezone.now() + timedelta(seconds=30)):
        client.get(reverse("home"))
    assert UserSession.objects.get(user=officer).expire_date == stored
    with time_machine.travel(timezone.now() + timedelta(seconds=90)):
        client.get(reverse("home"))
    renewed = UserSession.objects.get(user=officer).expire_date
    assert renewed - stored >= timedelta(seconds=89)


def test_a_changed_session_is_written_at_once(client, officer):
    client.force_login(officer)
    client.get(reverse("home"))
    session = client.session
    del session[SESSION_STARTED_KEY]
    session.save()
    # Within the minute, but the middleware puts the start back: a change, written now.
    client.get(reverse("home"))
    assert SESSION_STARTED_KEY in client.session

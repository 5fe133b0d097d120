"""The demo clinic: a year of fortnightly meetings at about 50 referrals a month, actions in
every state, a visible shortfall in the coming month; idempotent."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from clinic.allocation import capacity_outlook
from clinic.models import Action, ClinicMeeting, ClinicReferral, Minutes
from stalking_hub.demo.accounts import seed_accounts
from stalking_hub.demo.clinic import seed_clinic

pytestmark = pytest.mark.django_db


def test_the_demo_clinic(client):
    users = seed_accounts()
    counts = seed_clinic()
    assert seed_clinic() == {"meetings": 0, "referrals": 0}
    now = timezone.now()
    past = ClinicMeeting.objects.filter(starts_at__lt=now)
    assert 25 <= past.count() <= 27
    year = ClinicReferral.objects.filter(referred_at__gte=now - timedelta(days=365))
    assert 45 * 12 <= year.count() <= 60 * 12
    assert counts["referrals"] >= year.count()
    assert set(Action.objects.values_list("status", flat=True)) == set(Action.Status.values)
    assert Action.objects.filter(status__in=Action.OPEN_STATUSES, due_on__lt=now.date()).exists()
    assert Minutes.objects.filter(state=Minutes.State.APPROVED).count() == past.count() - 1
    ahead = ClinicMeeting.objects.filter(starts_at__gt=now)
    assert ahead.count() >= 12
    outlook = capacity_outlook(now=now)
    assert outlook.missing_places > 0
    assert outlook.first_breach_on is not None
    assert outlook.first_breach_on <= (now + timedelta(days=31)).date()
    assert ahead.order_by("starts_at").first().agenda_published_at is not None
    assert not ClinicMeeting.objects.annotate(n=Count("items")).filter(n__gt=22).exists()
    client.force_login(users["coordinator"])
    assert "will miss the target" in client.get(reverse("clinic:waiting")).content.decode()
    client.force_login(users["partner"])
    assert client.get(reverse("clinic:meeting_list")).status_code == 200

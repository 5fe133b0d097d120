"""Demo legal data: files in every state, hearings ahead, a missed notification, breaches (one
linked to a demo log, one without response); idempotent; no e-mail about the seeded history."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from cases.models import CaseParty, PartyRole
from foundation.outbox.models import OutboxMessage
from legal.models import Breach, FileState, Hearing, Notification, OrderFile
from stalking_hub.demo.accounts import seed_accounts
from stalking_hub.demo.legal import seed_legal
from tests.factories import CaseFactory, CrimeLogFactory, LogPartyFactory, PersonFactory

pytestmark = pytest.mark.django_db


def test_demo_legal_files_in_every_state(no_broker):
    users = seed_accounts()
    now = timezone.now()
    for index in range(10):
        case = CaseFactory(owner=users["coordinator"], current_risk="high")
        suspect, victim = PersonFactory(), PersonFactory()
        CaseParty.objects.create(case=case, person=suspect, role=PartyRole.SUSPECT)
        CaseParty.objects.create(case=case, person=victim, role=PartyRole.VICTIM)
        log = CrimeLogFactory(recorded_at=now - timedelta(days=5 + index))
        LogPartyFactory(log=log, suspect=True, person=suspect)

    assert seed_legal(now=now) == {"files": 9}
    states = set(OrderFile.objects.values_list("state", flat=True))
    assert states == set(FileState.values)
    assert set(OrderFile.objects.values_list("ended_reason", flat=True)) >= {
        "not_applied",
        "refused",
    }
    assert Hearing.objects.filter(starts_at__gt=now).count() == 2
    today = timezone.localdate(now)
    missed = Notification.objects.filter(notified_on__isnull=True, due_on__lt=today)
    assert missed.count() == 1
    assert Breach.objects.filter(log__isnull=False, response="charged").count() == 1
    assert Breach.objects.filter(log__isnull=True, response="").count() == 1
    assert not OutboxMessage.objects.filter(handler="legal.send_order_event_email").exists()
    for file in OrderFile.objects.all():
        first = file.timeline.order_by("on", "pk").first()
        assert first.summary == "File opened"
        assert timezone.localdate(file.opened_at) == first.on
    assert seed_legal(now=now) == {"files": 0}

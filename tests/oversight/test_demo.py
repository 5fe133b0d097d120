"""Demo oversight data: outcomes through the feed, plans with directions (some overdue) and
reviews on the high-risk cases, the coordinator covering the tactical lead; idempotent."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from cases.models import CrimeLog, RiskLevel
from foundation.accounts.models import Role, RoleCover
from oversight.models import Direction, InvestigationPlan, OversightReview
from stalking_hub.demo.accounts import seed_accounts
from stalking_hub.demo.oversight import seed_oversight
from tests.factories import CaseFactory, CrimeLogFactory

pytestmark = pytest.mark.django_db


def test_demo_oversight_shows_every_state_and_is_idempotent(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    now = timezone.now()
    users = seed_accounts()
    for index in range(40):
        CrimeLogFactory(
            source="rms",
            recorded_at=now - timedelta(days=60 + index),
            stalking=index % 4 == 0,
        )
    cases = [
        CaseFactory(
            owner=users["coordinator"],
            current_risk=RiskLevel.HIGH,
            current_risk_at=now - timedelta(days=30),
        )
        for _ in range(4)
    ]
    CaseFactory(owner=users["coordinator"], current_risk=RiskLevel.MEDIUM)

    made = seed_oversight(now=now)
    assert made["outcomes"] > 5
    assert made["plans"] == 4
    assert made["covers"] == 1

    # Outcomes came through the import: each changed log keeps the row as it was.
    with_outcome = CrimeLog.objects.exclude(outcome="")
    assert 5 < with_outcome.count() < 40
    assert CrimeLog.pgh_event_model.objects.filter(outcome="").count() == with_outcome.count()
    assert not with_outcome.filter(
        outcome_date__lt=datetime(2000, 1, 1, tzinfo=UTC).date()
    ).exists()

    assert set(InvestigationPlan.objects.values_list("case_id", flat=True)) == {c.pk for c in cases}
    today = timezone.localdate(now)
    open_directions = Direction.objects.filter(status__in=["open", "acknowledged"])
    assert open_directions.filter(due_on__lt=today).exists()
    assert open_directions.filter(due_on__gte=today).exists()
    assert Direction.objects.filter(status="acknowledged").exists()
    cover = RoleCover.objects.get()
    assert (cover.user, cover.role, cover.covered_user) == (
        users["coordinator"],
        Role.TACTICAL_LEAD,
        users["tactical"],
    )
    assert cover.is_active_at(now)
    assert OversightReview.objects.filter(under_cover=cover).count() == 1

    assert seed_oversight(now=now) == {"outcomes": 0, "plans": 0, "covers": 0}
    # A week later the cover is over: a new one is arranged without overlapping it.
    later = now + timedelta(days=6)
    assert seed_oversight(now=later)["covers"] == 1
    assert RoleCover.objects.count() == 2

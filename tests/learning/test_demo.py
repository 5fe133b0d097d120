"""The learning demo: two teams miss stalking often, one trained mid-year and improving."""

from __future__ import annotations

import pytest
from django.utils import timezone

from foundation.accounts.models import User
from learning.gaps import default_months
from learning.models import Bulletin, BulletinRecipient, LearningPoint, SourceKind
from learning.selectors import before_after, team_report
from stalking_hub.demo.accounts import demo_email, seed_accounts
from stalking_hub.demo.learning import TRAINED_TEAM, seed_learning
from stalking_hub.demo.training import seed_training
from training.models import Team

pytestmark = pytest.mark.django_db


def test_the_demo_year_shows_the_worst_teams_and_one_improving(settings):
    settings.DEBUG = True
    seed_accounts()
    seed_training()
    first = seed_learning()
    assert first["logs"] > 100
    assert seed_learning() == {"logs": 0}  # idempotent
    coordinator = User.objects.get(email=demo_email("coordinator"))
    start, end = default_months()
    report = team_report(coordinator, first=start, last=end, today=timezone.localdate())
    worst = {row.name for row in report.teams[:2]}
    assert worst == {"Local Policing South", "Neighbourhood Policing South"}
    [comparison] = before_after(Team.objects.get(name=TRAINED_TEAM))
    assert not comparison.too_few
    assert comparison.verdict == "Fewer gaps after training"
    kinds = set(LearningPoint.objects.values_list("source_kind", flat=True))
    assert SourceKind.LOG_REVIEW in kinds
    published = Bulletin.objects.filter(state="published")
    assert published.exists()
    readers = BulletinRecipient.objects.filter(bulletin__in=published)
    assert 0 < readers.filter(acknowledged_at__isnull=False).count() < readers.count()
    assert not readers.filter(emailed_at__isnull=True).exists()

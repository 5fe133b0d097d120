"""The gap report's pages: who sees what, and a bounded number of queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from foundation.accounts.models import Role
from foundation.audit.models import AccessRecord
from learning.summary import refresh_gap_summary
from tests.factories import UserFactory
from tests.factories.training import TeamFactory, TraineeFactory
from tests.learning.conftest import decided

pytestmark = pytest.mark.django_db


def _logs(teams: int, per_team: int, *, batch: str) -> None:
    now = timezone.now() - timedelta(days=3)
    for t in range(teams):
        team = TeamFactory()
        TraineeFactory(team=team, staff_number=f"PC{batch}{t}")
        for i in range(per_team):
            decided(officer=f"PC{batch}{t}", at=now - timedelta(days=i), tagged=i % 3 == 0)
    decided(officer=f"unknown{batch}@force.example", at=now, tagged=False)
    refresh_gap_summary(now=timezone.now())


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("learning:gaps"))
    assert response.status_code == 200
    return len(queries)


def test_team_report_runs_the_same_number_of_queries_at_two_sizes(client, coordinator):
    client.force_login(coordinator)
    _logs(teams=1, per_team=2, batch="A")
    small = _queries(client)
    _logs(teams=4, per_team=6, batch="B")
    assert _queries(client) == small


def test_report_ranks_teams_by_gaps_and_lists_unmatched_officers(client, coordinator):
    now = timezone.now() - timedelta(days=2)
    big, small = TeamFactory(name="Response North"), TeamFactory(name="Tiny Team")
    TraineeFactory(team=big, staff_number="PC1")
    TraineeFactory(team=small, staff_number="PC2")
    for i in range(10):  # 5 gaps of 10: 50%
        decided(officer="PC1", at=now, tagged=i % 2 == 0)
    decided(officer="PC2", at=now, tagged=False)  # 1 gap of 1: 100%, but fewer gaps
    decided(officer="someone@else.example", at=now, tagged=False)
    refresh_gap_summary(now=timezone.now())
    client.force_login(coordinator)
    body = client.get(reverse("learning:gaps")).content.decode()
    assert body.index("Response North") < body.index("Tiny Team")
    assert "someone@else.example" in body
    assert "Team not known" in body
    # Counts only: no log reference on the report.
    assert "NS/25/" not in body


def test_a_team_manager_sees_only_their_own_team(client, home_force):
    manager = UserFactory(roles=[Role.OFFICER], agency=home_force, is_manager=True)
    mine, other = TeamFactory(name="My Team"), TeamFactory(name="Other Team")
    mine.managers.add(manager)
    TraineeFactory(team=mine, staff_number="PC1")
    TraineeFactory(team=other, staff_number="PC2")
    decided(officer="PC2", at=timezone.now() - timedelta(days=1), tagged=False)
    decided(officer="stranger@x.example", at=timezone.now() - timedelta(days=1), tagged=False)
    refresh_gap_summary(now=timezone.now())
    client.force_login(manager)
    body = client.get(reverse("learning:gaps")).content.decode()
    assert "My Team" in body
    assert "Other Team" not in body
    assert "stranger@x.example" not in body
    assert "Team not known" not in body
    assert client.get(reverse("learning:team", args=[mine.pk])).status_code == 200
    denied = client.get(reverse("learning:team", args=[other.pk]))
    assert denied.status_code == 404
    assert AccessRecord.objects.filter(
        user=manager, object_type="training.team", outcome=AccessRecord.Outcome.DENIED
    ).exists()
    # Managers do not target training.
    assert client.post(reverse("learning:team_invite", args=[mine.pk])).status_code == 404


# The team pages: hub staff who run the hub, and trainers; nobody else (docs/access.md).
TEAM_PAGE_ROLES = [
    ("coordinator", True),
    ("tactical_lead", True),
    ("trainer", True),
    ("solicitor", False),
    ("isac", False),
    ("partner", False),
    ("champion", False),
    ("officer", False),
    ("auditor", False),
]


@pytest.mark.parametrize(("persona", "allowed"), TEAM_PAGE_ROLES, indirect=["persona"])
def test_team_page_by_role(client, persona, allowed):
    team = TeamFactory()
    client.force_login(persona)
    response = client.get(reverse("learning:team", args=[team.pk]))
    assert response.status_code == (200 if allowed else 404)
    if not allowed:
        assert b"<table" not in response.content


@pytest.mark.parametrize(("persona", "allowed"), TEAM_PAGE_ROLES, indirect=["persona"])
def test_team_report_by_role(client, persona, allowed):
    team = TeamFactory(name="Response West")
    TraineeFactory(team=team, staff_number="PC1")
    decided(officer="PC1", at=timezone.now() - timedelta(days=2), tagged=False)
    decided(officer="stranger@x.example", at=timezone.now() - timedelta(days=2), tagged=False)
    refresh_gap_summary(now=timezone.now())
    client.force_login(persona)
    response = client.get(reverse("learning:gaps"))
    assert response.status_code == (200 if allowed else 404)
    body = response.content.decode()
    if allowed:
        assert "Response West" in body
        assert "Figures computed" in body
    else:
        assert "Response West" not in body
        assert "stranger@x.example" not in body
        assert "<table" not in body


def test_the_report_says_when_figures_are_not_computed_yet(client, coordinator):
    decided(officer="PC1", at=timezone.now() - timedelta(days=2), tagged=False)
    client.force_login(coordinator)
    body = client.get(reverse("learning:gaps")).content.decode()
    assert "Figures not computed yet" in body
    refresh_gap_summary(now=timezone.now())
    body = client.get(reverse("learning:gaps")).content.decode()
    assert "Figures computed" in body


def test_bad_months_give_a_clear_message_and_the_default_window(client, coordinator):
    client.force_login(coordinator)
    response = client.get(reverse("learning:gaps"), {"start": "2026-13", "end": "nonsense"})
    assert response.status_code == 200
    assert "Give a month as YYYY-MM" in response.content.decode()
    reverse_order = client.get(reverse("learning:gaps"), {"start": "2026-05", "end": "2026-01"})
    assert "The first month comes after the last." in reverse_order.content.decode()

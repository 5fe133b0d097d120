"""The training pages in the menu: by role, and for a team's manager by qualification."""

import pytest
from django.urls import reverse

from tests.factories.training import TeamFactory

pytestmark = pytest.mark.django_db


def labels(client, user) -> list[str]:
    client.force_login(user)
    return [item.label for item in client.get(reverse("home")).context["nav_items"]]


def test_trainer_coordinator_officer_and_manager_menus(
    client, trainer, coordinator, officer, team_manager
):
    assert {"Training", "Training compliance", "Champions", "Staff CPD", "My training"} <= set(
        labels(client, trainer)
    )
    coordinator_menu = labels(client, coordinator)
    assert {"Training compliance", "Champions", "Staff CPD", "My training"} <= set(coordinator_menu)
    assert "Training" not in coordinator_menu
    officer_menu = labels(client, officer)
    assert "My training" in officer_menu
    assert not {"Training", "Training compliance", "Champions", "Staff CPD"} & set(officer_menu)
    # The manager qualification alone opens nothing; named on a team, the compliance page.
    assert "Training compliance" not in labels(client, team_manager)
    TeamFactory().managers.add(team_manager)
    assert "Training compliance" in labels(client, team_manager)

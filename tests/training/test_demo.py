"""The demo programme: the issue's numbers, teams behind on mandatory training, a gap in the
champions network, idempotent."""

from __future__ import annotations

import pytest
from django.utils import timezone

from foundation.accounts.models import User
from stalking_hub.demo.accounts import demo_email, seed_accounts
from stalking_hub.demo.training import seed_training
from training.compliance import Scope, counts_by_team
from training.models import ChampionProfile, Course, CpdActivity, Enrolment, Session, Team, Trainee
from training.selectors import champions_by_area, compliance_overview

pytestmark = pytest.mark.django_db


def test_the_demo_programme():
    seed_accounts()
    counts = seed_training()
    assert counts["courses"] == 5
    assert counts["champions"] == 80
    control_room = Team.objects.get(name="Force Control Room")
    assert control_room.members.count() == 80
    four = Course.objects.get(title__startswith="FOUR")
    assert Session.objects.filter(course=four).count() == 18
    neighbourhood = Trainee.objects.filter(role="Neighbourhood officer", user__isnull=True)
    assert neighbourhood.count() == 207
    assert Trainee.objects.filter(role="Response officer", user__isnull=True).count() == 239
    assert Trainee.objects.filter(role="Community safety officer").count() == 8
    assert Trainee.objects.filter(role__in=["Sergeant", "Control room supervisor"]).count() >= 50
    champions = User.objects.filter(roles__contains=["champion"])
    assert champions.count() == 80
    assert champions.filter(is_enhanced_champion=True).count() == 6

    today = timezone.localdate()
    by_team = counts_by_team(Scope(all_teams=True), today=today)
    percent = {team.name: by_team[team.pk].percent for team in Team.objects.all()}
    assert percent["Neighbourhood Policing South"] < 60
    assert percent["Local Policing South"] < 60
    assert percent["Hillford community safety"] == 0
    assert percent["Force Control Room"] >= 80
    assert by_team[Team.objects.get(name="Neighbourhood Policing West").pk].expired > 0

    _, gaps = champions_by_area(year=today.year)
    assert [area.name for area in gaps] == ["City"]
    assert ChampionProfile.objects.filter(is_active=False).count() == 1
    assert CpdActivity.objects.filter(user__email=demo_email("coordinator")).exists()
    # The demo officer has a certificate to download; the manager sees their team.
    assert Enrolment.objects.filter(
        trainee__user__email=demo_email("officer"), status="attended"
    ).exists()
    manager = User.objects.get(email=demo_email("manager"))
    overview = compliance_overview(manager, today=today)
    assert [row.name for row in overview.teams] == ["Neighbourhood Policing South"]

    before = (Trainee.objects.count(), Enrolment.objects.count(), User.objects.count())
    assert seed_training()["courses"] == 0
    assert (Trainee.objects.count(), Enrolment.objects.count(), User.objects.count()) == before

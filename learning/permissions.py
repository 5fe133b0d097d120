"""Who may use organisational learning (docs/access.md, "Organisational learning").

The hub's managers (coordinator, tactical lead): everything. Trainers: the team report (counts,
no log references), targeted training. A team's managers: their own team's row and trend. The
team page opens through training's team door (`training.permissions.get_team_for_user`).
"""

from __future__ import annotations

from enum import StrEnum

from django.db.models import QuerySet

from foundation.accounts.models import User
from foundation.accounts.roles import is_hub_manager
from foundation.audit.access import Need, open_door
from learning.models import Bulletin, LearningPoint
from training.models import Team
from training.permissions import get_team_for_user as _training_team_door
from training.permissions import is_trainer, managed_teams


class PointNeed(StrEnum):
    READ = Need.READ
    TRIAGE = "triage"


def sees_every_team(user: User) -> bool:
    """The whole report: every team, the areas, the officers left to match."""
    return is_hub_manager(user) or is_trainer(user)


def can_view_gap_report(user: User) -> bool:
    return sees_every_team(user) or managed_teams(user).exists()


def can_target_training(user: User) -> bool:
    return is_hub_manager(user) or is_trainer(user)


def report_teams(user: User) -> QuerySet[Team]:
    """The teams whose rows the user sees."""
    if sees_every_team(user):
        return Team.objects.filter(is_active=True)
    return managed_teams(user).filter(is_active=True)


def get_report_team_for_user(user: User, team_id: object) -> Team:
    """A team's gap trend and training: through training's team door (recorded there)."""
    return _training_team_door(user, team_id)


# --- Learning points --------------------------------------------------------------------------


def can_triage_points(user: User) -> bool:
    return is_hub_manager(user)


def points_visible_to(user: User) -> QuerySet[LearningPoint]:
    """The hub's managers see every point; anyone else the points they raised."""
    if can_triage_points(user):
        return LearningPoint.objects.all()
    if not user.is_active:
        return LearningPoint.objects.none()
    return LearningPoint.objects.filter(raised_by=user)


def get_point_for_user(
    user: User, point_id: object, *, need: PointNeed = PointNeed.READ
) -> LearningPoint:
    """READ: the hub's managers and the person who raised it. TRIAGE: the hub's managers."""
    return open_door(
        points_visible_to(user).select_related("raised_by", "merged_into"),
        point_id,
        user=user,
        need=need,
        permitted=need != PointNeed.TRIAGE or can_triage_points(user),
    )


# --- Bulletins ----------------------------------------------------------------------------------


class BulletinNeed(StrEnum):
    READ = Need.READ
    MANAGE = "manage"


def bulletins_visible_to(user: User) -> QuerySet[Bulletin]:
    """The hub's managers see every bulletin; anyone else the published ones addressed to
    them."""
    if can_triage_points(user):
        return Bulletin.objects.all()
    if not user.is_active:
        return Bulletin.objects.none()
    return Bulletin.objects.filter(state=Bulletin.State.PUBLISHED, recipients__user=user)


def get_bulletin_for_user(
    user: User, bulletin_id: object, *, need: BulletinNeed = BulletinNeed.READ
) -> Bulletin:
    """READ: as listed. MANAGE (publish): the hub's managers."""
    return open_door(
        bulletins_visible_to(user).select_related("team", "area", "created_by"),
        bulletin_id,
        user=user,
        need=need,
        permitted=need != BulletinNeed.MANAGE or can_triage_points(user),
    )

"""Who may see and do what in training (docs/access.md, "Training").

Trainers manage everything here. The hub coordinator and tactical lead see the compliance
lists, the champions and the hub staff's CPD. A team's managers (users with the *manager*
qualification named as the team's managers) see their own team. Everyone sees their own
training and CPD. Nobody else sees anything; a denial is a 404, and every attempt through a
door is recorded.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from django.db.models import Q, QuerySet

from foundation.accounts.models import Role, User
from foundation.accounts.roles import is_hub_manager
from foundation.audit.access import Need, open_door, open_doors, register_sensitive
from training.models import (
    ChampionProfile,
    Course,
    CpdActivity,
    Enrolment,
    ImportReport,
    Requirement,
    Session,
    Team,
    Trainee,
)

for _model in (Trainee, Team, Session, Enrolment, ImportReport, ChampionProfile, CpdActivity):
    register_sensitive(_model)


class TrainingNeed(StrEnum):
    READ = Need.READ
    # Trainers: change, book, import, record attendance.
    MANAGE = "manage"
    # Exports and certificates leave the system.
    DISCLOSE = Need.DISCLOSE


# --- Role rules ---------------------------------------------------------------------------------


def is_trainer(user: User) -> bool:
    return user.is_active and user.has_role(Role.TRAINER)


def can_manage_training(user: User) -> bool:
    """Courses, sessions, bookings, registers, teams, rosters, requirements, champions."""
    return is_trainer(user)


def can_oversee_training(user: User) -> bool:
    """Every team's compliance, the champions and the hub staff's CPD."""
    return is_trainer(user) or is_hub_manager(user)


def managed_teams(user: User) -> QuerySet[Team]:
    """The teams a manager sees: named as the team's manager and holding the qualification."""
    if not (user.is_active and user.is_manager):
        return Team.objects.none()
    return Team.objects.filter(managers=user)


def teams_visible_to(user: User) -> QuerySet[Team]:
    if can_oversee_training(user):
        return Team.objects.all()
    return managed_teams(user)


def can_view_compliance(user: User) -> bool:
    return can_oversee_training(user) or managed_teams(user).exists()


def can_view_champions(user: User) -> bool:
    return can_oversee_training(user)


def can_view_staff_cpd(user: User) -> bool:
    return can_oversee_training(user)


def can_see_own_training(user: User) -> bool:
    return user.is_active


# --- Scoped selectors -----------------------------------------------------------------------------


def own_trainee_q(user: User, prefix: str = "") -> Q:
    """The user's own training record: linked to their account, or (not yet linked to any
    account) under their e-mail address, as a roster or register recorded it."""
    return Q(**{f"{prefix}user": user}) | Q(
        **{f"{prefix}user__isnull": True, f"{prefix}email": user.email.strip().lower()}
    )


def trainees_visible_to(user: User) -> QuerySet[Trainee]:
    """Everyone for trainers and the hub's managers; a manager's team; and one's own record."""
    if not user.is_active:
        return Trainee.objects.none()
    if can_oversee_training(user):
        return Trainee.objects.all()
    return Trainee.objects.filter(
        Q(team__in=managed_teams(user).values("pk")) | own_trainee_q(user)
    )


def sessions_visible_to(user: User) -> QuerySet[Session]:
    return Session.objects.all() if is_trainer(user) else Session.objects.none()


def enrolments_visible_to(user: User) -> QuerySet[Enrolment]:
    """Trainers see every booking; everyone their own."""
    if not user.is_active:
        return Enrolment.objects.none()
    if is_trainer(user):
        return Enrolment.objects.all()
    return Enrolment.objects.filter(own_trainee_q(user, "trainee__"))


def cpd_people_visible_to(user: User) -> QuerySet[User]:
    """Whose CPD the user may read: everyone's for trainers and the hub's managers; their own."""
    if not user.is_active:
        return User.objects.none()
    if can_view_staff_cpd(user):
        return User.objects.all()
    return User.objects.filter(pk=user.pk)


def champions() -> QuerySet[User]:
    return User.objects.filter(roles__contains=[Role.CHAMPION])


# --- Doors ---------------------------------------------------------------------------------------


def get_course_for_user(
    user: User, course_id: object, *, need: TrainingNeed = TrainingNeed.READ
) -> Course:
    """A course, for trainers; else Http404 (recorded)."""
    return open_door(
        Course.objects.all(), course_id, user=user, need=need, permitted=can_manage_training(user)
    )


def get_session_for_user(
    user: User, session_id: object, *, need: TrainingNeed = TrainingNeed.READ
) -> Session:
    """A session, for trainers (read and manage); else Http404 (recorded)."""
    return open_door(
        sessions_visible_to(user).select_related("course", "trainer"),
        session_id,
        user=user,
        need=need,
    )


def get_team_for_user(
    user: User, team_id: object, *, need: TrainingNeed = TrainingNeed.READ
) -> Team:
    """READ and DISCLOSE (export): the teams the user sees. MANAGE: trainers."""
    return open_door(
        teams_visible_to(user).select_related("organisation", "area"),
        team_id,
        user=user,
        need=need,
        permitted=need != TrainingNeed.MANAGE or can_manage_training(user),
    )


def get_teams_for_user(
    user: User, team_ids: list[int], *, need: TrainingNeed = TrainingNeed.DISCLOSE
) -> list[Team]:
    """The bulk door: several teams (an export of all the user sees); 404 if any is refused.
    One access record per team."""
    return open_doors(teams_visible_to(user), team_ids, user=user, need=need)


def get_trainee_for_user(
    user: User, trainee_id: object, *, need: TrainingNeed = TrainingNeed.READ
) -> Trainee:
    """READ: trainees the user sees. MANAGE: trainers."""
    return open_door(
        trainees_visible_to(user).select_related("team", "organisation", "user"),
        trainee_id,
        user=user,
        need=need,
        permitted=need != TrainingNeed.MANAGE or can_manage_training(user),
    )


def _enrolment_check(user: User, need: TrainingNeed) -> Callable[[Enrolment], bool] | None:
    if need == TrainingNeed.DISCLOSE:
        # A certificate exists only for a completed course.
        return lambda enrolment: is_completion(enrolment)
    if need == TrainingNeed.MANAGE:
        return lambda enrolment: can_manage_training(user)
    return None


def is_completion(enrolment: Enrolment) -> bool:
    """Completed, or attended a course that attending completes."""
    status = enrolment.status
    return status == Enrolment.Status.COMPLETED or (
        status == Enrolment.Status.ATTENDED and enrolment.session.course.attendance_completes
    )


def get_enrolment_for_user(
    user: User, enrolment_id: object, *, need: TrainingNeed = TrainingNeed.READ
) -> Enrolment:
    """READ: one's own bookings, or any for trainers. DISCLOSE (the certificate): the same,
    once completed. MANAGE: trainers."""
    return open_door(
        enrolments_visible_to(user).select_related(
            "session__course", "trainee__organisation", "trainee__user"
        ),
        enrolment_id,
        user=user,
        need=need,
        check=_enrolment_check(user, need),
    )


def get_import_report_for_user(user: User, report_id: object) -> ImportReport:
    """An import's report (it lists the rows left to resolve): trainers."""
    return open_door(
        ImportReport.objects.select_related("session__course", "team"),
        report_id,
        user=user,
        need=TrainingNeed.READ,
        permitted=can_manage_training(user),
    )


def get_requirement_for_user(user: User, requirement_id: object) -> Requirement:
    """A requirement to remove: trainers."""
    return open_door(
        Requirement.objects.all(),
        requirement_id,
        user=user,
        need=TrainingNeed.MANAGE,
        permitted=can_manage_training(user),
    )


def get_champion_for_user(
    user: User, champion_id: object, *, need: TrainingNeed = TrainingNeed.READ
) -> User:
    """A champion (a user with the champion role): READ for those who see the champions,
    MANAGE (the appointment) for trainers."""
    permitted = (
        can_manage_training(user) if need == TrainingNeed.MANAGE else can_view_champions(user)
    )
    return open_door(
        champions().select_related("agency"),
        champion_id,
        user=user,
        need=need,
        permitted=permitted,
    )


def get_cpd_person_for_user(
    user: User, person_id: object, *, need: TrainingNeed = TrainingNeed.READ
) -> User:
    """Whose CPD to read (READ) or record for (MANAGE): oneself; anyone for trainers; READ of
    anyone for the hub's managers."""
    if need == TrainingNeed.MANAGE:
        visible = (
            User.objects.filter(is_active=True)
            if can_manage_training(user)
            else User.objects.filter(pk=user.pk, is_active=True)
        )
    else:
        visible = cpd_people_visible_to(user)
    return open_door(visible, person_id, user=user, need=need)


def get_cpd_activity_for_user(user: User, activity_id: object) -> CpdActivity:
    """A CPD entry to remove: its owner, or a trainer."""
    visible = (
        CpdActivity.objects.all()
        if can_manage_training(user)
        else CpdActivity.objects.filter(user=user)
    )
    return open_door(visible, activity_id, user=user, need=TrainingNeed.MANAGE)

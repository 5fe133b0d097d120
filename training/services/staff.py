"""Champions' appointments and CPD records."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction

from foundation.accounts.models import Role, User
from training.errors import NotAllowed, TrainingError
from training.models import Area, ChampionProfile, CpdActivity
from training.permissions import can_manage_training

MAX_CPD_HOURS = Decimal(100)


@transaction.atomic
def save_champion(
    *,
    champion: User,
    area: Area | None,
    appointed_on: date | None,
    is_active: bool,
    stood_down_on: date | None,
    by: User,
) -> ChampionProfile:
    """Record or change a champion's appointment. The champion must hold the champion role.
    Raises NotAllowed or TrainingError."""
    if not can_manage_training(by):
        raise NotAllowed("Trainers keep the champions network.")
    if not champion.has_role(Role.CHAMPION):
        raise TrainingError("Only a user with the champion role can be a champion.")
    if is_active and stood_down_on is not None:
        raise TrainingError("An active champion has not stood down: clear the date.")
    if appointed_on and stood_down_on and stood_down_on < appointed_on:
        raise TrainingError("A champion stands down after being appointed.")
    profile, _ = ChampionProfile.objects.update_or_create(
        user=champion,
        defaults={
            "area": area,
            "appointed_on": appointed_on,
            "is_active": is_active,
            "stood_down_on": stood_down_on,
        },
    )
    return profile


@transaction.atomic
def record_cpd(
    *,
    person: User,
    activity: str,
    done_on: date,
    hours: Decimal,
    evidence: str,
    by: User,
    today: date,
) -> CpdActivity:
    """Record a CPD activity: one's own, or anyone's by a trainer. Raises NotAllowed or
    TrainingError (no activity, hours out of range, a date in the future)."""
    if person.pk != by.pk and not can_manage_training(by):
        raise NotAllowed("CPD is recorded by the person, or by a trainer.")
    if not activity.strip():
        raise TrainingError("Say what the activity was.")
    if not Decimal(0) < hours <= MAX_CPD_HOURS:
        raise TrainingError(f"Hours are more than 0 and at most {MAX_CPD_HOURS}.")
    if done_on > today:
        raise TrainingError("CPD is recorded once it is done: the date is in the future.")
    return CpdActivity.objects.create(
        user=person,
        activity=activity.strip(),
        done_on=done_on,
        hours=hours,
        evidence=evidence.strip(),
        recorded_by=by,
    )


@transaction.atomic
def remove_cpd(*, activity: CpdActivity, by: User) -> None:
    if activity.user_id != by.pk and not can_manage_training(by):
        raise NotAllowed("CPD is removed by the person, or by a trainer.")
    activity.delete()

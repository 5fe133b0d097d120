"""Writes of organisational learning: targeted training from the recording-gap report.

Booking and requirements are the training app's services; this records which team was
targeted with which session, the date the before-and-after comparison reads."""

from __future__ import annotations

from django.db import transaction

from foundation.accounts.models import User
from learning.models import TargetedTraining
from training.models import Course, Requirement, Session, Team
from training.services.people import add_requirement
from training.services.programme import invite_team


class LearningError(Exception):
    """A broken rule, with a message for the user."""


@transaction.atomic
def target_session(*, team: Team, session: Session, by: User) -> TargetedTraining:
    """Invite a team to a session (its roster people booked, those with accounts e-mailed)
    and record it. Raises training's NotAllowed, SessionFull or TrainingError; nothing is
    booked then."""
    booked = invite_team(session=session, team=team, by=by)
    targeted, created = TargetedTraining.objects.get_or_create(
        team=team, session=session, defaults={"by": by, "booked": len(booked)}
    )
    if not created:
        targeted.booked += len(booked)
        targeted.save(update_fields=["booked"])
    return targeted


@transaction.atomic
def target_requirement(*, team: Team, course: Course, by: User) -> Requirement:
    """Make a course mandatory for a team. Raises training's NotAllowed or TrainingError."""
    return add_requirement(course=course, team=team, by=by)

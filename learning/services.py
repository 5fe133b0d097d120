"""Writes of organisational learning: targeted training from the recording-gap report (booking
and requirements are the training app's services; this records which team was targeted with
which session, the date the before-and-after comparison reads), and learning points."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from cases.models import Case, CrimeLog
from foundation.accounts.models import User
from learning.leaks import find_leak
from learning.models import LearningPoint, TargetedTraining
from learning.permissions import can_triage_points
from learning.sources import Source, themes_for
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


# --- Learning points ----------------------------------------------------------------------------


class PointLeaks(LearningError):
    """The text identifies a party: the message names the field, never the value."""


def _check_text(text: str, *, case: Case | None, log: CrimeLog | None) -> str:
    text = text.strip()
    if len(text) < 20:
        raise LearningError(
            "Write the learning point in a sentence or two (20 characters or more)."
        )
    if len(text) > 2000:
        raise LearningError("Keep a learning point under 2,000 characters.")
    leak = find_leak(text, case=case, log=log)
    if leak is not None:
        raise PointLeaks(leak.message)
    return text


@transaction.atomic
def raise_point(*, source: Source, theme: str, text: str, by: User) -> LearningPoint:
    """A new learning point from a source the user opened through its door. Refused (nothing
    saved) when the text identifies a party of the linked case or log."""
    if theme not in dict(themes_for(by, source.kind)):
        raise LearningError("Choose a theme.")
    text = _check_text(text, case=source.case, log=source.log)
    return LearningPoint.objects.create(
        theme=theme,
        source_kind=source.kind,
        source_id=source.id,
        case=source.case,
        log=source.log,
        text=text,
        raised_by=by,
    )


def _triage(point: LearningPoint, by: User) -> LearningPoint:
    if not can_triage_points(by):
        raise LearningError("The coordinator triages learning points.")
    locked = LearningPoint.objects.select_for_update().get(pk=point.pk)
    if locked.state != LearningPoint.State.PROPOSED:
        raise LearningError("That point has been triaged already.")
    return locked


@transaction.atomic
def accept_point(*, point: LearningPoint, by: User, text: str | None = None) -> LearningPoint:
    """Accept a point (its text may be edited on the way), after the leak check."""
    locked = _triage(point, by)
    locked.text = _check_text(
        locked.text if text is None else text, case=locked.case, log=locked.log
    )
    locked.state, locked.triaged_by, locked.triaged_at = (
        LearningPoint.State.ACCEPTED,
        by,
        timezone.now(),
    )
    locked.save(update_fields=["text", "state", "triaged_by", "triaged_at"])
    return locked


@transaction.atomic
def merge_point(*, point: LearningPoint, into: LearningPoint, by: User) -> LearningPoint:
    locked = _triage(point, by)
    if into.pk == locked.pk or into.state != LearningPoint.State.ACCEPTED:
        raise LearningError("Merge into another point that has been accepted.")
    locked.state, locked.merged_into = LearningPoint.State.MERGED, into
    locked.triaged_by, locked.triaged_at = by, timezone.now()
    locked.save(update_fields=["state", "merged_into", "triaged_by", "triaged_at"])
    return locked


@transaction.atomic
def dismiss_point(*, point: LearningPoint, reason: str, by: User) -> LearningPoint:
    locked = _triage(point, by)
    if not reason.strip():
        raise LearningError("Say why the point is dismissed.")
    locked.state, locked.dismissal_reason = LearningPoint.State.DISMISSED, reason.strip()
    locked.triaged_by, locked.triaged_at = by, timezone.now()
    locked.save(update_fields=["state", "dismissal_reason", "triaged_by", "triaged_at"])
    return locked

"""Writes of organisational learning: targeted training from the recording-gap report (booking
and requirements are the training app's services; this records which team was targeted with
which session, the date the before-and-after comparison reads), and learning points."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from cases.models import Case, CrimeLog
from foundation.accounts.models import Role, User
from foundation.accounts.roles import FRONTLINE_ROLES, HUB_STAFF, is_hub_staff
from foundation.outbox.services import enqueue
from learning.leaks import find_leak
from learning.models import (
    Audience,
    Bulletin,
    BulletinRecipient,
    LearningPoint,
    TargetedTraining,
)
from learning.notifications import send_published_bulletin
from learning.permissions import can_triage_points
from learning.sources import Source, themes_for
from training.models import Area, Course, Requirement, Session, Team
from training.services.people import add_requirement
from training.services.programme import invite_team
from training.services.staff import record_cpd


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


# --- Bulletins ----------------------------------------------------------------------------------


def audience_users(
    *, audience: str, team: Team | None = None, area: Area | None = None
) -> QuerySet[User]:
    """The active users an audience resolves to (docs/learning.md)."""
    users = User.objects.filter(is_active=True)
    match audience:
        case Audience.ALL_CHAMPIONS:
            return users.filter(roles__contains=[Role.CHAMPION])
        case Audience.ENHANCED_CHAMPIONS:
            return users.filter(roles__contains=[Role.CHAMPION], is_enhanced_champion=True)
        case Audience.TEAM:
            return users.filter(trainee__team=team, trainee__is_active=True)
        case Audience.AREA_OFFICERS:
            return users.filter(roles__overlap=list(FRONTLINE_ROLES)).filter(
                Q(trainee__team__area=area, trainee__is_active=True)
                | Q(champion_profile__area=area, champion_profile__is_active=True)
            )
        case Audience.HUB_STAFF:
            return users.filter(roles__overlap=list(HUB_STAFF))
        case Audience.EVERYONE:
            return users
    return User.objects.none()


def _check_audience(audience: str, team: Team | None, area: Area | None) -> None:
    if audience not in Audience.values:
        raise LearningError("Choose an audience.")
    if audience == Audience.TEAM and team is None:
        raise LearningError("Choose the team.")
    if audience == Audience.AREA_OFFICERS and area is None:
        raise LearningError("Choose the area.")


@transaction.atomic
def compose_bulletin(
    *,
    title: str,
    body: str,
    points: list[LearningPoint],
    audience: str,
    team: Team | None = None,
    area: Area | None = None,
    by: User,
) -> Bulletin:
    """A draft bulletin from accepted learning points."""
    if not can_triage_points(by):
        raise LearningError("The coordinator composes bulletins.")
    if not title.strip() or not body.strip():
        raise LearningError("A bulletin needs a title and a text.")
    if not points:
        raise LearningError("Choose at least one accepted learning point.")
    if any(point.state != LearningPoint.State.ACCEPTED for point in points):
        raise LearningError("Only accepted learning points go into a bulletin.")
    _check_audience(audience, team, area)
    bulletin = Bulletin.objects.create(
        title=title.strip(),
        body=body.strip(),
        audience=audience,
        team=team if audience == Audience.TEAM else None,
        area=area if audience == Audience.AREA_OFFICERS else None,
        created_by=by,
    )
    bulletin.points.set(points)
    return bulletin


@transaction.atomic
def publish_bulletin(*, bulletin: Bulletin, by: User) -> int:
    """Publish a draft to its audience: one recipient row each, and the e-mails (a link only)
    through the outbox after commit. Refused when the audience resolves to nobody. Returns
    the number of recipients."""
    if not can_triage_points(by):
        raise LearningError("The coordinator publishes bulletins.")
    locked = Bulletin.objects.select_for_update().get(pk=bulletin.pk)
    if locked.state != Bulletin.State.DRAFT:
        raise LearningError("That bulletin has been published already.")
    readers = list(
        audience_users(audience=locked.audience, team=locked.team, area=locked.area)
        .distinct()
        .values_list("pk", flat=True)
    )
    if not readers:
        raise LearningError(
            "That audience has nobody in it today: choose another audience before publishing."
        )
    BulletinRecipient.objects.bulk_create(
        [BulletinRecipient(bulletin=locked, user_id=pk) for pk in readers],
        ignore_conflicts=True,
    )
    locked.state, locked.published_at = Bulletin.State.PUBLISHED, timezone.now()
    locked.save(update_fields=["state", "published_at"])
    enqueue(send_published_bulletin, bulletin_id=locked.pk)
    return len(readers)


def earns_cpd(user: User) -> bool:
    return is_hub_staff(user) or user.has_role(Role.CHAMPION)


@transaction.atomic
def acknowledge_bulletin(*, recipient: BulletinRecipient, by: User) -> bool:
    """The reader acknowledges a bulletin: once. The first acknowledgement of a member of the
    hub's staff or a champion records HUB_BULLETIN_CPD_MINUTES of CPD. Returns whether this
    call was the one that counted."""
    if recipient.user_id != by.pk:
        raise LearningError("Only the reader acknowledges a bulletin.")
    now = timezone.now()
    counted = BulletinRecipient.objects.filter(
        pk=recipient.pk, acknowledged_at__isnull=True
    ).update(acknowledged_at=now)
    if counted != 1:
        return False
    minutes = settings.HUB_BULLETIN_CPD_MINUTES
    if minutes > 0 and earns_cpd(by):
        activity = record_cpd(
            person=by,
            activity=f"Read the hub's learning bulletin #{recipient.bulletin_id}",
            done_on=timezone.localdate(now),
            hours=(Decimal(minutes) / 60).quantize(Decimal("0.01")),
            evidence="Acknowledged in Stalking Hub.",
            by=by,
            today=timezone.localdate(now),
        )
        BulletinRecipient.objects.filter(pk=recipient.pk).update(cpd_activity=activity)
    return True

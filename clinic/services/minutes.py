"""Writes at and after the meeting: the discussion, decisions, actions, the minutes' draft, the
chair's approval (which locks them) and attributed amendments."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from clinic.errors import ClinicError, NotAllowed
from clinic.hooks import run_decision_handlers
from clinic.models import (
    Action,
    AgendaItem,
    ClinicMeeting,
    ClinicReferral,
    Decision,
    DecisionType,
    Minutes,
    MinutesAmendment,
)
from clinic.permissions import can_chair, can_manage_clinic
from foundation.accounts.models import Agency, User
from foundation.accounts.roles import is_receiving_user


def _require_manager(by: User) -> None:
    if not can_manage_clinic(by):
        raise NotAllowed("Only the hub coordinator or tactical lead records the clinic.")


def _locked_message(minutes: Minutes) -> str:
    return (
        f"The minutes were approved on {minutes.approved_at:%d %b %Y} and are locked; "
        "add an amendment instead."
    )


def minutes_for(meeting: ClinicMeeting, *, by: User) -> Minutes:
    """The meeting's minutes, created as a draft on first use."""
    minutes, _ = Minutes.objects.get_or_create(meeting=meeting, defaults={"drafted_by": by})
    return minutes


def _editable_minutes(meeting: ClinicMeeting, *, by: User) -> Minutes:
    if meeting.is_cancelled:
        raise ClinicError("The meeting is cancelled.")
    minutes = Minutes.objects.select_for_update().filter(meeting=meeting).first()
    if minutes is None:
        return minutes_for(meeting, by=by)
    if minutes.is_locked:
        raise ClinicError(_locked_message(minutes))
    return minutes


@transaction.atomic
def save_minutes(*, meeting: ClinicMeeting, general_notes: str, by: User) -> Minutes:
    """Save the draft's general notes. Raises ClinicError once approved (locked)."""
    _require_manager(by)
    minutes = _editable_minutes(meeting, by=by)
    minutes.general_notes = general_notes.strip()
    minutes.updated_at = timezone.now()
    minutes.save(update_fields=["general_notes", "updated_at"])
    return minutes


@transaction.atomic
def save_discussion(
    *, item: AgendaItem, discussion: str, victim_voice: str, by: User
) -> AgendaItem:
    """The case's discussion notes and the victim's voice (as the ISAC relays it)."""
    _require_manager(by)
    _editable_minutes(item.meeting, by=by)
    item.discussion = discussion.strip()
    item.victim_voice = victim_voice.strip()
    item.save(update_fields=["discussion", "victim_voice"])
    return item


@transaction.atomic
def record_decision(
    *, item: AgendaItem, decision_type: DecisionType, notes: str, by: User
) -> Decision:
    """Record a decision; higher apps' handlers act on it in the same transaction (legal opens
    an order file on "pursue an SPO"). Raises ClinicError (locked, inactive type)."""
    _require_manager(by)
    _editable_minutes(item.meeting, by=by)
    if not decision_type.is_active:
        raise ClinicError("That decision is no longer offered.")
    decision = Decision.objects.create(
        item=item, decision_type=decision_type, notes=notes.strip(), recorded_by=by
    )
    run_decision_handlers(decision=decision, by=by)
    return decision


@transaction.atomic
def create_action(
    *,
    item: AgendaItem,
    description: str,
    owner_agency: Agency,
    owner: User | None,
    due_on: date,
    by: User,
) -> Action:
    """An action agreed at the clinic. Raises ClinicError (locked, owner of another agency,
    no description)."""
    _require_manager(by)
    _editable_minutes(item.meeting, by=by)
    if not description.strip():
        raise ClinicError("Describe the action.")
    if owner is not None and owner.agency_id != owner_agency.pk:
        raise ClinicError("The action's owner must belong to the owning agency.")
    return Action.objects.create(
        item=item,
        case_id=item.case_id,
        description=description.strip(),
        owner_agency=owner_agency,
        owner=owner,
        due_on=due_on,
        created_by=by,
    )


def can_update_action(user: User, action: Action) -> bool:
    if can_manage_clinic(user):
        return True
    if action.owner_id == user.pk:
        return True
    return is_receiving_user(user) and action.owner_agency_id == user.agency_id


@transaction.atomic
def update_action(*, action: Action, status: str, note: str, by: User) -> Action:
    """The owner (or their agency, or the hub) updates an action's status."""
    if not can_update_action(by, action):
        raise NotAllowed("Only the action's owner, their agency or the hub updates it.")
    if status not in Action.Status.values:
        raise ClinicError("Choose the action's status.")
    action = Action.objects.select_for_update().get(pk=action.pk)
    now = timezone.now()
    action.status = status
    if note.strip():
        action.update_note = note.strip()
    action.updated_at = now
    action.completed_at = now if status == Action.Status.DONE else None
    action.save(update_fields=["status", "update_note", "updated_at", "completed_at"])
    return action


@transaction.atomic
def approve_minutes(*, meeting: ClinicMeeting, by: User) -> Minutes:
    """The chair approves the minutes: they lock, and the listed referrals count as
    discussed. Raises ClinicError (already approved, no minutes, meeting not yet held)."""
    if not can_chair(by):
        raise NotAllowed("The chair (the tactical lead) approves the minutes.")
    minutes = Minutes.objects.select_for_update().filter(meeting=meeting).first()
    if minutes is None:
        raise ClinicError("There are no minutes to approve yet.")
    if minutes.is_locked:
        assert minutes.approved_at is not None
        raise ClinicError(f"The minutes were already approved on {minutes.approved_at:%d %b %Y}.")
    if meeting.starts_at > timezone.now():
        raise ClinicError("The meeting has not started; its minutes cannot be approved yet.")
    minutes.state = Minutes.State.APPROVED
    minutes.approved_by = by
    minutes.approved_at = timezone.now()
    minutes.save(update_fields=["state", "approved_by", "approved_at"])
    ClinicReferral.objects.filter(agenda_item__meeting=meeting).update(
        state=ClinicReferral.State.DISCUSSED
    )
    return minutes


@transaction.atomic
def amend_minutes(
    *, meeting: ClinicMeeting, text: str, by: User, item: AgendaItem | None = None
) -> MinutesAmendment:
    """Add an attributed amendment to approved minutes (they themselves never change)."""
    _require_manager(by)
    minutes = Minutes.objects.filter(meeting=meeting).first()
    if minutes is None or not minutes.is_locked:
        raise ClinicError("The minutes are still a draft; edit them directly.")
    if not text.strip():
        raise ClinicError("Write the amendment.")
    if item is not None and item.meeting_id != meeting.pk:
        raise ClinicError("That case was not on this meeting's agenda.")
    return MinutesAmendment.objects.create(minutes=minutes, item=item, text=text.strip(), by=by)

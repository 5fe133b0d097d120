"""Writes on agendas: publish (and the case shares it opens), move, pin and remove items, and
each agency's research.

Publishing shares each listed case with each invited agency (`cases.services.share_case`),
from publication until HUB_CLINIC_SHARE_DAYS days after the meeting, with CLINIC_FACETS; the
agenda item keeps the shares it opened and removing it ends them (docs/access.md).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from cases.models import CaseShare, Facet
from cases.permissions import live_share_q
from cases.services import end_case_share, share_case
from clinic.errors import ClinicError, NotAllowed
from clinic.models import AgendaItem, ClinicMeeting, Research
from clinic.notifications import send_agenda_published
from clinic.permissions import can_manage_clinic
from foundation.accounts.models import Agency, User
from foundation.accounts.roles import is_receiving_user
from foundation.outbox.services import enqueue

# What a published agenda opens to each invited agency: never the full risk assessment, the
# logs, safety concerns or ISAC casework (docs/clinic.md, "Sharing window").
CLINIC_FACETS: tuple[str, ...] = (
    Facet.EXISTENCE,
    Facet.VICTIM_IDENTITY,
    Facet.SUSPECT_DETAILS,
    Facet.RISK_SUMMARY,
    Facet.ORDERS,
    Facet.CLINIC_DISCUSSION,
)


def _require_manager(by: User) -> None:
    if not can_manage_clinic(by):
        raise NotAllowed("Only the hub coordinator or tactical lead manages the agenda.")


def share_ends_at(meeting: ClinicMeeting) -> datetime:
    return meeting.ends_at + timedelta(days=settings.HUB_CLINIC_SHARE_DAYS)


def invited_agencies(meeting: ClinicMeeting) -> list[Agency]:
    """The agencies whose users are invited, other than the hub's own force (its staff see
    every case already). External attendees' agencies never receive a share."""
    return list(
        Agency.objects.filter(
            pk__in=meeting.invitees.filter(user__isnull=False, user__is_active=True).values(
                "user__agency_id"
            )
        )
        .exclude(kind=Agency.Kind.POLICE_FORCE)
        .order_by("name")
    )


def reslot_items(meeting: ClinicMeeting) -> None:
    """Each item's time slot from its position: start + position x minutes per case."""
    items = list(meeting.items.all())
    for item in items:
        item.slot_starts_at = meeting.starts_at + timedelta(
            minutes=item.position * meeting.minutes_per_case
        )
    AgendaItem.objects.bulk_update(items, ["slot_starts_at"])


def _live_shares(item: AgendaItem) -> list[CaseShare]:
    return list(item.shares.filter(live_share_q()))


def sync_item_shares(
    meeting: ClinicMeeting, *, by: User, items: list[AgendaItem] | None = None
) -> None:
    """On a published agenda, each item is shared with each invited agency, and with no other:
    open the missing shares, end those of agencies no longer invited."""
    if not meeting.is_published:
        return
    agencies = {agency.pk: agency for agency in invited_agencies(meeting)}
    ends_at = share_ends_at(meeting)
    for item in items if items is not None else list(meeting.items.select_related("case")):
        shared: set[int] = set()
        for share in _live_shares(item):
            if share.agency_id in agencies:
                shared.add(share.agency_id)
            else:
                end_case_share(share=share, by=by)
        for agency_id, agency in agencies.items():
            if agency_id not in shared:
                item.shares.add(
                    share_case(
                        case=item.case,
                        agency=agency,
                        facets=CLINIC_FACETS,
                        by=by,
                        ends_at=ends_at,
                    )
                )


def _end_item_shares(item: AgendaItem, *, by: User) -> None:
    for share in _live_shares(item):
        end_case_share(share=share, by=by)


def reshare_published_items(meeting: ClinicMeeting, *, by: User) -> None:
    """A published meeting moved: its shares end and open again with the new window."""
    for item in meeting.items.select_related("case"):
        _end_item_shares(item, by=by)
    sync_item_shares(meeting, by=by)


def _locked(meeting: ClinicMeeting) -> ClinicMeeting:
    return ClinicMeeting.objects.select_for_update().get(pk=meeting.pk)


@transaction.atomic
def publish_agenda(*, meeting: ClinicMeeting, by: User) -> ClinicMeeting:
    """Publish the agenda: invited agencies' ISAC and partner users see the listed cases (the
    clinic facets) until HUB_CLINIC_SHARE_DAYS after the meeting, and are told by e-mail.

    Raises ClinicError: cancelled, already published, over, no invitees, no cases.
    """
    _require_manager(by)
    meeting = _locked(meeting)
    if meeting.is_cancelled:
        raise ClinicError("The meeting is cancelled.")
    if meeting.is_published:
        raise ClinicError("The agenda is already published.")
    if meeting.ends_at <= timezone.now():
        raise ClinicError("The meeting is over; its agenda can no longer be published.")
    if not meeting.invitees.exists():
        raise ClinicError("Invite the agencies before publishing: the agenda has no invitees.")
    if not meeting.items.exists():
        raise ClinicError("There are no cases on the agenda; allocate or add some first.")
    meeting.agenda_published_at = timezone.now()
    meeting.agenda_published_by = by
    meeting.save(update_fields=["agenda_published_at", "agenda_published_by"])
    sync_item_shares(meeting, by=by)
    enqueue(send_agenda_published, meeting_id=meeting.pk)
    return meeting


def _check_removable(item: AgendaItem) -> None:
    if item.decisions.exists() or item.actions.exists():
        raise ClinicError(
            "The case was discussed (it has decisions or actions); it stays in the minutes."
        )


@transaction.atomic
def remove_item(*, item: AgendaItem, by: User) -> None:
    """Take a case off an agenda; it waits again. A published agenda's shares of it end."""
    _require_manager(by)
    _check_removable(item)
    meeting = _locked(item.meeting)
    _end_item_shares(item, by=by)
    item.delete()
    reslot_items(meeting)


def _next_position(meeting: ClinicMeeting) -> int:
    taken = set(meeting.items.values_list("position", flat=True))
    return next(position for position in range(len(taken) + 1) if position not in taken)


@transaction.atomic
def move_item(*, item: AgendaItem, meeting: ClinicMeeting, by: User) -> AgendaItem:
    """Move a case to another meeting and pin it there (allocation leaves it alone).

    Raises ClinicError: the target is cancelled, over or full; the case was discussed.
    """
    _require_manager(by)
    _check_removable(item)
    target = _locked(meeting)
    source = _locked(item.meeting)
    if target.pk == source.pk:
        raise ClinicError("The case is already on that meeting's agenda.")
    if target.is_cancelled or target.starts_at <= timezone.now():
        raise ClinicError("Choose a future meeting that is not cancelled.")
    if target.items.count() >= target.capacity:
        raise ClinicError(
            f"The meeting on {target.starts_at:%d %b %Y} is full ({target.capacity} cases)."
        )
    _end_item_shares(item, by=by)
    item.meeting = target
    item.position = _next_position(target)
    item.pinned = True
    item.slot_starts_at = target.starts_at + timedelta(
        minutes=item.position * target.minutes_per_case
    )
    item.save(update_fields=["meeting", "position", "pinned", "slot_starts_at"])
    reslot_items(source)
    sync_item_shares(target, by=by, items=[item])
    return item


@transaction.atomic
def set_pinned(*, item: AgendaItem, pinned: bool, by: User) -> AgendaItem:
    _require_manager(by)
    item.pinned = pinned
    item.save(update_fields=["pinned"])
    return item


@transaction.atomic
def add_to_agenda(*, referral_id: int, meeting: ClinicMeeting, by: User) -> AgendaItem:
    """List one waiting referral at a meeting by hand (pinned). Raises ClinicError."""
    from clinic.models import ClinicReferral

    _require_manager(by)
    target = _locked(meeting)
    referral = (
        ClinicReferral.objects.select_for_update(of=("self",))
        .filter(pk=referral_id, state=ClinicReferral.State.ACCEPTED, agenda_item__isnull=True)
        .first()
    )
    if referral is None:
        raise ClinicError("That referral is not on the waiting list.")
    if target.is_cancelled or target.starts_at <= timezone.now():
        raise ClinicError("Choose a future meeting that is not cancelled.")
    if target.items.count() >= target.capacity:
        raise ClinicError(f"The meeting is full ({target.capacity} cases).")
    position = _next_position(target)
    item = AgendaItem.objects.create(
        meeting=target,
        referral=referral,
        case_id=referral.case_id,
        position=position,
        pinned=True,
        slot_starts_at=target.starts_at + timedelta(minutes=position * target.minutes_per_case),
    )
    sync_item_shares(target, by=by, items=[item])
    return item


@transaction.atomic
def record_research(*, item: AgendaItem, summary: str, by: User) -> Research:
    """An invited agency's research summary on a case (one per agency, updated in place; the
    history keeps earlier wording). Raises ClinicError (empty, minutes approved)."""
    if not is_receiving_user(by):
        raise NotAllowed("Research is recorded by the invited agencies' ISAC and partner users.")
    if not summary.strip():
        raise ClinicError("Write your agency's research summary.")
    minutes = getattr(item.meeting, "minutes", None)
    if minutes is not None and minutes.is_locked:
        raise ClinicError("The minutes are approved; research can no longer change.")
    assert by.agency_id is not None  # a receiving user always has an agency
    research, _ = Research.objects.update_or_create(
        item=item,
        agency_id=by.agency_id,
        defaults={"summary": summary.strip(), "recorded_by": by, "recorded_at": timezone.now()},
    )
    return research

"""Allocating waiting referrals to meetings, and the capacity shortfall (docs/clinic.md).

**Allocation**: waiting referrals (accepted, not yet discussed) go to the next meetings by
priority, then age (referred first, first listed), within each meeting's capacity, each with a
time slot (start + position x minutes per case). Pinned items and every item on a published
agenda stay exactly where they are; the others are planned afresh. The plan is made in memory
(`plan_allocation`, O(referrals + meetings)) from three reads, then written with one bulk
insert, one bulk update and one delete, whatever the numbers.

**Shortfall**: a referral should be discussed within HUB_CLINIC_TARGET_DAYS of being referred
(its *deadline* is the referral's day plus the target). For every deadline D, the cases that
must be discussed by D are compared with the places at the meetings held by D; the largest gap
is the number of places missing. That gap needs ceil(gap / usual capacity) extra meetings, or
ceil(gap(D) / meetings by D) more cases at each meeting (x minutes per case) — the largest
over D. Cases whose deadline comes before the next meeting cannot be cleared by longer
meetings, only by an extra (emergency) meeting.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import pghistory
from django.conf import settings
from django.db import connection, transaction

from clinic.models import AgendaItem, ClinicMeeting, ClinicReferral
from foundation.lib.working_time import LONDON

# --- The plan (pure) --------------------------------------------------------------------------


@dataclass
class Room:
    """A future meeting as allocation sees it: which positions are still free."""

    meeting_id: int
    starts_at: datetime
    capacity: int
    minutes_per_case: int
    fixed_positions: set[int] = field(default_factory=set)

    def free_positions(self) -> list[int]:
        return [p for p in range(self.capacity) if p not in self.fixed_positions]


@dataclass(frozen=True)
class Waiting:
    referral_id: int
    case_id: int
    priority: int
    referred_at: datetime


def plan_allocation(
    waiting: Sequence[Waiting], rooms: Sequence[Room]
) -> dict[int, tuple[int, int] | None]:
    """Each referral's (meeting id, position), or None when no meeting has room.

    By priority, then age, each to the earliest meeting with a free place. The earliest
    meeting with room only ever moves later, so one pass over each list suffices.
    """
    ordered_rooms = sorted(rooms, key=lambda room: (room.starts_at, room.meeting_id))
    free = [room.free_positions() for room in ordered_rooms]
    cursor = [0] * len(ordered_rooms)
    plan: dict[int, tuple[int, int] | None] = {}
    index = 0
    for referral in sorted(waiting, key=lambda w: (w.priority, w.referred_at, w.referral_id)):
        while index < len(ordered_rooms) and cursor[index] >= len(free[index]):
            index += 1
        if index == len(ordered_rooms):
            plan[referral.referral_id] = None
            continue
        plan[referral.referral_id] = (ordered_rooms[index].meeting_id, free[index][cursor[index]])
        cursor[index] += 1
    return plan


# --- Allocation against the database -----------------------------------------------------------


@dataclass(frozen=True)
class AllocationResult:
    listed: int
    moved: int
    unlisted: int
    overflow: int


def _rooms_and_items(now: datetime) -> tuple[dict[int, Room], list[dict[str, Any]]]:
    meetings = ClinicMeeting.objects.filter(
        status=ClinicMeeting.Status.SCHEDULED, starts_at__gt=now
    ).values("id", "starts_at", "capacity", "minutes_per_case", "agenda_published_at")
    rooms: dict[int, Room] = {}
    published: set[int] = set()
    for meeting in meetings:
        rooms[meeting["id"]] = Room(
            meeting_id=meeting["id"],
            starts_at=meeting["starts_at"],
            capacity=meeting["capacity"],
            minutes_per_case=meeting["minutes_per_case"],
        )
        if meeting["agenda_published_at"] is not None:
            published.add(meeting["id"])
    items: list[dict[str, Any]] = [
        dict(row)
        for row in AgendaItem.objects.filter(meeting_id__in=list(rooms)).values(
            "id", "meeting_id", "referral_id", "position", "pinned"
        )
    ]
    for item in items:
        item["fixed"] = item["pinned"] or item["meeting_id"] in published
        if item["fixed"]:
            rooms[item["meeting_id"]].fixed_positions.add(item["position"])
    # A published agenda is closed: allocation adds nothing to it.
    for meeting_id in published:
        room = rooms[meeting_id]
        room.fixed_positions |= set(range(room.capacity))
    return rooms, items


def _waiting(items: list[dict[str, Any]]) -> list[Waiting]:
    """The accepted referrals allocation may place: those not yet on an agenda, and those on
    an agenda whose item is not fixed (one query)."""
    movable = {item["referral_id"] for item in items if not item["fixed"]}
    fixed = {item["referral_id"] for item in items if item["fixed"]}
    candidates = ClinicReferral.objects.filter(state=ClinicReferral.State.ACCEPTED).values(
        "id", "case_id", "priority", "referred_at", "agenda_item__id"
    )
    return [
        Waiting(row["id"], row["case_id"], row["priority"], row["referred_at"])
        for row in candidates
        if row["id"] not in fixed and (row["agenda_item__id"] is None or row["id"] in movable)
    ]


@transaction.atomic
def allocate(*, now: datetime) -> AllocationResult:
    """Plan and write the allocation (on demand and nightly). Idempotent: run twice, the
    second run changes nothing."""
    rooms, items = _rooms_and_items(now)
    movable = {item["referral_id"]: item for item in items if not item["fixed"]}
    waiting = _waiting(items)
    plan = plan_allocation(waiting, list(rooms.values()))

    def slot(meeting_id: int, position: int) -> datetime:
        room = rooms[meeting_id]
        return room.starts_at + timedelta(minutes=position * room.minutes_per_case)

    to_create: list[AgendaItem] = []
    to_update: list[AgendaItem] = []
    to_delete: list[int] = []
    case_of = {w.referral_id: w.case_id for w in waiting}
    for referral_id, placed in plan.items():
        current = movable.get(referral_id)
        if placed is None:
            if current is not None:
                to_delete.append(current["id"])
            continue
        meeting_id, position = placed
        if current is None:
            to_create.append(
                AgendaItem(
                    meeting_id=meeting_id,
                    referral_id=referral_id,
                    case_id=case_of[referral_id],
                    position=position,
                    slot_starts_at=slot(meeting_id, position),
                )
            )
        elif (current["meeting_id"], current["position"]) != placed:
            to_update.append(
                AgendaItem(
                    pk=current["id"],
                    meeting_id=meeting_id,
                    position=position,
                    slot_starts_at=slot(meeting_id, position),
                )
            )
    with pghistory.context(reason="clinic allocation"):
        with connection.cursor() as cursor:
            # Bulk writes on tracked rows: see PACKAGES.md (pghistory in large transactions).
            cursor.execute("SET LOCAL pgtrigger.ignore = '{}'")
        if to_delete:
            AgendaItem.objects.filter(pk__in=to_delete).delete()
        if to_update:
            AgendaItem.objects.bulk_update(
                to_update, ["meeting_id", "position", "slot_starts_at"], batch_size=1000
            )
        if to_create:
            AgendaItem.objects.bulk_create(to_create, batch_size=1000)
    return AllocationResult(
        listed=len(to_create),
        moved=len(to_update),
        unlisted=len(to_delete),
        overflow=sum(1 for placed in plan.values() if placed is None),
    )


def first_meeting_for_new_case(*, priority: int, now: datetime) -> datetime | None:
    """When a case referred now with `priority` would be discussed, as the waiting list and
    the future meetings stand (the coordinator's capacity page): allocation's own plan with
    one more referral in it. None when no meeting scheduled so far has room. Three queries."""
    rooms, items = _rooms_and_items(now)
    waiting = _waiting(items)
    # Referral id 0 never exists; it sorts last among equals of its age (referred now).
    plan = plan_allocation([*waiting, Waiting(0, 0, priority, now)], list(rooms.values()))
    placed = plan.get(0)
    return rooms[placed[0]].starts_at if placed is not None else None


# --- The capacity outlook ---------------------------------------------------------------------


@dataclass(frozen=True)
class Breach:
    referral_id: int
    case_id: int
    priority: int
    referred_on: date
    # The last day within the target, and the first day past it.
    deadline: date
    breaches_on: date
    # The meeting it is listed at (None: no meeting has room).
    listed_on: date | None


@dataclass(frozen=True)
class Outlook:
    target_days: int
    waiting: int
    breaches: list[Breach]
    missing_places: int
    extra_meetings: int
    usual_capacity: int
    extra_cases_per_meeting: int
    extra_minutes_per_meeting: int
    usual_minutes_per_case: int
    # Cases due before the next meeting: only an extra meeting (not longer ones) clears them.
    before_next_meeting: int
    first_breach_on: date | None

    @property
    def has_shortfall(self) -> bool:
        return self.missing_places > 0 or bool(self.breaches)


@dataclass(frozen=True)
class DemandRow:
    referral_id: int
    case_id: int
    priority: int
    referred_at: datetime
    listed_at: datetime | None


def _local_day(moment: datetime) -> date:
    return moment.astimezone(LONDON).date()


def outlook_from(
    demand: Sequence[DemandRow],
    meetings: Sequence[tuple[datetime, int, int]],
    *,
    target_days: int,
) -> Outlook:
    """The shortfall figures (pure): `demand` is every waiting referral with the start of the
    meeting it is listed at (or None); `meetings` the future meetings as (start, capacity,
    minutes per case)."""
    target = timedelta(days=target_days)
    breaches: list[Breach] = []
    deadlines: list[date] = []
    for row in demand:
        referred_on = _local_day(row.referred_at)
        deadline = referred_on + target
        deadlines.append(deadline)
        listed_on = _local_day(row.listed_at) if row.listed_at is not None else None
        if listed_on is None or listed_on > deadline:
            breaches.append(
                Breach(
                    referral_id=row.referral_id,
                    case_id=row.case_id,
                    priority=row.priority,
                    referred_on=referred_on,
                    deadline=deadline,
                    breaches_on=deadline + timedelta(days=1),
                    listed_on=listed_on,
                )
            )
    breaches.sort(key=lambda breach: (breach.breaches_on, breach.priority, breach.referral_id))
    days = sorted((_local_day(start), capacity) for start, capacity, _ in meetings)
    usual_capacity = Counter(capacity for _, capacity, _ in meetings).most_common(1)
    usual_minutes = Counter(minutes for _, _, minutes in meetings).most_common(1)
    capacity_now = usual_capacity[0][0] if usual_capacity else 0
    minutes_now = usual_minutes[0][0] if usual_minutes else 0
    missing = 0
    per_meeting = 0
    before_next = 0
    ordered = sorted(deadlines)
    demand_by = 0
    places_by = 0
    held_by = 0
    meeting_index = 0
    for deadline in sorted(set(deadlines)):
        while demand_by < len(ordered) and ordered[demand_by] <= deadline:
            demand_by += 1
        while meeting_index < len(days) and days[meeting_index][0] <= deadline:
            places_by += days[meeting_index][1]
            held_by += 1
            meeting_index += 1
        gap = demand_by - places_by
        if gap <= 0:
            continue
        missing = max(missing, gap)
        if held_by == 0:
            before_next = max(before_next, gap)
        else:
            per_meeting = max(per_meeting, math.ceil(gap / held_by))
    return Outlook(
        target_days=target_days,
        waiting=len(demand),
        breaches=breaches,
        missing_places=missing,
        extra_meetings=math.ceil(missing / capacity_now) if missing and capacity_now else 0,
        usual_capacity=capacity_now,
        extra_cases_per_meeting=per_meeting,
        extra_minutes_per_meeting=per_meeting * minutes_now,
        usual_minutes_per_case=minutes_now,
        before_next_meeting=before_next,
        first_breach_on=breaches[0].breaches_on if breaches else None,
    )


def capacity_outlook(*, now: datetime, target_days: int | None = None) -> Outlook:
    """The shortfall against the target for the waiting list as it stands (two queries)."""
    target_days = settings.HUB_CLINIC_TARGET_DAYS if target_days is None else target_days
    rows = ClinicReferral.objects.filter(state=ClinicReferral.State.ACCEPTED).values(
        "id", "case_id", "priority", "referred_at", "agenda_item__meeting__starts_at"
    )
    demand = [
        DemandRow(
            row["id"],
            row["case_id"],
            row["priority"],
            row["referred_at"],
            row["agenda_item__meeting__starts_at"],
        )
        for row in rows
        # A case listed at a meeting already held is waiting for its minutes, not for a place.
        if row["agenda_item__meeting__starts_at"] is None
        or row["agenda_item__meeting__starts_at"] > now
    ]
    meetings = list(
        ClinicMeeting.objects.filter(
            status=ClinicMeeting.Status.SCHEDULED, starts_at__gt=now
        ).values_list("starts_at", "capacity", "minutes_per_case")
    )
    return outlook_from(demand, meetings, target_days=target_days)

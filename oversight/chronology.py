"""Oversight's entries in the case chronology (cases/chronology.py): directions to the officer
(given, due, done) and the tactical lead's reviews. Facet OVERSIGHT: never opened by a share.
Two queries."""

from __future__ import annotations

from django.urls import reverse

from cases.chronology import (
    ChronologyEntry,
    ChronologyProvider,
    day_start,
    register_entry_provider,
)
from cases.models import Case, Facet
from foundation.accounts.models import User
from oversight.models import Direction, OversightReview
from oversight.permissions import can_see_case_oversight, directions_visible_to


def oversight_entries(case: Case, user: User) -> list[ChronologyEntry]:
    entries: list[ChronologyEntry] = []
    for direction in directions_visible_to(user).filter(case=case):
        url = reverse("oversight:direction", args=[direction.pk])
        entries.append(
            ChronologyEntry(direction.given_at, "Direction", "Direction given to the officer", url)
        )
        if direction.status == Direction.Status.DONE and direction.closed_at:
            entries.append(ChronologyEntry(direction.closed_at, "Direction", "Direction done", url))
        elif direction.status in (Direction.Status.OPEN, Direction.Status.ACKNOWLEDGED):
            entries.append(
                ChronologyEntry(day_start(direction.due_on), "Direction", "Direction due", url)
            )
    if can_see_case_oversight(user, case):
        entries.extend(
            ChronologyEntry(review.reviewed_at, "Oversight review", "Oversight review recorded")
            for review in OversightReview.objects.filter(case=case)
        )
    return entries


def register_oversight_entries() -> None:
    register_entry_provider(
        ChronologyProvider(
            key="oversight.directions",
            label="Oversight",
            facet=Facet.OVERSIGHT,
            entries=oversight_entries,
        )
    )

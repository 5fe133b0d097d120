"""Demo near-duplicate person records, so the review page's "may be the same person" list has
something to show: the hub's records system and a partner's referral often spell a name
differently. Suggestions only; nothing is merged. Synthetic names only. Idempotent.
"""

from __future__ import annotations

from django.db import transaction

from cases.models import CrimeLog, LogParty, PartyRole, Person, PersonIdentifier
from cases.names import normalise_name

# Marks a demo duplicate (value: the id of the person it echoes), so a second run adds none.
DEMO_SOURCE = "demo-duplicate"
COUNT = 6


def _variant(name: str) -> str:
    """A plausible misspelling: "Amelia Thwaite" -> "Amelia Thwait", "Ben Lumb" -> "Ben Lumbe"."""
    return name[:-1] if name.endswith("e") else f"{name}e"


@transaction.atomic
def seed_people() -> int:
    """Add near-duplicates of a few victims on logs awaiting review. Returns how many."""
    if PersonIdentifier.objects.filter(source=DEMO_SOURCE).exists():
        return 0
    victim_ids = (
        LogParty.objects.filter(
            role=PartyRole.VICTIM,
            person__isnull=False,
            person__date_of_birth__isnull=False,
            log__review_state=CrimeLog.ReviewState.AWAITING,
        )
        .order_by("person_id")
        .values_list("person_id", flat=True)
        .distinct()[:COUNT]
    )
    made = 0
    for original in Person.objects.filter(pk__in=list(victim_ids)).order_by("pk"):
        name = _variant(original.name)
        echo = Person.objects.create(
            name=name,
            name_normalised=normalise_name(name),
            date_of_birth=original.date_of_birth,
        )
        PersonIdentifier.objects.create(person=echo, source=DEMO_SOURCE, value=str(original.pk))
        made += 1
    return made

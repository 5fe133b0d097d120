"""People known to the hub: persons, their identifiers and addresses; the shared party vocabularies.

Personal data never appears in `__str__`, URLs or log lines: those use ids only.
"""

from __future__ import annotations

import pghistory
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models.functions import Now


class PartyRole(models.TextChoices):
    VICTIM = "victim", "Victim"
    SUSPECT = "suspect", "Suspect"
    WITNESS = "witness", "Witness"


class RiskLevel(models.TextChoices):
    """The one scale every risk assessment ends on (DESIGN.md §3)."""

    STANDARD = "standard", "Standard"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


class Relationship(models.TextChoices):
    EX_PARTNER = "ex_partner", "Ex-partner"
    PARTNER = "partner", "Partner"
    FAMILY = "family", "Family member"
    ACQUAINTANCE = "acquaintance", "Acquaintance"
    NEIGHBOUR = "neighbour", "Neighbour"
    COLLEAGUE = "colleague", "Colleague"
    STRANGER = "stranger", "Stranger"
    ONLINE = "online", "Online contact only"
    UNKNOWN = "unknown", "Not known"


# --- People -----------------------------------------------------------------------------------


# Changes (merges, aliases, corrections) keep their history with the acting user and reason.
# Inserts are not tracked: the import creates persons in bulk, and an insert trigger per row
# makes that ~10x slower (docs/signals.md); created_at records when a person first appeared.
@pghistory.track(pghistory.UpdateEvent())
class Person(models.Model):
    """A natural person known to the hub. Their role is per log or case, never on the person."""

    name = models.CharField(max_length=200)
    # Lower-cased, accents and punctuation removed, whitespace folded: the matching key.
    # Indexed with the date of birth (exact matches) and by trigrams (similar names); a plain
    # index of its own would only slow the bulk creation of persons.
    name_normalised = models.CharField(max_length=200)
    date_of_birth = models.DateField(null=True, blank=True)
    aliases = ArrayField(models.CharField(max_length=200), default=list, blank=True)
    # Set when this record was merged into another (an explicit, audited action). Indexed only
    # where set: nearly every person is unmerged.
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_from",
        db_index=False,
    )
    created_at = models.DateTimeField(db_default=Now())

    class Meta:
        indexes = [
            models.Index(fields=["date_of_birth", "name_normalised"], name="person_dob_name_idx"),
            GinIndex(
                fields=["name_normalised"], name="person_name_trgm", opclasses=["gin_trgm_ops"]
            ),
            models.Index(
                fields=["merged_into"],
                name="person_merged_into_idx",
                condition=models.Q(merged_into__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"Person #{self.pk}"


class PersonIdentifier(models.Model):
    """An id a source system uses for the person (e.g. a records-system nominal id)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="identifiers")
    source = models.CharField(max_length=32)
    value = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "value"], name="person_identifier_unique")
        ]

    def __str__(self) -> str:
        return f"Identifier #{self.pk}"


@pghistory.track()
class PersonAddress(models.Model):
    """Sensitive: masked on every page unless revealed with a recorded reason."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="addresses")
    address = models.TextField()
    postcode = models.CharField(max_length=12, blank=True)
    is_current = models.BooleanField(default=True)
    recorded_at = models.DateTimeField(db_default=Now())

    def __str__(self) -> str:
        return f"Address #{self.pk}"

"""Crime logs from the force records system, their parties and the offence codes.

Personal data never appears in `__str__`, URLs or log lines: those use ids only.
"""

from __future__ import annotations

import pghistory
import pgtrigger
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models.functions import Now

from cases.models.imports import FeedImport
from cases.models.people import PartyRole, Person
from cases.outcomes import CrimeOutcome

# --- Crime logs -------------------------------------------------------------------------------


# Alterations of existing logs keep their history (the row as it was before each change).
# Inserts are not tracked: collection is recorded per import (created_by_import), which keeps a
# 1M-row first import from paying a second write per row. Columns the hub derives (signals,
# review state, the feed digest) change often and are not alterations of the record.
DERIVED_LOG_COLUMNS = [
    "feed_digest",
    "signal_kinds",
    "is_high_risk",
    "review_state",
    "high_risk_notified_at",
]


@pghistory.track(
    pghistory.UpdateEvent(
        "before_change",
        row=pghistory.Old,
        condition=pgtrigger.AnyChange(exclude=DERIVED_LOG_COLUMNS),
    )
)
class CrimeLog(models.Model):
    """One record from the force's records system, unique by (source, reference)."""

    class ReviewState(models.TextChoices):
        NOT_FLAGGED = "not_flagged", "No signals"
        AWAITING = "awaiting", "Awaiting review"
        REVIEWED = "reviewed", "Reviewed"

    source = models.CharField(max_length=32)
    reference = models.CharField(max_length=64)
    recorded_at = models.DateTimeField()
    occurred_from = models.DateTimeField(null=True, blank=True)
    occurred_to = models.DateTimeField(null=True, blank=True)
    offence_code = models.CharField(max_length=16, blank=True)
    offence = models.CharField(max_length=200, blank=True)
    flags = ArrayField(models.CharField(max_length=50), default=list, blank=True)
    area = models.CharField(max_length=64, blank=True)
    officer = models.CharField(max_length=254, blank=True)
    relationship = models.CharField(max_length=100, blank=True)
    narrative = models.TextField(blank=True)
    status = models.CharField(max_length=32, blank=True)
    # The Home Office crime outcome type and its date, from the feed (cases/outcomes.py). A
    # change is an alteration of the record: its history keeps the outcome it replaced. The
    # database default lets bulk writers that predate the column (bench/) still insert.
    outcome = models.CharField(
        max_length=3, choices=CrimeOutcome.choices, blank=True, default="", db_default=""
    )
    outcome_date = models.DateField(null=True, blank=True)

    # blake2b of the raw feed record and the file's layout, as last imported: a re-imported
    # record with the same digest is unchanged without being parsed again (docs/log-feed.md).
    feed_digest = models.BinaryField(max_length=16, null=True, blank=True, editable=False)
    # Provenance pointers, never queried by log: no index (each index costs every bulk write).
    created_by_import = models.ForeignKey(
        FeedImport,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    changed_by_import = models.ForeignKey(
        FeedImport,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    created_at = models.DateTimeField(db_default=Now())
    updated_at = models.DateTimeField(db_default=Now())

    # Kept by the signal evaluation so the review queue filters and sorts on indexed columns.
    signal_kinds = ArrayField(models.CharField(max_length=32), default=list, blank=True)
    is_high_risk = models.BooleanField(default=False)
    review_state = models.CharField(
        max_length=16, choices=ReviewState.choices, default=ReviewState.NOT_FLAGGED
    )
    # Set when the coordinator was alerted to this log's high-risk signals (alert once only).
    high_risk_notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "reference"], name="crimelog_source_ref")
        ]
        indexes = [
            models.Index(
                fields=["-is_high_risk", "-recorded_at"],
                name="crimelog_queue_idx",
                condition=~models.Q(review_state="not_flagged"),
            ),
            # The review queue's covering index (docs/review-queue.md): the page of awaiting
            # logs in queue order, its count and the per-signal counts all read from the index
            # alone (an index-only scan), without visiting the rows, at a million logs.
            models.Index(
                fields=["review_state", "-is_high_risk", "-recorded_at", "-id"],
                include=["signal_kinds", "area", "officer"],
                name="crimelog_queue_cover_idx",
                condition=~models.Q(review_state="not_flagged"),
            ),
            models.Index(fields=["officer"], name="crimelog_officer_idx"),
            # No GIN index on signal_kinds: the queue filters it inside the partial queue
            # index above (only flagged logs), and every evaluation rewrites the column.
        ]

    def __str__(self) -> str:
        return f"Crime log #{self.pk}"


class LogParty(models.Model):
    """A person as a log names them, with their role on that log."""

    # No single-column indexes on the foreign keys: the unique (log, role, position) and the
    # (person, role) indexes serve those lookups, and each extra index slows the bulk writes.
    log = models.ForeignKey(
        CrimeLog, on_delete=models.CASCADE, related_name="parties", db_index=False
    )
    role = models.CharField(max_length=16, choices=PartyRole.choices)
    position = models.PositiveSmallIntegerField(default=0)
    source_id = models.CharField(max_length=64, blank=True)
    name = models.CharField(max_length=200, blank=True)
    # cases.names.normalise_name(name), filled by the import: the key for linking to Person.
    name_normalised = models.CharField(max_length=200, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    area = models.CharField(max_length=64, blank=True)
    person = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="log_parties",
        db_index=False,
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["log", "role", "position"], name="logparty_log_role_position"
            )
        ]
        indexes = [models.Index(fields=["person", "role"], name="logparty_person_role_idx")]

    def __str__(self) -> str:
        return f"Log party #{self.pk}"


# --- Signal rules (data an admin can change) --------------------------------------------------


class OffenceCategory(models.TextChoices):
    STALKING = "stalking", "Stalking"
    HARASSMENT = "harassment", "Harassment"
    MALICIOUS_COMMUNICATIONS = "malicious_comms", "Malicious communications"
    CRIMINAL_DAMAGE = "criminal_damage", "Criminal damage"
    VIOLENCE = "violence", "Violence against the person"
    THREATS = "threats", "Threats"
    ORDER_BREACH = "order_breach", "Breach of an order"
    OTHER = "other", "Other"


class OffenceCode(models.Model):
    """A Home Office offence code and the category the signal rules read it as."""

    code = models.CharField(max_length=16, unique=True)
    description = models.CharField(max_length=200)
    category = models.CharField(max_length=20, choices=OffenceCategory)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.description}"

"""The case file: people, crime logs and their import, signals, reviews and cases.

Personal data (names, dates of birth, narratives, addresses) lives here. It never appears in
`__str__`, URLs or log lines: those use ids only.
"""

from __future__ import annotations

import pghistory
import pgtrigger
from django.conf import settings
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


# --- Feed imports -----------------------------------------------------------------------------


class FeedImport(models.Model):
    """One feed file's import: what arrived, what it did, and every row it rejected."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        REFUSED = "refused", "Refused (file unreadable)"
        FAILED = "failed", "Failed"

    class Origin(models.TextChoices):
        COMMAND = "command", "import_logs command"
        SWEEP = "sweep", "Folder sweep"
        UPLOAD = "upload", "Web upload"

    source = models.CharField(max_length=32)
    file_name = models.CharField(max_length=255)
    file_path = models.CharField(max_length=1024, blank=True)
    file_format = models.CharField(max_length=8)
    file_size = models.BigIntegerField(default=0)
    checksum = models.CharField(max_length=64, db_index=True)
    origin = models.CharField(max_length=16, choices=Origin.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT
    )
    queued_at = models.DateTimeField(db_default=Now())
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Lease for the background import: a claim older than the lease is taken again.
    claimed_at = models.DateTimeField(null=True, blank=True)
    # Progress: bytes read of file_size, and rows handled so far.
    bytes_read = models.BigIntegerField(default=0)
    rows_processed = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    unknown_columns = ArrayField(models.CharField(max_length=100), default=list, blank=True)
    # Why a whole file was refused or the import failed (no personal data).
    failure = models.TextField(blank=True)

    class Meta:
        ordering = ["-queued_at", "-id"]

    def __str__(self) -> str:
        return f"Feed import #{self.pk}"

    @property
    def progress_percent(self) -> int:
        if self.status in {self.Status.DONE, self.Status.REFUSED}:
            return 100
        if not self.file_size:
            return 0
        return min(99, int(self.bytes_read * 100 / self.file_size))


class FeedImportError(models.Model):
    """One problem found in a feed: a rejected row (row, column, reason) or an unknown column."""

    feed_import = models.ForeignKey(FeedImport, on_delete=models.CASCADE, related_name="errors")
    row = models.PositiveIntegerField(null=True, blank=True)
    column = models.CharField(max_length=100, blank=True)
    message = models.CharField(max_length=500)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"Import error #{self.pk}"


class FeedStaleAlert(models.Model):
    """One alert per silent spell of the feed: no file since `last_feed_at` for too long."""

    # None when no feed file has ever arrived.
    last_feed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(db_default=Now())

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["last_feed_at"], name="feedstalealert_once_per_spell", nulls_distinct=False
            )
        ]

    def __str__(self) -> str:
        return f"Feed stale alert #{self.pk}"


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
    category = models.CharField(max_length=20, choices=OffenceCategory.choices)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.description}"


class IndicatorPhrase(models.Model):
    """A phrase in a narrative that indicates stalking behaviour, or violence/threats."""

    class Kind(models.TextChoices):
        STALKING_BEHAVIOUR = "behaviour", "Stalking behaviour (FOUR)"
        VIOLENCE_OR_THREAT = "violence", "Violence or threats (raises risk)"
        FORMER_PARTNER = "former_partner", "Former partner relationship"

    phrase = models.CharField(max_length=100, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # The behaviour a reviewer reads in the signal's reason, e.g. "following", "monitoring".
    behaviour = models.CharField(max_length=60)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["kind", "phrase"]

    def __str__(self) -> str:
        return self.phrase


class SignalSettings(models.Model):
    """The windows and thresholds of the signal rules. One row (id=1)."""

    course_of_conduct_days = models.PositiveIntegerField(
        default=365, help_text="Logs within this many days form a course of conduct."
    )
    course_of_conduct_min_logs = models.PositiveIntegerField(default=2)
    stalking_flags = ArrayField(
        models.CharField(max_length=50),
        default=list,
        help_text="Flags that mean a log is tagged as stalking (upper case).",
    )
    breach_flags = ArrayField(
        models.CharField(max_length=50),
        default=list,
        help_text="Flags that mean a log records the breach of an order.",
    )

    class Meta:
        verbose_name = "signal settings"
        verbose_name_plural = "signal settings"

    def __str__(self) -> str:
        return "Signal settings"


class SignalKind(models.TextChoices):
    TAGGED_STALKING = "tagged_stalking", "Tagged as stalking"
    STALKING_INDICATORS = "indicators", "Stalking behaviour in the narrative"
    COURSE_OF_CONDUCT = "course_of_conduct", "Course of conduct not recorded as stalking"
    FORMER_PARTNER = "former_partner", "Former partner course of conduct recorded as harassment"
    ORDER_BREACH = "order_breach", "Breach of an order"
    CROSS_BORDER = "cross_border", "Another force area"


class LogSignal(models.Model):
    """A reason to look at a log, in words a reviewer can read."""

    log = models.ForeignKey(CrimeLog, on_delete=models.CASCADE, related_name="signals")
    kind = models.CharField(max_length=32, choices=SignalKind.choices)
    reason = models.CharField(max_length=500)
    high_risk = models.BooleanField(default=False)
    victim = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    suspect = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    related_log_ids = ArrayField(models.BigIntegerField(), default=list, blank=True)
    detected_at = models.DateTimeField(db_default=Now())

    class Meta:
        constraints = [models.UniqueConstraint(fields=["log", "kind"], name="logsignal_log_kind")]

    def __str__(self) -> str:
        return f"Signal #{self.pk} ({self.kind})"


# --- Cases and reviews ------------------------------------------------------------------------


@pghistory.track()
class Case(models.Model):
    """The hub's file on one course of conduct."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    class ClosureReason(models.TextChoices):
        STALKING_STOPPED = "stopped", "Stalking stopped"
        CONVICTED = "convicted", "Suspect convicted"
        ORDER_IN_PLACE = "order", "Protective order in place, risk managed"
        VICTIM_DISENGAGED = "disengaged", "Victim disengaged"
        TRANSFERRED = "transferred", "Transferred to another force"
        NOT_STALKING = "not_stalking", "Not stalking on review"
        OTHER = "other", "Other"

    reference = models.CharField(max_length=20, unique=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    relationship = models.CharField(
        max_length=20, choices=Relationship.choices, default=Relationship.UNKNOWN
    )
    summary = models.TextField(blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_cases"
    )
    officer_in_charge = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cases_in_charge",
    )
    cross_border_forces = ArrayField(models.CharField(max_length=64), default=list, blank=True)
    opened_at = models.DateTimeField(db_default=Now())
    closed_at = models.DateTimeField(null=True, blank=True)
    closure_reason = models.CharField(max_length=20, choices=ClosureReason.choices, blank=True)
    outcome_notes = models.TextField(blank=True)
    # The latest assessment's final level; kept by the risk services.
    current_risk = models.CharField(max_length=16, choices=RiskLevel.choices, blank=True)
    current_risk_at = models.DateTimeField(null=True, blank=True)
    logs = models.ManyToManyField(CrimeLog, through="CaseLog", related_name="cases")

    class Meta:
        ordering = ["-opened_at"]
        indexes = [models.Index(fields=["status", "-opened_at"], name="case_status_opened_idx")]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("cases:detail", args=[self.pk])


class CaseLog(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="case_logs")
    log = models.ForeignKey(CrimeLog, on_delete=models.PROTECT, related_name="case_links")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    added_at = models.DateTimeField(db_default=Now())

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "log"], name="caselog_unique")]

    def __str__(self) -> str:
        return f"Case log #{self.pk}"


class CaseParty(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="parties")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="case_parties")
    role = models.CharField(max_length=16, choices=PartyRole.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "person", "role"], name="caseparty_unique")
        ]

    def __str__(self) -> str:
        return f"Case party #{self.pk}"


@pghistory.track()
class CaseShare(models.Model):
    """A case shared with another agency (a referral, a clinic) for as long as it is shared.

    Higher apps (referrals, clinic) open and end shares through `cases.services`; visibility
    reads only this table, so `cases` never imports them.
    """

    class Purpose(models.TextChoices):
        REFERRAL = "referral", "Referral"
        CLINIC = "clinic", "Stalking clinic"
        OTHER = "other", "Other"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="shares")
    agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="case_shares"
    )
    purpose = models.CharField(max_length=16, choices=Purpose.choices)
    # The id of the referral or clinic referral behind the share, in its own app.
    source_ref = models.CharField(max_length=64)
    # Whether the victim consented to the hub seeing the agency's own casework.
    victim_consented = models.BooleanField(default=False)
    shared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    shared_at = models.DateTimeField(db_default=Now())
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["purpose", "source_ref"],
                condition=models.Q(ended_at__isnull=True),
                name="caseshare_one_live_per_source",
            )
        ]
        indexes = [models.Index(fields=["agency", "ended_at"], name="caseshare_agency_idx")]

    def __str__(self) -> str:
        return f"Case share #{self.pk}"


@pghistory.track()
class LogReview(models.Model):
    """The coordinator's decision on a log."""

    class Outcome(models.TextChoices):
        CONFIRMED = "confirmed", "Confirmed stalking"
        POSSIBLE = "possible", "Possible stalking — advice to the officer"
        NOT_STALKING = "not_stalking", "Not stalking"
        DUPLICATE = "duplicate", "Duplicate"

    log = models.OneToOneField(CrimeLog, on_delete=models.CASCADE, related_name="review")
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    advice = models.TextField(blank=True)
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="reviews"
    )
    duplicate_of = models.ForeignKey(
        CrimeLog, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    reviewed_at = models.DateTimeField(db_default=Now())

    def __str__(self) -> str:
        return f"Review #{self.pk}"

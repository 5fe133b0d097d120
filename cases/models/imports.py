"""Feed imports: one run of the log sweep over a file, its per-row errors, stale-feed alerts.

Personal data never appears in `__str__`, URLs or log lines: those use ids only.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models.functions import Now


class FeedImport(models.Model):
    """One feed file's import: what arrived, what it did, and every row it rejected."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        REFUSED = "refused", "Refused (file unreadable)"
        # An error the import is tried again after (docs/log-feed.md, "When an import fails").
        RETRY = "retry", "Waiting to retry"
        # Its worker or command stopped renewing the lease: resumes where it stopped.
        INTERRUPTED = "interrupted", "Interrupted"
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
    # Attempts that failed on the file itself (at most HUB_FEED_MAX_FILE_ATTEMPTS), and those
    # that failed because the database or broker was unavailable (retried with back-off).
    file_attempts = models.PositiveSmallIntegerField(default=0)
    transient_failures = models.PositiveIntegerField(default=0)
    retry_at = models.DateTimeField(null=True, blank=True)

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


class PendingEvaluation(models.Model):
    """A new or changed log an import committed before evaluating it (docs/log-feed.md, "How
    the first import overlaps the evaluation").

    Each import batch marks its logs in its own transaction; the evaluation (signal rules and
    the `logs_changed` handlers) removes the marks in its transaction. A log still marked after
    a crash is evaluated when the import resumes (or by the next import), so committing a
    batch before its evaluation never skips one. No foreign key: the mark is written with the
    batch and checked by nothing; a log deleted meanwhile is simply not found.
    """

    log_id = models.BigIntegerField(primary_key=True)
    marked_at = models.DateTimeField(db_default=Now())

    def __str__(self) -> str:
        return f"Pending evaluation of log #{self.log_id}"

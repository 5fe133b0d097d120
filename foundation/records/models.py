"""Information management: retention rules, reviews, tombstones, subject-rights requests."""

from __future__ import annotations

import pghistory
import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models.functions import Now


@pghistory.track()
class RetentionRule(models.Model):
    """How long one record type is kept before review: data the information manager edits."""

    record_type = models.CharField(max_length=64, unique=True)
    # Null where a setting gives the years (crime-log copies: HUB_CRIME_LOG_EXPIRY_YEARS).
    years = models.PositiveSmallIntegerField(null=True, blank=True)
    basis = models.CharField(max_length=200)
    notes = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["record_type"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(years__isnull=True) | models.Q(years__lte=100),
                name="retention_rule_years_bounded",
            )
        ]

    def __str__(self) -> str:
        return self.record_type


@pghistory.track(exclude=["claimed_at"])
class RecordReview(models.Model):
    """One record's place in the review: due, retained until a date, queued for disposal,
    disposed. One row per record; its history keeps every decision."""

    class State(models.TextChoices):
        DUE = "due", "Due for review"
        RETAINED = "retained", "Retained"
        QUEUED = "queued", "Queued for disposal"
        BLOCKED = "blocked", "Disposal blocked"
        DISPOSED = "disposed", "Disposed"

    record_type = models.CharField(max_length=64)
    object_id = models.BigIntegerField()
    state = models.CharField(max_length=16, choices=State.choices, default=State.DUE)
    due_since = models.DateTimeField(db_default=Now())
    review_on = models.DateField(null=True, blank=True)  # retained until
    reason = models.CharField(max_length=500, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_since", "record_type", "object_id"]
        constraints = [
            models.UniqueConstraint(fields=["record_type", "object_id"], name="record_review_once"),
            models.CheckConstraint(
                condition=~models.Q(state="retained")
                | (models.Q(review_on__isnull=False) & ~models.Q(reason="")),
                name="record_review_retained_has_reason_and_date",
            ),
        ]
        indexes = [models.Index(fields=["state", "record_type"], name="record_review_state_idx")]

    def __str__(self) -> str:
        return f"{self.record_type} #{self.object_id}"


class Tombstone(models.Model):
    """What is left of a disposed record: its type, id, when, under which rule, on whose
    decision. Append-only at the database."""

    record_type = models.CharField(max_length=64)
    object_id = models.BigIntegerField()
    disposed_at = models.DateTimeField()
    rule = models.CharField(max_length=300)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-disposed_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["record_type", "object_id"], name="tombstone_once")
        ]
        triggers = [
            pgtrigger.Protect(
                name="tombstone_append_only", operation=pgtrigger.Update | pgtrigger.Delete
            )
        ]

    def __str__(self) -> str:
        return f"{self.record_type} #{self.object_id} disposed"


class AccessRecordDisposal(models.Model):
    """The count of access records the retention job deleted, per month of the records: the
    trace the append-only exception leaves (docs/information-management.md)."""

    month = models.DateField()  # the first day of the month the deleted records were written
    count = models.PositiveIntegerField()
    disposed_at = models.DateTimeField()
    kept_years = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["-month", "-disposed_at"]
        triggers = [
            pgtrigger.Protect(
                name="access_record_disposal_append_only",
                operation=pgtrigger.Update | pgtrigger.Delete,
            )
        ]

    def __str__(self) -> str:
        return f"{self.count} access records of {self.month:%Y-%m}"


@pghistory.track()
class SubjectAccessRequest(models.Model):
    """A subject-access request (DPA 2018 s.45): whom it is about, what was found, what the
    information manager disclosed."""

    class State(models.TextChoices):
        OPEN = "open", "Open: being redacted"
        DISCLOSED = "disclosed", "Disclosed"

    reference = models.CharField(max_length=40)
    received_on = models.DateField()
    person_ids = models.JSONField(default=list)  # the subject's person records, merges included
    subject_description = models.CharField(max_length=300)
    state = models.CharField(max_length=16, choices=State.choices, default=State.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(db_default=Now())
    disclosed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Subject access request #{self.pk}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("records:subject_request", args=[self.pk])


@pghistory.track()
class SubjectAccessItem(models.Model):
    """One record found for a request, as the bundle will show it, after redaction."""

    request = models.ForeignKey(
        SubjectAccessRequest, on_delete=models.CASCADE, related_name="items"
    )
    record_type = models.CharField(max_length=64)
    object_id = models.BigIntegerField()
    role = models.CharField(max_length=100)
    at = models.DateTimeField(null=True, blank=True)
    summary = models.TextField()
    details = models.TextField(blank=True)
    include = models.BooleanField(default=True)
    redaction_note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["record_type", "object_id", "id"]

    def __str__(self) -> str:
        return f"Item #{self.pk}"


@pghistory.track()
class RectificationRequest(models.Model):
    """A request to correct a record (DPA 2018 s.46) and what was done about it."""

    class State(models.TextChoices):
        OPEN = "open", "Open"
        RECTIFIED = "rectified", "Rectified"
        REFUSED = "refused", "Refused"

    received_on = models.DateField()
    subject_request = models.ForeignKey(
        SubjectAccessRequest, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    record_type = models.CharField(max_length=64)
    object_id = models.BigIntegerField()
    requested_change = models.TextField()
    state = models.CharField(max_length=16, choices=State.choices, default=State.OPEN)
    action_taken = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(db_default=Now())

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state="open") | ~models.Q(action_taken=""),
                name="rectification_decided_has_action",
            )
        ]

    def __str__(self) -> str:
        return f"Rectification request #{self.pk}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("records:rectification", args=[self.pk])

"""Risk instruments (synced from the structure files) and the assessments made with them.

Answers, rationales and plan notes are personal data about victims and suspects: they never
appear in `__str__`, URLs, logs or the admin list. Assessments are never edited: a new one
supersedes the last (DESIGN.md §3).
"""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.db import models
from django.db.models.functions import Now

from cases.models import Case, RiskLevel
from risk.definitions import Kind, Side


@pghistory.track()
class Instrument(models.Model):
    """One instrument's structure, as last synced from `risk/instruments/<key>.json`."""

    class KindChoice(models.TextChoices):
        SCREENING = Kind.SCREENING.value, "Screening"
        CHECKLIST = Kind.CHECKLIST.value, "Checklist"
        SPJ = Kind.SPJ.value, "Structured professional judgement"

    class SideChoice(models.TextChoices):
        VICTIM = Side.VICTIM.value, "Victim-focused"
        PERPETRATOR = Side.PERPETRATOR.value, "Perpetrator-focused"

    key = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=200)
    version = models.CharField(max_length=32)
    kind = models.CharField(max_length=16, choices=KindChoice.choices)
    side = models.CharField(max_length=16, choices=SideChoice.choices)
    licensed = models.BooleanField()
    requires_trained_assessor = models.BooleanField(default=False)
    # sha256 of the file's canonical JSON: a changed file has a new checksum (sync_instruments).
    checksum = models.CharField(max_length=64)
    # The structure file's content, exactly as validated (never any wording).
    definition = models.JSONField()
    # False when the file has gone: kept for the assessments made with it, offered to nobody.
    is_active = models.BooleanField(default=True)
    synced_at = models.DateTimeField(db_default=Now())

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


# Reminder bookkeeping changes daily and says nothing about the assessment: not history.
@pghistory.track(exclude=["reminder_sent_for", "reminder_claimed_at"])
class RiskAssessment(models.Model):
    """An instrument applied to a case: answers, computed result, the assessor's judgement."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="risk_assessments")
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="+")
    # The structure version the answers fit; the instrument row may have moved on since.
    instrument_version = models.CharField(max_length=32)
    answers = models.JSONField()
    # scoring.ComputedResult.as_dict(): count, band, ratings, suggestion, summary.
    result = models.JSONField()
    # The count-based band (DASH, FOUR); blank for S-DASH and SPJ tools, which have none.
    computed_band = models.CharField(max_length=16, choices=RiskLevel.choices, blank=True)
    final_level = models.CharField(max_length=16, choices=RiskLevel.choices)
    # Required when the final level differs from the computed one (scoring.decide_final_level).
    judgement_reason = models.TextField(blank=True)
    rationale = models.TextField(blank=True)
    # The linked risk-management / safety-plan note.
    plan_note = models.TextField(blank=True)
    review_date = models.DateField()
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="risk_assessments"
    )
    completed_at = models.DateTimeField()
    # Set when a newer assessment of the same case is recorded; NULL = the case's current one.
    superseded_at = models.DateTimeField(null=True, blank=True)
    # The review date a reminder went out for (once per assessment per due date), and the
    # lease of a reminder run that is sending it (a claim older than the lease is retaken).
    reminder_sent_for = models.DateField(null=True, blank=True)
    reminder_claimed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-completed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(superseded_at__isnull=True),
                name="riskassessment_one_current_per_case",
            )
        ]
        indexes = [
            models.Index(fields=["case", "-completed_at"], name="riskassessment_case_idx"),
            models.Index(
                fields=["review_date"],
                condition=models.Q(superseded_at__isnull=True),
                name="riskassessment_review_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"Risk assessment #{self.pk}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("risk:detail", args=[self.case_id, self.pk])

    @property
    def is_current(self) -> bool:
        return self.superseded_at is None

    @property
    def level_changed_by_judgement(self) -> bool:
        return bool(self.computed_band) and self.computed_band != self.final_level

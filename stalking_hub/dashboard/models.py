"""The dashboard's summary tables, the frozen monthly reports and the evaluation exports.

The summary tables hold what the registered figures (foundation/lib/figures.py) computed: the
dashboard page reads these rows only, never the apps' tables, so it costs the same few queries
at a million logs as at ten. Beat refreshes them every 10 minutes; an import refreshes the
figures that read crime logs once its batch commits."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Now


class FigureValue(models.Model):
    """The latest value of one queue or deadline figure."""

    key = models.CharField(max_length=64, primary_key=True)
    size = models.PositiveIntegerField(default=0)
    oldest_at = models.DateTimeField(null=True, blank=True)
    overdue = models.PositiveIntegerField(default=0)
    due_today = models.PositiveIntegerField(default=0)
    due_week = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.key


class MonthlyValue(models.Model):
    """One trend figure's count for one calendar month."""

    key = models.CharField(max_length=64)
    month = models.DateField()
    value = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "month"], name="monthlyvalue_key_month")
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.month:%Y-%m}"


class MonthlyReport(models.Model):
    """The hub's figures for one month, frozen when first generated (docs/dashboard.md)."""

    month = models.DateField(unique=True)
    figures = models.JSONField()
    pdf = models.BinaryField()
    csv = models.TextField()
    generated_at = models.DateTimeField()
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # How many times it was regenerated after late imports (each one audited).
    regenerations = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"Monthly report {self.month:%Y-%m}"


class EvaluationExport(models.Model):
    """A pseudonymised evaluation export asked for on the evaluation page (progress shown)."""

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Ready"
        FAILED = "failed", "Failed"

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(db_default=Now())
    include_short_follow_up = models.BooleanField(default=False)
    state = models.CharField(max_length=8, choices=State.choices, default=State.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    content = models.TextField(blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Evaluation export {self.pk}"

    @property
    def percent(self) -> int:
        return (
            100
            if self.state == self.State.DONE
            else (100 * self.done // self.total if self.total else 0)
        )


class MonthlyReportRegeneration(models.Model):
    """A frozen month recomputed on purpose (late imports): who, when, why, and what it said."""

    report = models.ForeignKey(MonthlyReport, on_delete=models.PROTECT, related_name="regenerated")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    reason = models.CharField(max_length=500)
    previous_figures = models.JSONField()
    previous_generated_at = models.DateTimeField()

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"Regeneration of {self.report}"


class CaseOutcomeRow(models.Model):
    """One case's evaluation outcome as last computed (stalking_hub/dashboard/evaluation.py).

    The evaluation page reads these rows, aggregated, instead of recomputing every case on each
    visit; beat refreshes them all, and an import the cases its logs touch. The pseudonymised
    export still computes from the apps' tables (it must be current to the minute it runs)."""

    case = models.OneToOneField(
        "cases.Case", primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    opened_at = models.DateTimeField()
    first_intervention_at = models.DateTimeField(null=True, blank=True)
    follow_up_complete = models.BooleanField(default=False)
    new_incidents = models.PositiveIntegerField(default=0)
    charged = models.BooleanField(default=False)
    discussed_at_clinic = models.BooleanField(default=False)
    computed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Evaluation outcome of case #{self.case_id}"

"""Signal rules as data (indicator phrases, settings) and the signals raised on logs.

Personal data never appears in `__str__`, URLs or log lines: those use ids only.
"""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models.functions import Now

from cases.models.logs import CrimeLog
from cases.models.people import Person


class IndicatorPhrase(models.Model):
    """A phrase the signal rules look for: in a narrative (stalking behaviour and its context,
    violence or threats), in the relationship (former partner), or in the offence description
    and flags (breach of an order). docs/signals.md explains each kind."""

    class Kind(models.TextChoices):
        STALKING_BEHAVIOUR = "behaviour", "Stalking behaviour (counts on its own)"
        REPEATED_BEHAVIOUR = "repeated_behaviour", "Stalking behaviour when repeated"
        PERSISTENCE = "persistence", "Repetition or persistence"
        EXCLUSION = "exclusion", "Innocent context (cancels a behaviour)"
        NEGATION = "negation", "Negation or doubt (cancels a behaviour after it)"
        VIOLENCE_OR_THREAT = "violence", "Violence or threats (raises risk)"
        FORMER_PARTNER = "former_partner", "Former partner relationship"
        ORDER_BREACH = "order_breach", "Breach of an order (offence description or flags)"

    phrase = models.CharField(max_length=500, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # What a reviewer reads in the signal's reason, e.g. "following", "despite being told to
    # stop". For an exclusion: the behaviour it cancels, or empty to cancel any behaviour.
    behaviour = models.CharField(max_length=60, blank=True)
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
    kind = models.CharField(max_length=32, choices=SignalKind)
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

"""Clinic referrals: a case put forward for the multi-agency stalking clinic (docs/clinic.md)."""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.urls import reverse


@pghistory.track()
class ClinicReferral(models.Model):
    """One case put forward for discussion: why, how urgently, and what the coordinator said."""

    class Criterion(models.TextChoices):
        HIGH_RISK = "high_risk", "High risk by assessment"
        PROFESSIONAL_JUDGEMENT = "professional_judgement", "Professional judgement"
        ESCALATION = "escalation", "Escalation"
        REPEAT = "repeat", "Repeat incident within 12 months"

    class Priority(models.IntegerChoices):
        # Lower sorts first: allocation takes priority, then age (docs/clinic.md).
        URGENT = 1, "Urgent"
        HIGH = 2, "High"
        STANDARD = 3, "Standard"

    class State(models.TextChoices):
        PENDING = "pending", "Awaiting the coordinator"
        ACCEPTED = "accepted", "Accepted, waiting for the clinic"
        RETURNED = "returned", "Returned"
        DISCUSSED = "discussed", "Discussed"

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    criterion = models.CharField(max_length=24, choices=Criterion.choices)
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.STANDARD)
    state = models.CharField(max_length=12, choices=State.choices, default=State.PENDING)
    reason = models.TextField(blank=True)
    # When the case was referred: the clinic's target ("discussed within 14 days") runs from it.
    referred_at = models.DateTimeField()
    # Empty for a repeat raised by the incident rule (cases.hooks: logs changed).
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # A repeat: the incident that raised it (a crime log, or one reported by hand).
    trigger_log = models.ForeignKey(
        "cases.CrimeLog",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    incident_on = models.DateField(null=True, blank=True)
    incident_note = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    return_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(db_default=Now())

    class Meta:
        ordering = ["priority", "referred_at", "id"]
        indexes = [
            models.Index(fields=["state", "priority", "referred_at"], name="clinicref_queue_idx"),
            models.Index(fields=["case", "-referred_at"], name="clinicref_case_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state="returned") | ~Q(return_reason=""),
                name="clinicref_returned_has_reason",
            ),
            # One repeat per incident and case: a log seen twice raises nothing new.
            models.UniqueConstraint(
                fields=["case", "trigger_log"],
                condition=Q(trigger_log__isnull=False),
                name="clinicref_one_repeat_per_log",
            ),
        ]

    def __str__(self) -> str:
        return f"Clinic referral {self.reference}"

    def get_absolute_url(self) -> str:
        return reverse("clinic:referral_detail", args=[self.pk])

    @property
    def reference(self) -> str:
        return f"CR-{self.pk:05d}" if self.pk else "CR-new"

    @property
    def is_repeat(self) -> bool:
        return self.criterion == self.Criterion.REPEAT

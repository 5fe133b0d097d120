"""Advice requests from officers and champions to the hub, and the guidance they grow into."""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.urls import reverse


class AdviceCategory(models.TextChoices):
    INVESTIGATION = "investigation", "Investigation"
    RISK = "risk", "Risk"
    RECORDING = "recording", "Crime recording"
    SAFEGUARDING = "safeguarding", "Safeguarding"
    SPO_LEGAL = "spo_legal", "SPO / legal"
    OTHER = "other", "Other"


_REMINDER_FIELDS = [
    "due_soon_sent_at",
    "due_soon_claimed_at",
    "overdue_sent_at",
    "overdue_claimed_at",
]


@pghistory.track(exclude=_REMINDER_FIELDS)
class AdviceRequest(models.Model):
    class Urgency(models.TextChoices):
        URGENT = "urgent", "Urgent: answered within 4 working hours"
        ROUTINE = "routine", "Routine: answered by the end of the second working day"

    class Rating(models.TextChoices):
        USEFUL = "useful", "Useful"
        NOT_USEFUL = "not_useful", "Not useful"

    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="advice_requests"
    )
    category = models.CharField(max_length=16, choices=AdviceCategory)
    urgency = models.CharField(max_length=8, choices=Urgency.choices)
    question = models.TextField()
    # What the requester typed; linked to the log when one matches. The requester is never
    # told whether it matched (they may not see the log).
    crime_log_reference = models.CharField(max_length=64, blank=True)
    crime_log = models.ForeignKey(
        "cases.CrimeLog", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField()
    due_at = models.DateTimeField()
    # One working hour before due_at: the queue is reminded then.
    due_soon_at = models.DateTimeField()
    answer = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="advice_answered",
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    rating = models.CharField(max_length=12, choices=Rating.choices, blank=True)
    rated_at = models.DateTimeField(null=True, blank=True)

    # SLA reminders to the queue: each once, claimed with a lease (DESIGN.md §5).
    due_soon_sent_at = models.DateTimeField(null=True, blank=True)
    due_soon_claimed_at = models.DateTimeField(null=True, blank=True)
    overdue_sent_at = models.DateTimeField(null=True, blank=True)
    overdue_claimed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(
                fields=["due_at"], name="advice_open_due_idx", condition=Q(answered_at__isnull=True)
            ),
            models.Index(fields=["requester", "-submitted_at"], name="advice_requester_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True)
                | (~Q(answer="") & Q(answered_by__isnull=False)),
                name="advice_answer_has_text_and_author",
            ),
            models.CheckConstraint(
                condition=Q(rating="") | Q(answered_at__isnull=False),
                name="advice_rated_only_when_answered",
            ),
        ]

    def __str__(self) -> str:
        return f"Advice request {self.reference}"

    def get_absolute_url(self) -> str:
        return reverse("referrals:advice_detail", args=[self.pk])

    @property
    def reference(self) -> str:
        return f"AR-{self.pk:05d}" if self.pk else "AR-new"

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None


@pghistory.track()
class Guidance(models.Model):
    """Published answers to frequent questions, shown to requesters before they submit."""

    title = models.CharField(max_length=200)
    body = models.TextField()
    category = models.CharField(max_length=16, choices=AdviceCategory)
    is_published = models.BooleanField(default=False)
    # The request it grew from, if any.
    source_request = models.ForeignKey(
        AdviceRequest, null=True, blank=True, on_delete=models.SET_NULL, related_name="guidance"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(db_default=Now())
    updated_at = models.DateTimeField(db_default=Now())

    class Meta:
        verbose_name_plural = "guidance"
        ordering = ["category", "title"]
        indexes = [models.Index(fields=["category", "is_published"], name="guidance_cat_idx")]

    def __str__(self) -> str:
        return f"Guidance #{self.pk}"

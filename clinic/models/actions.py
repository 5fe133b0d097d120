"""Actions agreed at the clinic and the chasers sent when they run late (docs/clinic.md)."""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.urls import reverse

from clinic.models.agenda import AgendaItem

# Chaser bookkeeping changes often and says nothing about the action itself.
_CHASE_FIELDS = ["chase_claimed_at", "chase_count", "last_chased_at"]


@pghistory.track(exclude=_CHASE_FIELDS)
class Action(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"
        CANCELLED = "cancelled", "Cancelled"

    OPEN_STATUSES = (Status.OPEN, Status.IN_PROGRESS)

    item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, related_name="actions")
    # Kept for the scoped lists and the "outstanding actions on returning cases" join.
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    description = models.TextField()
    owner_agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    due_on = models.DateField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    update_note = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(db_default=Now())
    updated_at = models.DateTimeField(db_default=Now())
    completed_at = models.DateTimeField(null=True, blank=True)

    # The overdue chase: one the day after the due date, then one a week (clinic/reminders.py).
    chase_count = models.PositiveIntegerField(default=0)
    last_chased_at = models.DateTimeField(null=True, blank=True)
    chase_claimed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(
                fields=["due_on"],
                name="action_open_due_idx",
                condition=Q(status__in=["open", "in_progress"]),
            ),
            models.Index(fields=["owner_agency", "status"], name="action_agency_idx"),
            models.Index(fields=["case", "status"], name="action_case_idx"),
        ]

    def __str__(self) -> str:
        return f"Action #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("clinic:action_detail", args=[self.pk])

    @property
    def reference(self) -> str:
        return f"CA-{self.pk:05d}" if self.pk else "CA-new"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class ActionChase(models.Model):
    """One chaser e-mail sent for an overdue action (the coordinator's list)."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="chases")
    # 1 = the day after the due date, 2 = a week later, and so on: each sent once.
    number = models.PositiveIntegerField()
    sent_at = models.DateTimeField()
    recipients = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["action", "number"], name="actionchase_once")
        ]

    def __str__(self) -> str:
        return f"Action chase #{self.pk}"

"""Investigative oversight: the tactical lead's investigation plans, directions to officers and
oversight reviews of high-risk cases (docs/oversight.md).

Personal data never appears in `__str__`, URLs or log lines: those use ids only. Each write
made under a cover (the coordinator acting for the tactical lead) keeps the cover, so the
record shows who approved it and whom it stood in for.
"""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q


class PlanLineTemplate(models.Model):
    """One usual line of enquiry in a stalking investigation: the plan's checklist, kept as
    data the hub edits in the admin. A new plan copies the active lines in order."""

    key = models.SlugField(max_length=50, unique=True)
    title = models.CharField(max_length=200)
    guidance = models.TextField(blank=True, help_text="What the line asks of the investigation.")
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "key"]
        verbose_name = "plan checklist line"

    def __str__(self) -> str:
        return self.title


@pghistory.track()
class InvestigationPlan(models.Model):
    """The oversight file of one case: its plan lines, directions and reviews hang off the case."""

    case = models.OneToOneField(
        "cases.Case", on_delete=models.PROTECT, related_name="investigation_plan"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    under_cover = models.ForeignKey(
        "accounts.RoleCover", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"Investigation plan #{self.pk}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("oversight:plan", args=[self.pk])


@pghistory.track()
class PlanLine(models.Model):
    class Status(models.TextChoices):
        TODO = "todo", "To do"
        DONE = "done", "Done"
        NOT_APPLICABLE = "na", "Not applicable"

    plan = models.ForeignKey(InvestigationPlan, on_delete=models.CASCADE, related_name="lines")
    template = models.ForeignKey(
        PlanLineTemplate, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Copied from the checklist, so a later edit of the checklist never rewrites a plan.
    title = models.CharField(max_length=200)
    position = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.TODO)
    # Why the line does not apply (required), or a note on what was done.
    note = models.TextField(blank=True)
    # The tactical lead lets the coordinator keep this line up to date.
    delegated = models.BooleanField(default=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(null=True, blank=True)
    under_cover = models.ForeignKey(
        "accounts.RoleCover", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="na") | ~Q(note=""), name="planline_na_needs_reason"
            )
        ]

    def __str__(self) -> str:
        return f"Plan line #{self.pk}"


# Chasing is bookkeeping, not an alteration of the direction: no history for it.
_CHASE_FIELDS = ["next_chase_on", "chase_claimed_at", "chased_at", "chase_count"]


@pghistory.track(exclude=_CHASE_FIELDS)
class Direction(models.Model):
    """The tactical lead's direction to the officer in charge of a case."""

    class Status(models.TextChoices):
        OPEN = "open", "Given"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        DONE = "done", "Done"
        WITHDRAWN = "withdrawn", "Withdrawn"

    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="oversight_directions"
    )
    plan_line = models.ForeignKey(
        PlanLine, null=True, blank=True, on_delete=models.PROTECT, related_name="directions"
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="oversight_directions"
    )
    text = models.TextField()
    due_on = models.DateField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    given_at = models.DateTimeField()
    under_cover = models.ForeignKey(
        "accounts.RoleCover", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Overdue directions are chased the day after they fall due, then weekly
    # (oversight/reminders.py): the next chase day, and the claim of the run sending it.
    next_chase_on = models.DateField()
    chase_claimed_at = models.DateTimeField(null=True, blank=True)
    chased_at = models.DateTimeField(null=True, blank=True)
    chase_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [
            models.Index(fields=["officer", "status"], name="direction_officer_idx"),
            models.Index(fields=["case", "status"], name="direction_case_idx"),
            models.Index(
                fields=["next_chase_on"],
                name="direction_chase_idx",
                condition=Q(status__in=["open", "acknowledged"]),
            ),
        ]

    def __str__(self) -> str:
        return f"Direction #{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_DIRECTION_STATES


OPEN_DIRECTION_STATES = (Direction.Status.OPEN, Direction.Status.ACKNOWLEDGED)


class DirectionUpdate(models.Model):
    """The officer's update on a direction (append-only: each one is kept)."""

    direction = models.ForeignKey(Direction, on_delete=models.CASCADE, related_name="updates")
    text = models.TextField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    under_cover = models.ForeignKey(
        "accounts.RoleCover", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"Direction update #{self.pk}"


@pghistory.track()
class OversightReview(models.Model):
    """The tactical lead's periodic review of a high-risk case's investigation."""

    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="oversight_reviews"
    )
    summary = models.TextField()
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField()
    next_review_on = models.DateField()
    under_cover = models.ForeignKey(
        "accounts.RoleCover", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-reviewed_at", "-pk"]
        indexes = [models.Index(fields=["case", "-reviewed_at"], name="oversightreview_case_idx")]

    def __str__(self) -> str:
        return f"Oversight review #{self.pk}"

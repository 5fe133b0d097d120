"""What the app keeps about its own work: the reports of register and roster imports, and
the refresh reminders it has sent."""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.db import models
from django.db.models.functions import Now

from training.models.people import Team, Trainee
from training.models.programme import Course, Session


class ImportReport(models.Model):
    """One register or roster import and its report (the shape of `import_logs --json`), with
    the rows left for the trainer to resolve."""

    class Kind(models.TextChoices):
        REGISTER = "register", "Register"
        ROSTER = "roster", "Roster"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    session = models.ForeignKey(
        Session, null=True, blank=True, on_delete=models.CASCADE, related_name="imports"
    )
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.CASCADE, related_name="imports"
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(db_default=Now())
    report = models.JSONField(default=dict)

    class Meta:
        ordering = ["-at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind="register", session__isnull=False, team__isnull=True)
                    | models.Q(kind="roster", team__isnull=False, session__isnull=True)
                ),
                name="import_report_has_its_target",
            )
        ]

    def __str__(self) -> str:
        return f"Import report #{self.pk}"


@pghistory.track(exclude=["claimed_at"])
class RefreshReminder(models.Model):
    """A trainee's training for a course runs out on `expires_on`: told once, before it does."""

    trainee = models.ForeignKey(Trainee, on_delete=models.CASCADE, related_name="+")
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="+")
    expires_on = models.DateField()
    created_at = models.DateTimeField(db_default=Now())
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["trainee", "course", "expires_on"], name="refresh_reminder_once"
            )
        ]
        indexes = [
            models.Index(
                fields=["id"],
                name="refresh_unsent_idx",
                condition=models.Q(sent_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"Refresh reminder #{self.pk}"

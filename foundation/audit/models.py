"""The append-only access record: who consulted or disclosed what, when and why."""

import pgtrigger
from django.conf import settings
from django.db import models


class AccessRecord(models.Model):
    class Action(models.TextChoices):
        CONSULT = "consult", "Consult"
        DISCLOSE = "disclose", "Disclose"
        # A single sign-on through an agency's identity provider, let in or refused.
        SIGN_IN = "sign_in", "Sign-in"

    class Outcome(models.TextChoices):
        ALLOWED = "allowed", "Allowed"
        DENIED = "denied", "Denied"

    at = models.DateTimeField(db_default=models.functions.Now(), db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="access_records",
    )
    # Roles and agency as they were at the time: a later change of role must not rewrite history.
    roles = models.CharField(max_length=300, blank=True)
    agency_name = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=16, choices=Action.choices)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, default=Outcome.ALLOWED)
    # The model's label ("cases.case"), derived by the door; records written before that
    # carry older spellings ("case", "crime_log"), which the auditor's page maps (selectors).
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64)
    # What the door was asked for ("read", "change", a facet...); blank on older records.
    need = models.CharField(max_length=32, blank=True)
    justification = models.CharField(max_length=500, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    # The cover the user acted under, when a role check was answered only through it (the
    # coordinator acting for the tactical lead): who approved it and whom it covered.
    under_cover = models.ForeignKey(
        "accounts.RoleCover",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["user", "-at"]),
        ]
        triggers = [
            # Append-only at the database: no code path, bulk update or admin can rewrite it.
            pgtrigger.Protect(
                name="access_record_append_only",
                operation=pgtrigger.Update | pgtrigger.Delete,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.object_type} #{self.object_id}"

"""Restrictions on processing: restricted cases, break-glass access, restricted persons, and the
unusual access the auditor reviews (issue 19, docs/information-management-access.md).

A restriction is lifted by deleting its row; the history table keeps who restricted and lifted
it, and when. Personal data never appears in `__str__`: ids only.
"""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.db import models
from django.db.models.functions import Now

from cases.models.cases import Case
from cases.models.people import Person


# Inserts and deletes (a lift) are kept with who and when (pghistory context).
@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class CaseRestriction(models.Model):
    """A case only its named users may open (e.g. the suspect is a police officer)."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="restriction")
    reason = models.TextField()
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="restricted_cases", blank=True
    )
    restricted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    restricted_at = models.DateTimeField(db_default=Now())

    def __str__(self) -> str:
        return f"Case restriction #{self.pk}"


class BreakGlassAccess(models.Model):
    """Time-limited access to a case the user may not otherwise open, with their reason.

    Never opens ISAC casework (another data controller) or privileged legal notes.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="break_glass")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="break_glass"
    )
    reason = models.TextField()
    started_at = models.DateTimeField()
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-started_at", "-pk"]
        indexes = [
            models.Index(fields=["user", "case", "expires_at"], name="breakglass_user_case_idx"),
            models.Index(fields=["-started_at"], name="breakglass_started_idx"),
        ]

    def __str__(self) -> str:
        return f"Break-glass #{self.pk}"


# Inserts and deletes (a lift) are kept with who and when (pghistory context).
@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class PersonRestriction(models.Model):
    """DPA 2018 s.47: processing of this person's data is restricted. Only the information
    manager sees their records; a live high-risk case stays visible to the hub, their details
    withheld."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="restriction")
    reason = models.TextField()
    restricted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    restricted_at = models.DateTimeField(db_default=Now())

    def __str__(self) -> str:
        return f"Person restriction #{self.pk}"


class UnusualAccess(models.Model):
    """One finding of the daily unusual-access job, for the auditor to look into."""

    class Rule(models.TextChoices):
        NIGHT_CASES = "night_cases", "Many distinct cases consulted at night"
        DENIED_BURST = "denied_burst", "Many denied attempts within an hour"
        OWN_NAME = "own_name", "Opened a case naming a person with the user's name"

    rule = models.CharField(max_length=20, choices=Rule.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="unusual_access"
    )
    # The night, hour or day the finding is about (its start), in UTC.
    period_start = models.DateTimeField()
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    count = models.PositiveIntegerField(default=0)
    found_at = models.DateTimeField(db_default=Now())

    class Meta:
        ordering = ["-period_start", "rule", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "user", "period_start", "case"],
                name="unusual_access_unique",
                nulls_distinct=False,
            )
        ]

    def __str__(self) -> str:
        return f"Unusual access #{self.pk}"

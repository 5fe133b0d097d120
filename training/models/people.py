"""Who must train and who is in charge: areas, teams and their managers, the people on the
rosters (most without an account), champions and the hub staff's CPD."""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.urls import reverse

from foundation.accounts.models import Agency


def normalise_staff_number(value: str) -> str:
    """Staff and collar numbers compare without spaces and case: "pc 1234" is "PC1234"."""
    return "".join(value.split()).upper()


def normalise_email(value: str) -> str:
    return value.strip().lower()


class Area(models.Model):
    """A policing area, for teams and champions. Edited by the system administrator."""

    name = models.CharField(max_length=100, unique=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


@pghistory.track()
class Team(models.Model):
    """A team whose people must train (neighbourhood policing north, the force control room,
    a district council's community safety team...). Its managers see its compliance."""

    name = models.CharField(max_length=150)
    organisation = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    area = models.ForeignKey(
        Area, null=True, blank=True, on_delete=models.PROTECT, related_name="teams"
    )
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="managed_training_teams"
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="team_name_per_org")
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("training:team_detail", args=[self.pk])


@pghistory.track()
class Trainee(models.Model):
    """Someone who must train or has trained: on a team's roster, booked on a session, or
    named on a register. Linked to a user account when one matches (staff number or e-mail)."""

    class Source(models.TextChoices):
        ROSTER = "roster", "Team roster"
        REGISTER = "register", "Session register"
        BOOKING = "booking", "Booked by the trainer"
        ACCOUNT = "account", "User account"

    name = models.CharField(max_length=200)
    # Staff or collar number, normalised (no spaces, upper case); blank when unknown.
    staff_number = models.CharField(max_length=32, blank=True)
    email = models.EmailField(blank=True)
    role = models.CharField(max_length=100, blank=True)
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    organisation = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="trainee",
    )
    # A leaver stays for the record of their training but no longer counts in compliance.
    is_active = models.BooleanField(default=True)
    source = models.CharField(max_length=16, choices=Source.choices)
    created_at = models.DateTimeField(db_default=Now())
    updated_at = models.DateTimeField(db_default=Now())

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "staff_number"],
                condition=~Q(staff_number=""),
                name="trainee_staff_number_per_org",
            ),
            models.UniqueConstraint(
                fields=["email"], condition=~Q(email=""), name="trainee_email_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["staff_number"], name="trainee_staff_number_idx"),
            models.Index(fields=["team", "is_active"], name="trainee_team_idx"),
        ]

    def __str__(self) -> str:
        return f"Trainee #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("training:trainee_detail", args=[self.pk])

    @property
    def contact_email(self) -> str:
        return self.email or (self.user.email if self.user_id and self.user else "")


@pghistory.track()
class Requirement(models.Model):
    """A course that everyone in a role, a team or an organisation must hold (and keep)."""

    course = models.ForeignKey(
        "training.Course", on_delete=models.CASCADE, related_name="requirements"
    )
    # Exactly one target. A role compares without case with the roster's role column.
    role = models.CharField(max_length=100, blank=True)
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.CASCADE, related_name="requirements"
    )
    organisation = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(db_default=Now())

    class Meta:
        ordering = ["course__title", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    (~Q(role="") & Q(team__isnull=True) & Q(organisation__isnull=True))
                    | (Q(role="") & Q(team__isnull=False) & Q(organisation__isnull=True))
                    | (Q(role="") & Q(team__isnull=True) & Q(organisation__isnull=False))
                ),
                name="requirement_one_target",
            ),
            models.UniqueConstraint(
                fields=["course", "role"], condition=~Q(role=""), name="requirement_role_once"
            ),
            models.UniqueConstraint(
                fields=["course", "team"],
                condition=Q(team__isnull=False),
                name="requirement_team_once",
            ),
            models.UniqueConstraint(
                fields=["course", "organisation"],
                condition=Q(organisation__isnull=False),
                name="requirement_org_once",
            ),
        ]

    def __str__(self) -> str:
        return f"Requirement #{self.pk}"

    @property
    def target_label(self) -> str:
        if self.role:
            return f"Role: {self.role}"
        if self.team_id and self.team:
            return f"Team: {self.team.name}"
        if self.organisation_id and self.organisation:
            return f"Organisation: {self.organisation.name}"
        return ""


@pghistory.track()
class ChampionProfile(models.Model):
    """A DA & stalking champion's appointment. The champion is a user with the champion role;
    the *enhanced* qualification is the user's own flag, not recorded here twice."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="champion_profile"
    )
    area = models.ForeignKey(
        Area, null=True, blank=True, on_delete=models.PROTECT, related_name="champions"
    )
    appointed_on = models.DateField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    stood_down_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["area__name", "id"]

    def __str__(self) -> str:
        return f"Champion #{self.pk}"


@pghistory.track()
class CpdActivity(models.Model):
    """Continuing professional development: what, when, how long, and the evidence."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cpd_activities"
    )
    activity = models.CharField(max_length=200)
    done_on = models.DateField()
    hours = models.DecimalField(max_digits=5, decimal_places=2)
    evidence = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(db_default=Now())

    class Meta:
        verbose_name_plural = "CPD activities"
        ordering = ["-done_on", "-id"]
        indexes = [models.Index(fields=["user", "done_on"], name="cpd_user_date_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0) & Q(hours__lte=100), name="cpd_hours_positive"
            )
        ]

    def __str__(self) -> str:
        return f"CPD #{self.pk}"

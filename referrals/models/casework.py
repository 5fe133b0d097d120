"""ISAC casework on an accepted referral. It belongs to the ISAC service (a separate data
controller): the hub reads it only where the victim consented (DESIGN.md §4)."""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now

from cases.models import RiskLevel
from referrals.models.referrals import Referral


@pghistory.track()
class Contact(models.Model):
    """A contact with the victim, or an attempt at one: failed attempts matter too."""

    class Channel(models.TextChoices):
        PHONE = "phone", "Telephone"
        TEXT = "text", "Text message"
        EMAIL = "email", "E-mail"
        IN_PERSON = "in_person", "In person"
        VIDEO = "video", "Video call"
        LETTER = "letter", "Letter"
        OTHER = "other", "Other"

    class Outcome(models.TextChoices):
        MADE = "made", "Contact made"
        ATTEMPTED = "attempted", "Attempted, no contact"

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="contacts")
    contact_at = models.DateTimeField()
    channel = models.CharField(max_length=16, choices=Channel.choices)
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(db_default=Now())

    class Meta:
        ordering = ["-contact_at", "-id"]
        indexes = [models.Index(fields=["referral", "-contact_at"], name="contact_referral_idx")]

    def __str__(self) -> str:
        return f"Contact #{self.pk}"


@pghistory.track()
class SpecialistRiskAssessment(models.Model):
    """The ISAC's own judgement of risk: a level and the reasons for it."""

    referral = models.ForeignKey(
        Referral, on_delete=models.PROTECT, related_name="risk_assessments"
    )
    level = models.CharField(max_length=16, choices=RiskLevel.choices)
    rationale = models.TextField()
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assessed_at = models.DateTimeField(db_default=Now())

    class Meta:
        ordering = ["-assessed_at", "-id"]

    def __str__(self) -> str:
        return f"Specialist risk assessment #{self.pk}"


# Reminder bookkeeping changes often and says nothing about the plan itself.
_PLAN_REMINDER_FIELDS = ["review_reminded_at", "review_claimed_at"]


@pghistory.track(exclude=_PLAN_REMINDER_FIELDS)
class SafetyPlan(models.Model):
    """One version of the victim's safety plan. Saving makes a new version; old ones stay."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="safety_plans")
    version = models.PositiveIntegerField()
    is_current = models.BooleanField(default=True)
    measures = models.TextField()
    # Who does what: the victim, the ISAC, the police, other agencies.
    responsibilities = models.TextField()
    review_on = models.DateField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(db_default=Now())
    # The review-due reminder to the caseworker: once per version, claimed with a lease.
    review_reminded_at = models.DateTimeField(null=True, blank=True)
    review_claimed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["referral", "version"], name="safetyplan_version"),
            models.UniqueConstraint(
                fields=["referral"], condition=Q(is_current=True), name="safetyplan_one_current"
            ),
        ]
        indexes = [
            models.Index(
                fields=["review_on"],
                name="safetyplan_review_due_idx",
                condition=Q(is_current=True, review_reminded_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"Safety plan #{self.pk} v{self.version}"


@pghistory.track()
class SupportNeed(models.Model):
    class Kind(models.TextChoices):
        SECURITY = "security", "Home and personal security"
        HOUSING = "housing", "Housing"
        EMOTIONAL = "emotional", "Emotional support"
        HEALTH = "health", "Physical or mental health"
        JUSTICE = "justice", "Support through the justice process"
        DIGITAL = "digital", "Online and technology safety"
        FINANCIAL = "financial", "Money and benefits"
        CHILDREN = "children", "Children and family"
        WORK = "work", "Work or study"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        OPEN = "open", "Being worked on"
        MET = "met", "Met"
        UNMET = "unmet", "Could not be met"

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="support_needs")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    notes = models.TextField(blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(db_default=Now())

    class Meta:
        ordering = ["recorded_at", "id"]

    def __str__(self) -> str:
        return f"Support need #{self.pk}"


@pghistory.track()
class JusticeMilestone(models.Model):
    """A step in the criminal-justice process, as the advocate knows it."""

    class Kind(models.TextChoices):
        REPORTED = "reported", "Reported to the police"
        ARREST = "arrest", "Suspect arrested"
        CHARGE = "charge", "Suspect charged"
        COURT = "court", "Court hearing"
        SPO = "spo", "Stalking Protection Order"

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="milestones")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    happened_on = models.DateField()
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(db_default=Now())

    class Meta:
        ordering = ["happened_on", "id"]

    def __str__(self) -> str:
        return f"Justice milestone #{self.pk}"


_SCALE = [MinValueValidator(1), MaxValueValidator(5)]


@pghistory.track()
class OutcomeMeasure(models.Model):
    """The same three questions at intake and at exit, so the hub can see whether advocacy
    works: is the abuse continuing, how safe does the victim feel, how is their life."""

    class Stage(models.TextChoices):
        INTAKE = "intake", "Intake"
        EXIT = "exit", "Exit"

    class Abuse(models.TextChoices):
        CONTINUING = "continuing", "Continuing"
        REDUCED = "reduced", "Reduced"
        STOPPED = "stopped", "Stopped"

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="outcomes")
    stage = models.CharField(max_length=8, choices=Stage.choices)
    abuse = models.CharField(max_length=12, choices=Abuse.choices)
    # 1 (not at all safe / very poor) to 5 (completely safe / very good), as the victim says.
    feels_safe = models.PositiveSmallIntegerField(validators=_SCALE)
    quality_of_life = models.PositiveSmallIntegerField(validators=_SCALE)
    # The victim's confidence in the police response, 1 (none) to 5 (complete), or declined
    # to answer; both empty on answers recorded before the question was asked.
    police_confidence = models.PositiveSmallIntegerField(null=True, blank=True)
    confidence_declined = models.BooleanField(default=False)
    # Optional, in the victim's words as the ISAC records them; may become a learning point.
    what_would_have_helped = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(db_default=Now())

    class Meta:
        ordering = ["referral", "stage"]
        constraints = [
            models.UniqueConstraint(fields=["referral", "stage"], name="outcome_one_per_stage"),
            models.CheckConstraint(
                condition=Q(feels_safe__range=(1, 5), quality_of_life__range=(1, 5)),
                name="outcome_scales_1_to_5",
            ),
            models.CheckConstraint(
                condition=(
                    Q(police_confidence__isnull=True)
                    | Q(police_confidence__range=(1, 5), confidence_declined=False)
                ),
                name="outcome_confidence_1_to_5_or_declined",
            ),
        ]

    def __str__(self) -> str:
        return f"Outcome #{self.pk} ({self.stage})"

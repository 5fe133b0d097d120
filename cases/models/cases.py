"""Cases: the hub's file on one course of conduct, its logs, parties, shares and the reviews.

Personal data never appears in `__str__`, URLs or log lines: those use ids only.
"""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models.functions import Now

from cases.models.logs import CrimeLog
from cases.models.people import PartyRole, Person, Relationship, RiskLevel


@pghistory.track()
class Case(models.Model):
    """The hub's file on one course of conduct."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    class ClosureReason(models.TextChoices):
        STALKING_STOPPED = "stopped", "Stalking stopped"
        CONVICTED = "convicted", "Suspect convicted"
        ORDER_IN_PLACE = "order", "Protective order in place, risk managed"
        VICTIM_DISENGAGED = "disengaged", "Victim disengaged"
        TRANSFERRED = "transferred", "Transferred to another force"
        NOT_STALKING = "not_stalking", "Not stalking on review"
        OTHER = "other", "Other"

    reference = models.CharField(max_length=20, unique=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    relationship = models.CharField(
        max_length=20, choices=Relationship.choices, default=Relationship.UNKNOWN
    )
    summary = models.TextField(blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_cases"
    )
    officer_in_charge = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cases_in_charge",
    )
    cross_border_forces = ArrayField(models.CharField(max_length=64), default=list, blank=True)
    opened_at = models.DateTimeField(db_default=Now())
    closed_at = models.DateTimeField(null=True, blank=True)
    closure_reason = models.CharField(max_length=20, choices=ClosureReason.choices, blank=True)
    outcome_notes = models.TextField(blank=True)
    # The latest assessment's final level; kept by the risk services.
    current_risk = models.CharField(max_length=16, choices=RiskLevel.choices, blank=True)
    current_risk_at = models.DateTimeField(null=True, blank=True)
    logs = models.ManyToManyField(CrimeLog, through="CaseLog", related_name="cases")

    class Meta:
        ordering = ["-opened_at"]
        indexes = [models.Index(fields=["status", "-opened_at"], name="case_status_opened_idx")]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("cases:detail", args=[self.pk])


class CaseLog(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="case_logs")
    log = models.ForeignKey(CrimeLog, on_delete=models.PROTECT, related_name="case_links")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    added_at = models.DateTimeField(db_default=Now())

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "log"], name="caselog_unique")]

    def __str__(self) -> str:
        return f"Case log #{self.pk}"


class CaseParty(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="parties")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="case_parties")
    role = models.CharField(max_length=16, choices=PartyRole.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "person", "role"], name="caseparty_unique")
        ]

    def __str__(self) -> str:
        return f"Case party #{self.pk}"


class Facet(models.TextChoices):
    """What a case share opens to another agency: one vocabulary for every kind of share.

    A referral's "what is shared" ticks map onto these; a published clinic agenda carries its
    own set; each case panel declares the facet it discloses; risk, legal and the clinic read
    only the live shares' facets (docs/access.md, "Case shares and facets"). A live share
    always opens the case's existence and reason: the other facets come on top.
    """

    EXISTENCE = "existence", "The case's existence and reason"
    LOG_SUMMARIES = "log_summaries", "Crime log summaries"
    VICTIM_IDENTITY = "victim_identity", "The victim's identity and contact details"
    SUSPECT_DETAILS = "suspect_details", "The suspect's details"
    RISK_SUMMARY = "risk_summary", "The risk summary"
    RISK_FULL = "risk_full", "The full risk assessment"
    SAFETY_CONCERNS = "safety_concerns", "Specific safety concerns"
    ORDERS = "orders", "Orders and their terms"
    CLINIC_DISCUSSION = "clinic_discussion", "Clinic discussion"
    # Never shared by a referral: the tactical lead's plan and directions stay with the police.
    OVERSIGHT = "oversight", "Investigative oversight"


@pghistory.track()
class CaseShare(models.Model):
    """This case, shared with this agency, from when until when, opening these facets.

    `cases` knows nothing of why: the higher app that makes a share (a referral, a clinic
    agenda item) holds the foreign key to it and opens and ends it through
    `cases.services.sharing`. Visibility reads only this table.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="shares")
    agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="case_shares"
    )
    facets = ArrayField(models.CharField(max_length=32, choices=Facet), default=list, blank=True)
    shared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    shared_at = models.DateTimeField(db_default=Now())
    # A share may be opened ahead of its window (a clinic share lasts until a set day).
    ends_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["agency", "ended_at"], name="caseshare_agency_idx")]

    def __str__(self) -> str:
        return f"Case share #{self.pk}"


@pghistory.track()
class LogReview(models.Model):
    """The coordinator's decision on a log."""

    class Outcome(models.TextChoices):
        CONFIRMED = "confirmed", "Confirmed stalking"
        POSSIBLE = "possible", "Possible stalking — advice to the officer"
        NOT_STALKING = "not_stalking", "Not stalking"
        DUPLICATE = "duplicate", "Duplicate"

    log = models.OneToOneField(CrimeLog, on_delete=models.CASCADE, related_name="review")
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    advice = models.TextField(blank=True)
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="reviews"
    )
    duplicate_of = models.ForeignKey(
        CrimeLog, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    reviewed_at = models.DateTimeField(db_default=Now())

    def __str__(self) -> str:
        return f"Review #{self.pk}"

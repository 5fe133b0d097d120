"""A referral moves a case from the hub to another agency, with the victim's consent or a
recorded lawful reason for sharing without it. Every change of state is kept."""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.urls import reverse

from cases.models import Facet
from foundation.accounts.models import Agency

# Reminder bookkeeping changes often and says nothing about the referral itself.
_REMINDER_FIELDS = ["chased_at", "chase_count", "chase_claimed_at"]


# What each "what is shared" tick opens of the case (docs/access.md, "Case shares and facets").
ITEM_FACETS: dict[str, tuple[str, ...]] = {
    "case_summary": (Facet.EXISTENCE,),
    "victim_contact": (Facet.VICTIM_IDENTITY,),
    "risk_assessment": (Facet.RISK_SUMMARY, Facet.RISK_FULL),
    "crime_logs": (Facet.LOG_SUMMARIES,),
    "suspect_details": (Facet.SUSPECT_DETAILS,),
    "orders": (Facet.ORDERS,),
    "safety_concerns": (Facet.SAFETY_CONCERNS,),
}
# Before the agency accepts it sees enough to decide: the case's existence, reason and area,
# and the risk level; no identities (docs/referrals.md).
FACETS_BEFORE_ACCEPTANCE: tuple[str, ...] = (Facet.EXISTENCE, Facet.RISK_SUMMARY)


def facets_for_items(items: list[str]) -> list[str]:
    return sorted({facet for item in items for facet in ITEM_FACETS.get(item, ())})


@pghistory.track(exclude=_REMINDER_FIELDS)
class Referral(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        SENT = "sent", "Sent, awaiting a decision"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        ACTIVE = "active", "Active"
        CLOSED = "closed", "Closed"

    class Urgency(models.TextChoices):
        ROUTINE = "routine", "Routine"
        URGENT = "urgent", "Urgent"

    class Consent(models.TextChoices):
        GIVEN = "given", "The victim consented"
        REFUSED = "refused", "The victim refused"
        NOT_SOUGHT = "not_sought", "Consent was not sought"

    class LawfulBasis(models.TextChoices):
        """Why sharing without consent is lawful and necessary (our wording)."""

        RISK_OF_SERIOUS_HARM = "serious_harm", "Risk of serious harm to the victim or others"
        CRIME = "crime", "Preventing or detecting crime"
        SAFEGUARDING = "safeguarding", "Safeguarding a child or an adult at risk"
        LEGAL_DUTY = "legal_duty", "A legal duty or court order requires it"
        OTHER = "other", "Other (explained in the reason)"

    class SharedItem(models.TextChoices):
        CASE_SUMMARY = "case_summary", "Case summary"
        VICTIM_CONTACT = "victim_contact", "Victim's contact details"
        RISK_ASSESSMENT = "risk_assessment", "Hub risk assessment"
        CRIME_LOGS = "crime_logs", "Crime log summaries"
        SUSPECT_DETAILS = "suspect_details", "Suspect's details"
        ORDERS = "orders", "Orders and bail conditions"
        SAFETY_CONCERNS = "safety_concerns", "Specific safety concerns"

    class ClosureReason(models.TextChoices):
        SUPPORT_COMPLETED = "completed", "Support completed"
        DISENGAGED = "disengaged", "Victim disengaged"
        SUPPORT_DECLINED = "support_declined", "Victim declined further support"
        MOVED_AWAY = "moved_away", "Victim moved out of the area"
        TRANSFERRED = "transferred", "Transferred to another service"
        WITHDRAWN = "withdrawn", "Withdrawn by the hub"
        OTHER = "other", "Other"

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="referrals")
    agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="referrals_received"
    )
    state = models.CharField(max_length=16, choices=State.choices, default=State.DRAFT)
    urgency = models.CharField(max_length=16, choices=Urgency.choices, default=Urgency.ROUTINE)
    reason = models.TextField()
    consent = models.CharField(max_length=16, choices=Consent.choices)
    lawful_basis = models.CharField(max_length=20, choices=LawfulBasis.choices, blank=True)
    lawful_reason = models.TextField(blank=True)
    authorised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    shared_items = ArrayField(
        models.CharField(max_length=20, choices=SharedItem.choices), default=list, blank=True
    )
    shared_notes = models.TextField(blank=True)
    # The case share this referral opened with the agency (from sending until it ends).
    share = models.OneToOneField(
        "cases.CaseShare",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referral",
    )
    # How the receiving agency may and may not contact the victim (e.g. "never leave voicemail").
    safe_contact = models.TextField(blank=True)

    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="referrals_made"
    )
    created_at = models.DateTimeField(db_default=Now())
    state_changed_at = models.DateTimeField(db_default=Now())
    sent_at = models.DateTimeField(null=True, blank=True)
    # Two working days after sending (docs/referrals.md); a referral still SENT then is chased.
    response_due_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decline_reason = models.TextField(blank=True)
    caseworker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="isac_caseload",
    )
    allocated_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closure_reason = models.CharField(max_length=20, choices=ClosureReason.choices, blank=True)
    closure_notes = models.TextField(blank=True)

    # The overdue-response chase: at most once a day, claimed with a lease (DESIGN.md §5).
    chased_at = models.DateTimeField(null=True, blank=True)
    chase_count = models.PositiveIntegerField(default=0)
    chase_claimed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["agency", "state"], name="referral_agency_state_idx"),
            models.Index(fields=["case", "-created_at"], name="referral_case_idx"),
            models.Index(
                fields=["response_due_at"],
                name="referral_awaiting_idx",
                condition=Q(state="sent"),
            ),
        ]
        constraints = [
            # The consent rule, enforced by the database as well as the services: nothing
            # leaves draft without consent or a recorded lawful reason and its authoriser.
            models.CheckConstraint(
                condition=Q(state="draft")
                | Q(consent="given")
                | (~Q(lawful_basis="") & ~Q(lawful_reason="") & Q(authorised_by__isnull=False)),
                name="referral_shared_with_consent_or_lawful_reason",
            ),
            models.CheckConstraint(
                condition=~Q(state="declined") | ~Q(decline_reason=""),
                name="referral_declined_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(state="closed") | ~Q(closure_reason=""),
                name="referral_closed_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"Referral {self.reference}"

    def get_absolute_url(self) -> str:
        return reverse("referrals:detail", args=[self.pk])

    @property
    def reference(self) -> str:
        return f"RF-{self.pk:05d}" if self.pk else "RF-new"

    @property
    def is_isac(self) -> bool:
        """Addressed to a stalking advocacy service: casework hangs off it."""
        return self.agency.kind == Agency.Kind.ISAC_SERVICE

    @property
    def consent_given(self) -> bool:
        return self.consent == self.Consent.GIVEN

    @property
    def is_open(self) -> bool:
        return self.state not in {self.State.DECLINED, self.State.CLOSED}

    @property
    def shared_facets(self) -> list[str]:
        """The case facets the victim agreed to share (docs/access.md)."""
        return facets_for_items(self.shared_items)

    def get_shared_items_display(self) -> list[str]:
        return [self.SharedItem(item).label for item in self.shared_items]


class ReferralTransition(models.Model):
    """One change of a referral's state: the history behind time-in-state and the SLA."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="transitions")
    # Empty for the creation of the draft.
    from_state = models.CharField(max_length=16, choices=Referral.State.choices, blank=True)
    to_state = models.CharField(max_length=16, choices=Referral.State.choices)
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["referral", "at"], name="referral_transition_idx")]

    def __str__(self) -> str:
        return f"Referral transition #{self.pk}"

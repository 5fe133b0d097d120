"""Agenda items, partner research, decisions and minutes (docs/clinic.md)."""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.urls import reverse

from clinic.models.meetings import ClinicMeeting
from clinic.models.referrals import ClinicReferral


class DecisionType(models.Model):
    """Reference data the administrator keeps in the Django admin (pursue an SPO, MAPPA...).

    `key` is what a higher app's decision handler matches ("pursue_spo"); keep it stable.
    """

    key = models.SlugField(max_length=40, unique=True)
    label = models.CharField(max_length=120)
    is_active = models.BooleanField(default=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "label"]

    def __str__(self) -> str:
        return self.label


@pghistory.track()
class AgendaItem(models.Model):
    """A referral listed at a meeting, with its time slot; the discussion is recorded on it."""

    meeting = models.ForeignKey(ClinicMeeting, on_delete=models.PROTECT, related_name="items")
    referral = models.OneToOneField(
        ClinicReferral, on_delete=models.PROTECT, related_name="agenda_item"
    )
    # Kept with the referral's case for the scoped lists (one join fewer).
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    position = models.PositiveIntegerField(default=0)
    slot_starts_at = models.DateTimeField()
    # The coordinator fixed it here: allocation never moves it.
    pinned = models.BooleanField(default=False)
    # The case shares the published agenda opened, one per invited agency (docs/access.md).
    shares = models.ManyToManyField("cases.CaseShare", blank=True, related_name="+")
    # At the meeting (locked once the minutes are approved).
    discussion = models.TextField(blank=True)
    victim_voice = models.TextField(blank=True)
    created_at = models.DateTimeField(db_default=Now())

    class Meta:
        ordering = ["meeting", "position", "id"]
        indexes = [models.Index(fields=["meeting", "position"], name="agendaitem_slot_idx")]

    def __str__(self) -> str:
        return f"Agenda item #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("clinic:item_detail", args=[self.pk])


@pghistory.track()
class Research(models.Model):
    """One agency's research summary on one agenda case, recorded before the meeting."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="research")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    summary = models.TextField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(db_default=Now())

    class Meta:
        ordering = ["agency__name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["item", "agency"], name="research_one_per_agency")
        ]

    def __str__(self) -> str:
        return f"Research #{self.pk}"


@pghistory.track()
class Decision(models.Model):
    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="decisions")
    decision_type = models.ForeignKey(DecisionType, on_delete=models.PROTECT, related_name="+")
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(db_default=Now())

    class Meta:
        ordering = ["recorded_at", "id"]

    def __str__(self) -> str:
        return f"Decision #{self.pk}"


@pghistory.track()
class Minutes(models.Model):
    """A meeting's minutes: drafted during it, approved by the chair, then locked."""

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        APPROVED = "approved", "Approved"

    meeting = models.OneToOneField(ClinicMeeting, on_delete=models.PROTECT, related_name="minutes")
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    general_notes = models.TextField(blank=True)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(db_default=Now())
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "minutes"
        constraints = [
            models.CheckConstraint(
                condition=Q(state="draft")
                | Q(approved_by__isnull=False, approved_at__isnull=False),
                name="minutes_approved_has_approver",
            )
        ]

    def __str__(self) -> str:
        return f"Minutes #{self.pk}"

    @property
    def is_locked(self) -> bool:
        return self.state == self.State.APPROVED


class MinutesAmendment(models.Model):
    """A correction to approved minutes: a new, attributed entry; the minutes stay as approved."""

    minutes = models.ForeignKey(Minutes, on_delete=models.PROTECT, related_name="amendments")
    item = models.ForeignKey(
        AgendaItem, null=True, blank=True, on_delete=models.PROTECT, related_name="amendments"
    )
    text = models.TextField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(db_default=Now())

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"Minutes amendment #{self.pk}"

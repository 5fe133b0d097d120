"""The SPO legal workflow: order files, hearings, orders and their terms, notifications,
breaches and breach candidates, events and reminders (docs/legal.md).

Personal data never appears in `__str__`, URLs or log lines: those use ids only. The file's
`privileged_notes` are legal advice: only the solicitor role reads them (legal/permissions.py).
"""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now


class OrderKind(models.TextChoices):
    SPO = "spo", "Stalking Protection Order"
    INTERIM_SPO = "interim_spo", "Interim SPO only"
    RESTRAINING = "restraining", "Restraining order"
    NON_MOLESTATION = "non_molestation", "Non-molestation order"
    OTHER = "other", "Other order"


SPO_KINDS = (OrderKind.SPO, OrderKind.INTERIM_SPO)


class FileState(models.TextChoices):
    CONSIDERING = "considering", "Considering"
    PREPARING = "preparing", "Preparing"
    APPLIED = "applied", "Applied"
    INTERIM = "interim", "Interim order in force"
    IN_FORCE = "in_force", "Order in force"
    ENDED = "ended", "Ended"


class EndedReason(models.TextChoices):
    NOT_APPLIED = "not_applied", "Decided not to apply"
    REFUSED = "refused", "Refused"
    WITHDRAWN = "withdrawn", "Withdrawn"
    DISCHARGED = "discharged", "Discharged"
    EXPIRED = "expired", "Expired"


class ForceBasis(models.TextChoices):
    """SPA 2019 s.1: a chief officer may apply for a respondent who..."""

    LIVES_IN = "lives_in", "Lives in the force area"
    IS_IN = "is_in", "Is in the force area"
    COMING_TO = "coming_to", "Is believed to be in or coming to the force area"


# Who holds the order: the states in which an order protects someone.
IN_FORCE_STATES = (FileState.INTERIM, FileState.IN_FORCE)


# Privileged notes stay out of the change history: its readers are not all solicitors.
@pghistory.track(exclude=["privileged_notes"])
class OrderFile(models.Model):
    """One case's order file against one respondent (the suspect)."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="order_files")
    respondent = models.ForeignKey("cases.Person", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=16, choices=OrderKind, default=OrderKind.SPO)
    state = models.CharField(max_length=16, choices=FileState)
    ended_reason = models.CharField(max_length=16, choices=EndedReason, blank=True)
    # A decision not to apply is always explained ("high risk but no SPO").
    not_applied_reasons = models.TextField(blank=True)
    # SPA 2019 s.1: the applying chief officer's force and its basis.
    applying_force = models.CharField(max_length=100, blank=True)
    force_basis = models.CharField(max_length=16, choices=ForceBasis, blank=True)
    other_force_liaison = models.TextField(
        blank=True, help_text="When another force applies: who liaises, and how."
    )
    # The solicitor in charge (none yet: a file the clinic opened, until one takes it).
    solicitor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="order_files",
    )
    protected_persons = models.ManyToManyField("cases.Person", related_name="+", blank=True)
    # Legal advice: privileged. The solicitor role only (never the admin, never a search).
    privileged_notes = models.TextField(blank=True)
    # Sexual Offences Act 2003 Part 2 notification (SPA 2019 s.9 exemption).
    soa_notification_from = models.DateField(null=True, blank=True)
    soa_notification_to = models.DateField(null=True, blank=True)
    # The date the order was put on the Police National Computer (reminded until filled).
    pnc_entered_on = models.DateField(null=True, blank=True)
    # The application pack's text, written by the solicitor (never copied from a narrative).
    pack_summary = models.TextField(blank=True)
    pack_acts = models.TextField(blank=True)
    pack_proposed_terms = models.TextField(blank=True)
    clinic_decision_id = models.PositiveIntegerField(null=True, blank=True, unique=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(db_default=Now())
    # Dates of the state's own events (the figures count each on its own date).
    applied_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_at", "-pk"]
        indexes = [models.Index(fields=["state"], name="orderfile_state_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state="ended") | ~Q(ended_reason=""),
                name="orderfile_ended_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(ended_reason="not_applied") | ~Q(not_applied_reasons=""),
                name="orderfile_not_applied_explained",
            ),
            # One live SPO file per case and respondent (concurrent openings cannot both win).
            models.UniqueConstraint(
                fields=["case", "respondent"],
                condition=Q(kind__in=["spo", "interim_spo"]) & ~Q(state="ended"),
                name="orderfile_one_live_spo_file",
            ),
        ]

    def __str__(self) -> str:
        return f"Order file #{self.pk}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("legal:file", args=[self.pk])

    @property
    def is_spo(self) -> bool:
        return self.kind in SPO_KINDS


@pghistory.track()
class Hearing(models.Model):
    class Kind(models.TextChoices):
        INTERIM = "interim", "Interim order"
        FULL = "full", "Full order"
        VARIATION = "variation", "Variation"
        RENEWAL = "renewal", "Renewal"
        DISCHARGE = "discharge", "Discharge"
        APPEAL = "appeal", "Appeal (Crown Court)"
        BREACH = "breach", "Breach"

    class Outcome(models.TextChoices):
        PENDING = "", "Not yet heard"
        GRANTED = "granted", "Granted"
        REFUSED = "refused", "Refused"
        ADJOURNED = "adjourned", "Adjourned"
        WITHDRAWN = "withdrawn", "Withdrawn"
        OTHER = "other", "Other (see notes)"

    file = models.ForeignKey(OrderFile, on_delete=models.CASCADE, related_name="hearings")
    court = models.CharField(max_length=200)
    starts_at = models.DateTimeField()
    kind = models.CharField(max_length=16, choices=Kind.choices)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True)
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["starts_at"], name="hearing_starts_idx")]

    def __str__(self) -> str:
        return f"Hearing #{self.pk}"


@pghistory.track()
class ProtectiveOrder(models.Model):
    """An order the court made (or, for other orders, that the file records)."""

    class Kind(models.TextChoices):
        FULL = "full", "Full SPO"
        INTERIM = "interim", "Interim SPO"
        OTHER = "other", "Other order"

    file = models.ForeignKey(OrderFile, on_delete=models.PROTECT, related_name="orders")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    made_on = models.DateField()
    court = models.CharField(max_length=200, blank=True)
    # None: until further order (a full SPO, s.3) — an interim order always has an end (s.5).
    fixed_end_on = models.DateField(null=True, blank=True)
    served_on = models.DateField(null=True, blank=True)
    # The interim order this full order replaces (no second notification, s.9).
    replaces = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaced_by"
    )
    ended_on = models.DateField(null=True, blank=True)
    ended_reason = models.CharField(max_length=16, choices=EndedReason, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(db_default=Now())

    class Meta:
        ordering = ["made_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(served_on__isnull=True) | Q(served_on__gte=models.F("made_on")),
                name="order_served_after_made",
            ),
            models.CheckConstraint(
                condition=~Q(kind="interim") | Q(fixed_end_on__isnull=False),
                name="order_interim_has_end",
            ),
        ]

    def __str__(self) -> str:
        return f"Order #{self.pk}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("legal:order", args=[self.pk])

    @property
    def is_in_force(self) -> bool:
        return self.ended_on is None


@pghistory.track()
class OrderTerm(models.Model):
    class Kind(models.TextChoices):
        PROHIBITION = "prohibition", "Prohibition"
        REQUIREMENT = "requirement", "Requirement"

    order = models.ForeignKey(ProtectiveOrder, on_delete=models.CASCADE, related_name="terms")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    wording = models.TextField()
    area = models.CharField(max_length=200, blank=True)
    ends_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["kind", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(wording=""), name="orderterm_has_wording")
        ]

    def __str__(self) -> str:
        return f"Order term #{self.pk}"


@pghistory.track()
class Notification(models.Model):
    """A notification period (SPA 2019 ss.9-10): its start, due date, and when it happened."""

    class Trigger(models.TextChoices):
        SERVICE = "service", "Order served"
        NEW_NAME = "new_name", "New name first used"
        ADDRESS = "address", "Home address changed"

    order = models.ForeignKey(
        ProtectiveOrder, on_delete=models.CASCADE, related_name="notifications"
    )
    trigger = models.CharField(max_length=16, choices=Trigger.choices)
    starts_on = models.DateField()
    # None when exempt (see `exemption`).
    due_on = models.DateField(null=True, blank=True)
    exemption = models.CharField(max_length=20, blank=True)
    notified_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["starts_on", "pk"]
        indexes = [
            models.Index(
                fields=["due_on"], name="notification_open_idx", condition=Q(notified_on=None)
            )
        ]

    def __str__(self) -> str:
        return f"Notification #{self.pk}"


class PoliceResponse(models.TextChoices):
    NONE = "", "No response recorded"
    CHARGED = "charged", "Charged"
    CAUTIONED = "cautioned", "Cautioned"
    NFA = "nfa", "No further action"
    CONVICTED = "convicted", "Convicted"
    SENTENCED = "sentenced", "Sentenced"


@pghistory.track()
class Breach(models.Model):
    """A breach of an order (SPA 2019 s.8 for an SPO or interim SPO), against the crime log
    that records it; linked to the log when the sweep imports it."""

    order = models.ForeignKey(ProtectiveOrder, on_delete=models.PROTECT, related_name="breaches")
    occurred_on = models.DateField()
    log_source = models.CharField(max_length=32)
    log_reference = models.CharField(max_length=64)
    log = models.ForeignKey(
        "cases.CrimeLog", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    response = models.CharField(max_length=16, choices=PoliceResponse, blank=True)
    sentence = models.CharField(max_length=200, blank=True)
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(db_default=Now())

    class Meta:
        ordering = ["-occurred_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["order", "log_source", "log_reference"], name="breach_once_per_log"
            )
        ]
        indexes = [
            models.Index(
                fields=["log_source", "log_reference"],
                name="breach_unlinked_idx",
                condition=Q(log=None),
            )
        ]

    def __str__(self) -> str:
        return f"Breach #{self.pk}"


class BreachCandidate(models.Model):
    """A newly imported log the sweep flags as a possible breach, naming as suspect a
    respondent with an order in force: the solicitor confirms or dismisses it."""

    class State(models.TextChoices):
        PENDING = "pending", "To confirm"
        CONFIRMED = "confirmed", "Confirmed as a breach"
        DISMISSED = "dismissed", "Dismissed"

    order = models.ForeignKey(
        ProtectiveOrder, on_delete=models.CASCADE, related_name="breach_candidates"
    )
    log = models.ForeignKey("cases.CrimeLog", on_delete=models.CASCADE, related_name="+")
    state = models.CharField(max_length=16, choices=State.choices, default=State.PENDING)
    found_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["found_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["order", "log"], name="breachcandidate_once")
        ]

    def __str__(self) -> str:
        return f"Breach candidate #{self.pk}"


class LegalEvent(models.Model):
    """The file's timeline: each state change and event, with whether the victim was told."""

    class Kind(models.TextChoices):
        STATE = "state", "State changed"
        ORDER_MADE = "order_made", "Order made"
        SERVICE = "service", "Order served"
        VARIATION = "variation", "Order varied"
        RENEWAL = "renewal", "Order renewed"
        APPEAL = "appeal", "Appeal (Crown Court)"
        NOTIFICATION = "notification", "Notification"
        BREACH = "breach", "Breach"
        BAIL_BREACH = "bail_breach", "Bail breach"
        ORDER_ENDED = "order_ended", "Order ended"
        NOTE = "note", "Note"

    file = models.ForeignKey(OrderFile, on_delete=models.CASCADE, related_name="timeline")
    order = models.ForeignKey(
        ProtectiveOrder, null=True, blank=True, on_delete=models.CASCADE, related_name="timeline"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    on = models.DateField()
    # A state change: where it led, and why a file ended (the figures count these).
    to_state = models.CharField(max_length=16, choices=FileState, blank=True)
    ended_reason = models.CharField(max_length=16, choices=EndedReason, blank=True)
    summary = models.CharField(max_length=300)
    victim_told_on = models.DateField(null=True, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(db_default=Now())

    class Meta:
        ordering = ["-on", "-pk"]
        indexes = [models.Index(fields=["kind", "on"], name="legalevent_kind_on_idx")]

    def __str__(self) -> str:
        return f"Legal event #{self.pk}"


class Reminder(models.Model):
    """One reminder to send once (legal/reminders.py claims it with a lease)."""

    class Kind(models.TextChoices):
        HEARING_WEEK = "hearing_7d", "Hearing in 7 days"
        HEARING_DAY = "hearing_1d", "Hearing tomorrow"
        RENEWAL_3M = "renewal_3m", "Renewal review: 3 months to the end"
        RENEWAL_1M = "renewal_1m", "Renewal review: 1 month to the end"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    file = models.ForeignKey(OrderFile, on_delete=models.CASCADE, related_name="reminders")
    hearing = models.ForeignKey(
        Hearing, null=True, blank=True, on_delete=models.CASCADE, related_name="reminders"
    )
    order = models.ForeignKey(
        ProtectiveOrder, null=True, blank=True, on_delete=models.CASCADE, related_name="reminders"
    )
    send_on = models.DateField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["send_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "hearing"],
                name="reminder_once_per_hearing",
                condition=Q(hearing__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["kind", "order"],
                name="reminder_once_per_order",
                condition=Q(order__isnull=False),
            ),
        ]
        indexes = [
            models.Index(fields=["send_on"], name="reminder_due_idx", condition=Q(sent_at=None))
        ]

    def __str__(self) -> str:
        return f"Legal reminder #{self.pk}"

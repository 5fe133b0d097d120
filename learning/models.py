"""Organisational learning: training targeted at a team from the recording-gap report, and
learning points raised from the hub's work. No personal data in `__str__` or URLs."""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.urls import reverse


@pghistory.track()
class TargetedTraining(models.Model):
    """A team invited to a session of a course from the recording-gap report. The session's
    date is the training date of the before-and-after comparison."""

    team = models.ForeignKey("training.Team", on_delete=models.CASCADE, related_name="+")
    session = models.ForeignKey("training.Session", on_delete=models.CASCADE, related_name="+")
    booked = models.PositiveIntegerField(default=0)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(db_default=Now())

    class Meta:
        ordering = ["-at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["team", "session"], name="targeted_training_once")
        ]

    def __str__(self) -> str:
        return f"Targeted training #{self.pk}"


class Theme(models.TextChoices):
    RECORDING = "recording", "Recording"
    RISK_ASSESSMENT = "risk_assessment", "Risk assessment"
    INVESTIGATION = "investigation", "Investigation"
    SAFEGUARDING = "safeguarding", "Safeguarding"
    SPO_LEGAL = "spo_legal", "SPO / legal"
    PARTNERSHIP = "partnership", "Partnership"
    VICTIM_VOICE = "victim_voice", "Victim voice"


class SourceKind(models.TextChoices):
    LOG_REVIEW = "log_review", "Log review"
    CLINIC_DECISION = "clinic_decision", "Clinic decision"
    SPO_OUTCOME = "spo_outcome", "SPO outcome"
    ADVICE_REQUEST = "advice_request", "Advice request"
    CASE_CLOSURE = "case_closure", "Case closure"
    ISAC_FEEDBACK = "isac_feedback", "ISAC feedback"


# Where each kind of source opens: its own page, behind its own door.
SOURCE_URLS = {
    SourceKind.LOG_REVIEW: "cases:log_detail",
    SourceKind.CLINIC_DECISION: "clinic:referral_detail",
    SourceKind.SPO_OUTCOME: "legal:file",
    SourceKind.ADVICE_REQUEST: "referrals:advice_detail",
    SourceKind.CASE_CLOSURE: "cases:detail",
    SourceKind.ISAC_FEEDBACK: "referrals:casework",
}


@pghistory.track()
class LearningPoint(models.Model):
    """A short lesson written to be shared, with where it came from."""

    class State(models.TextChoices):
        PROPOSED = "proposed", "Awaiting triage"
        ACCEPTED = "accepted", "Accepted"
        MERGED = "merged", "Merged into another"
        DISMISSED = "dismissed", "Dismissed"

    theme = models.CharField(max_length=20, choices=Theme)
    source_kind = models.CharField(max_length=20, choices=SourceKind)
    # The source record's id (a log, clinic referral, order file, advice request, case or
    # referral, by source kind) and, where there is one, the case and the log it concerns:
    # the parties the leak check reads.
    source_id = models.PositiveBigIntegerField()
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    log = models.ForeignKey(
        "cases.CrimeLog", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField()
    state = models.CharField(max_length=12, choices=State.choices, default=State.PROPOSED)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_points"
    )
    dismissal_reason = models.TextField(blank=True)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    raised_at = models.DateTimeField(db_default=Now())
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    triaged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-raised_at", "-id"]
        indexes = [models.Index(fields=["state", "theme"], name="learningpoint_state_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(state="merged", merged_into__isnull=False) | ~Q(state="merged"),
                name="learningpoint_merged_has_target",
            ),
            models.CheckConstraint(
                condition=~Q(state="dismissed") | ~Q(dismissal_reason=""),
                name="learningpoint_dismissed_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"Learning point #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("learning:point", args=[self.pk])

    @property
    def source_url(self) -> str:
        return reverse(SOURCE_URLS[SourceKind(self.source_kind)], args=[self.source_id])


class Audience(models.TextChoices):
    ALL_CHAMPIONS = "champions", "All champions"
    ENHANCED_CHAMPIONS = "enhanced", "Enhanced champions"
    TEAM = "team", "A team"
    AREA_OFFICERS = "area", "The officers of an area"
    HUB_STAFF = "hub_staff", "Hub staff"
    EVERYONE = "everyone", "Everyone"


@pghistory.track()
class Bulletin(models.Model):
    """A bulletin composed from accepted learning points, published once to an audience."""

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    title = models.CharField(max_length=200)
    # Plain text with simple formatting (learning/formatting.py); never rendered as HTML.
    body = models.TextField()
    points = models.ManyToManyField(LearningPoint, related_name="bulletins")
    audience = models.CharField(max_length=16, choices=Audience)
    team = models.ForeignKey(
        "training.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    area = models.ForeignKey(
        "training.Area", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(max_length=12, choices=State.choices, default=State.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(db_default=Now())
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(audience="team") | Q(team__isnull=False),
                name="bulletin_team_audience_has_team",
            ),
            models.CheckConstraint(
                condition=~Q(audience="area") | Q(area__isnull=False),
                name="bulletin_area_audience_has_area",
            ),
        ]

    def __str__(self) -> str:
        return f"Bulletin #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("learning:bulletin", args=[self.pk])


class BulletinRecipient(models.Model):
    """One reader of a published bulletin: the e-mail (a link only), sent once under a lease,
    and the reader's acknowledgement, counted once towards CPD."""

    bulletin = models.ForeignKey(Bulletin, on_delete=models.CASCADE, related_name="recipients")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bulletins_received"
    )
    email_claimed_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    cpd_activity = models.ForeignKey(
        "training.CpdActivity", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["bulletin", "user"], name="bulletin_recipient_once")
        ]
        indexes = [
            models.Index(
                fields=["bulletin"],
                condition=Q(emailed_at__isnull=True),
                name="bulletin_unsent_idx",
            ),
            models.Index(fields=["user", "bulletin"], name="bulletin_reader_idx"),
        ]

    def __str__(self) -> str:
        return f"Bulletin recipient #{self.pk}"


class GapSummaryRow(models.Model):
    """The recording-gap figures of one (officer field, area, month) as last computed
    (learning/summary.py): the team report reads these rows, never the crime logs.

    Keyed by the log's officer field as written, not by team: the officer is matched to a
    roster when the report is read, so a roster change shows at once and only the logs and
    the hub's decisions make a row stale."""

    officer = models.CharField(max_length=254, blank=True)
    area = models.CharField(max_length=64, blank=True)
    month = models.DateField()  # the first day of a calendar month in Europe/London
    decided = models.PositiveIntegerField(default=0)
    tagged = models.PositiveIntegerField(default=0)
    assessed = models.PositiveIntegerField(default=0)  # risk assessment within 7 days
    decision_seconds = models.FloatField(default=0)  # the sum, recording to decision
    computed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["month", "officer", "area"], name="gapsummary_month_officer_area"
            )
        ]

    def __str__(self) -> str:
        return f"Recording gaps {self.month:%Y-%m} #{self.pk}"


class GapSummaryMonth(models.Model):
    """When the rows of one month were last computed (a month with no decided logs has no
    rows but is computed all the same): the report says how fresh its figures are."""

    month = models.DateField(primary_key=True)
    computed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Recording gaps {self.month:%Y-%m} computed"

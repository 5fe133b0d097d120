"""The programme: courses, their sessions, and who booked, attended and completed them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.urls import reverse
from django.utils import timezone

from training.models.people import Trainee

# Reminder bookkeeping changes often and says nothing about the session or the booking.
_SESSION_REMINDER_FIELDS = ["underbooked_sent_at", "underbooked_claimed_at"]
_ENROLMENT_REMINDER_FIELDS = ["no_show_sent_at", "no_show_claimed_at"]


@pghistory.track()
class Course(models.Model):
    title = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    # Who it is for, in words ("control-room supervisors and staff").
    audience = models.CharField(max_length=200, blank=True)
    duration_hours = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal(3))
    cpd_hours = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal(0))
    # How long a completion counts (e.g. 24: refresh every two years); blank: it never expires.
    validity_months = models.PositiveSmallIntegerField(null=True, blank=True)
    # Bookings below this a week before a session warn the trainer; blank: half the capacity.
    minimum_bookings = models.PositiveSmallIntegerField(null=True, blank=True)
    # Attending completes the course (most face-to-face sessions); if not, the trainer marks
    # completion separately (e.g. after an assessment).
    attendance_completes = models.BooleanField(default=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(db_default=Now())

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("training:course_detail", args=[self.pk])

    @property
    def validity_label(self) -> str:
        if not self.validity_months:
            return "Does not expire"
        if self.validity_months % 12 == 0:
            years = self.validity_months // 12
            return f"Refresh every {years} year{'s' if years > 1 else ''}"
        return f"Refresh every {self.validity_months} months"


@pghistory.track(exclude=_SESSION_REMINDER_FIELDS)
class Session(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        CANCELLED = "cancelled", "Cancelled"

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="sessions")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    trainer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="training_sessions",
    )
    is_online = models.BooleanField(default=False)
    # The room and building, or how to join online (never a personal detail).
    location = models.CharField(max_length=300)
    capacity = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.SCHEDULED)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancellation_reason = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(db_default=Now())
    # The under-booked warning a week before: once, claimed with a lease (DESIGN.md §5).
    underbooked_sent_at = models.DateTimeField(null=True, blank=True)
    underbooked_claimed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["starts_at"], name="session_starts_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="session_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(capacity__gt=0), name="session_capacity_positive"),
        ]

    def __str__(self) -> str:
        return f"Session #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("training:session_detail", args=[self.pk])

    @property
    def reference(self) -> str:
        return f"TS-{self.pk:05d}" if self.pk else "TS-new"

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def local_date(self) -> date:
        return timezone.localdate(self.starts_at)

    @property
    def local_end_date(self) -> date:
        return timezone.localdate(self.ends_at)

    @property
    def minimum_bookings(self) -> int:
        """The course's minimum, or half the capacity (rounded up) when it sets none."""
        if self.course.minimum_bookings is not None:
            return self.course.minimum_bookings
        return (self.capacity + 1) // 2


@pghistory.track(exclude=_ENROLMENT_REMINDER_FIELDS)
class Enrolment(models.Model):
    """A place on a session and what became of it."""

    class Status(models.TextChoices):
        REGISTERED = "registered", "Registered"
        ATTENDED = "attended", "Attended"
        COMPLETED = "completed", "Completed"
        DID_NOT_ATTEND = "did_not_attend", "Did not attend"
        CANCELLED = "cancelled", "Booking cancelled"

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="enrolments")
    trainee = models.ForeignKey(Trainee, on_delete=models.PROTECT, related_name="enrolments")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.REGISTERED)
    booked_at = models.DateTimeField(db_default=Now())
    status_changed_at = models.DateTimeField(db_default=Now())
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The no-show notice: once, claimed with a lease.
    no_show_sent_at = models.DateTimeField(null=True, blank=True)
    no_show_claimed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["session__starts_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "trainee"], name="enrolment_once_per_session"
            )
        ]
        indexes = [models.Index(fields=["trainee", "status"], name="enrolment_trainee_idx")]

    def __str__(self) -> str:
        return f"Enrolment #{self.pk}"

    @property
    def holds_a_place(self) -> bool:
        return self.status != self.Status.CANCELLED


# The statuses that hold a place on a session (capacity counts them).
PLACE_HOLDING = [
    Enrolment.Status.REGISTERED,
    Enrolment.Status.ATTENDED,
    Enrolment.Status.COMPLETED,
    Enrolment.Status.DID_NOT_ATTEND,
]


def completion_q(prefix: str = "") -> Q:
    """Bookings that complete their course: *completed*, or *attended* where attending does.
    `prefix` reaches the enrolment from another model (e.g. "enrolments__")."""
    return Q(**{f"{prefix}status": Enrolment.Status.COMPLETED}) | Q(
        **{
            f"{prefix}status": Enrolment.Status.ATTENDED,
            f"{prefix}session__course__attendance_completes": True,
        }
    )

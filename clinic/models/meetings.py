"""Clinic schedules, meetings and who is invited (docs/clinic.md)."""

from __future__ import annotations

import uuid

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.urls import reverse


@pghistory.track()
class ClinicSchedule(models.Model):
    """A recurring clinic: it generates meetings ahead (HUB_CLINIC_GENERATE_MONTHS)."""

    class Frequency(models.TextChoices):
        WEEKLY = "weekly", "Weekly"
        FORTNIGHTLY = "fortnightly", "Fortnightly"
        MONTHLY = "monthly", "Monthly, on the nth weekday"

    class Weekday(models.IntegerChoices):
        MONDAY = 0, "Monday"
        TUESDAY = 1, "Tuesday"
        WEDNESDAY = 2, "Wednesday"
        THURSDAY = 3, "Thursday"
        FRIDAY = 4, "Friday"

    class Nth(models.IntegerChoices):
        FIRST = 1, "First"
        SECOND = 2, "Second"
        THIRD = 3, "Third"
        FOURTH = 4, "Fourth"
        LAST = -1, "Last"

    class BankHolidayRule(models.TextChoices):
        SKIP = "skip", "Skip the meeting"
        MOVE = "move", "Move it to the next working day"

    name = models.CharField(max_length=120)
    frequency = models.CharField(max_length=12, choices=Frequency.choices)
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    # Monthly schedules only: which of the month's weekdays.
    nth = models.SmallIntegerField(choices=Nth.choices, null=True, blank=True)
    # Local (Europe/London) wall-clock time: it holds across the clock changes.
    start_time = models.TimeField()
    duration_minutes = models.PositiveIntegerField(default=180)
    location = models.CharField(max_length=200, blank=True)
    video_link = models.URLField(blank=True)
    capacity = models.PositiveIntegerField()
    minutes_per_case = models.PositiveIntegerField(default=15)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    bank_holiday_rule = models.CharField(
        max_length=8, choices=BankHolidayRule.choices, default=BankHolidayRule.MOVE
    )
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Invited to every meeting the schedule generates (external attendees are per meeting).
    standing_invitees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+"
    )
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(db_default=Now())

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gt=0), name="clinicschedule_capacity"),
            models.CheckConstraint(
                condition=~Q(frequency="monthly") | Q(nth__isnull=False),
                name="clinicschedule_monthly_has_nth",
            ),
        ]

    def __str__(self) -> str:
        return f"Clinic schedule #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("clinic:schedule_detail", args=[self.pk])


@pghistory.track()
class ClinicMeeting(models.Model):
    class Kind(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        ONE_OFF = "one_off", "One-off"
        EMERGENCY = "emergency", "Emergency"

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        CANCELLED = "cancelled", "Cancelled"

    schedule = models.ForeignKey(
        ClinicSchedule, null=True, blank=True, on_delete=models.PROTECT, related_name="meetings"
    )
    # The schedule's date this meeting stands for (before any bank-holiday move or reschedule):
    # generating again never makes it twice.
    occurrence_on = models.DateField(null=True, blank=True)
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.SCHEDULED)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.SCHEDULED)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    location = models.CharField(max_length=200, blank=True)
    video_link = models.URLField(blank=True)
    capacity = models.PositiveIntegerField()
    minutes_per_case = models.PositiveIntegerField(default=15)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Why the date differs from the schedule's (a bank holiday), for the meeting page.
    note = models.CharField(max_length=200, blank=True)
    # The calendar identity: UID stable across updates, SEQUENCE up by one per change (RFC 5545).
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0)
    agenda_published_at = models.DateTimeField(null=True, blank=True)
    agenda_published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(db_default=Now())

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["status", "starts_at"], name="clinicmeeting_when_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gt=0), name="clinicmeeting_capacity"),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="clinicmeeting_ends_after_start",
            ),
            models.UniqueConstraint(
                fields=["schedule", "occurrence_on"],
                condition=Q(schedule__isnull=False),
                name="clinicmeeting_one_per_occurrence",
            ),
        ]

    def __str__(self) -> str:
        return f"Clinic meeting #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("clinic:meeting_detail", args=[self.pk])

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def is_published(self) -> bool:
        return self.agenda_published_at is not None


@pghistory.track()
class Invitee(models.Model):
    """A hub user (with their agency), or an external attendee by name, agency and e-mail.

    External attendees receive the invitation, which carries no case data, and never the pack.
    """

    class Attendance(models.TextChoices):
        INVITED = "invited", "Invited"
        ATTENDED = "attended", "Attended"
        APOLOGIES = "apologies", "Sent apologies"
        ABSENT = "absent", "Absent"

    meeting = models.ForeignKey(ClinicMeeting, on_delete=models.CASCADE, related_name="invitees")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(max_length=200, blank=True)
    agency_name = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    attendance = models.CharField(
        max_length=12, choices=Attendance.choices, default=Attendance.INVITED
    )

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False) | (~Q(name="") & ~Q(email="")),
                name="invitee_user_or_named_external",
            ),
            models.UniqueConstraint(
                fields=["meeting", "user"],
                condition=Q(user__isnull=False),
                name="invitee_user_once",
            ),
        ]

    def __str__(self) -> str:
        return f"Invitee #{self.pk}"

    @property
    def is_external(self) -> bool:
        return self.user_id is None

    @property
    def display_name(self) -> str:
        return self.user.full_name if self.user is not None else self.name

    @property
    def display_agency(self) -> str:
        if self.user is not None:
            return self.user.agency.name if self.user.agency else ""
        return self.agency_name

    @property
    def address(self) -> str:
        return self.user.email if self.user is not None else self.email

"""Training records: courses, sessions and attendance; teams, rosters and requirements;
champions and CPD. No victim data lives here."""

from training.models.people import (
    Area,
    ChampionProfile,
    CpdActivity,
    Requirement,
    Team,
    Trainee,
    normalise_email,
    normalise_staff_number,
)
from training.models.programme import PLACE_HOLDING, Course, Enrolment, Session, completion_q
from training.models.records import ImportReport, RefreshReminder

__all__ = [
    "PLACE_HOLDING",
    "Area",
    "ChampionProfile",
    "Course",
    "CpdActivity",
    "Enrolment",
    "ImportReport",
    "RefreshReminder",
    "Requirement",
    "Session",
    "Team",
    "Trainee",
    "completion_q",
    "normalise_email",
    "normalise_staff_number",
]

"""The multi-agency stalking clinic's models, split by subdomain; import them from here."""

from clinic.models.actions import Action, ActionChase
from clinic.models.agenda import (
    AgendaItem,
    Decision,
    DecisionType,
    Minutes,
    MinutesAmendment,
    Research,
)
from clinic.models.meetings import ClinicMeeting, ClinicSchedule, Invitee
from clinic.models.referrals import ClinicReferral

__all__ = [
    "Action",
    "ActionChase",
    "AgendaItem",
    "ClinicMeeting",
    "ClinicReferral",
    "ClinicSchedule",
    "Decision",
    "DecisionType",
    "Invitee",
    "Minutes",
    "MinutesAmendment",
    "Research",
]

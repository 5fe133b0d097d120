"""The case file's models, split by subdomain; import them from `cases.models`."""

from cases.models.cases import Case, CaseLog, CaseParty, CaseShare, Facet, LogReview
from cases.models.imports import FeedImport, FeedImportError, FeedStaleAlert, PendingEvaluation
from cases.models.logs import DERIVED_LOG_COLUMNS, CrimeLog, LogParty, OffenceCategory, OffenceCode
from cases.models.people import (
    PartyRole,
    Person,
    PersonAddress,
    PersonIdentifier,
    Relationship,
    RiskLevel,
)
from cases.models.restrictions import (
    BreakGlassAccess,
    CaseRestriction,
    PersonRestriction,
    UnusualAccess,
)
from cases.models.rules import IndicatorPhrase, LogSignal, SignalKind, SignalSettings

__all__ = [
    "DERIVED_LOG_COLUMNS",
    "BreakGlassAccess",
    "Case",
    "CaseLog",
    "CaseParty",
    "CaseRestriction",
    "CaseShare",
    "CrimeLog",
    "Facet",
    "FeedImport",
    "FeedImportError",
    "FeedStaleAlert",
    "IndicatorPhrase",
    "LogParty",
    "LogReview",
    "LogSignal",
    "OffenceCategory",
    "OffenceCode",
    "PartyRole",
    "PendingEvaluation",
    "Person",
    "PersonAddress",
    "PersonIdentifier",
    "PersonRestriction",
    "Relationship",
    "RiskLevel",
    "SignalKind",
    "SignalSettings",
    "UnusualAccess",
]

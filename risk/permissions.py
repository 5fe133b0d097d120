"""Who may see and complete which risk assessments (docs/access.md, "Risk assessments").

- Coordinator and tactical lead: see every assessment of the cases they see, and complete any
  instrument (the SRP only as trained SRP assessors).
- Solicitor: sees every assessment of the cases they see (SPO applications rest on them) but
  completes none: assessing risk is the hub's and the ISAC's work, not the legal adviser's.
- ISAC: sees the victim-focused assessments of cases shared with their agency (a live
  CaseShare), and completes victim-focused instruments on them (their specialist assessment).
  Perpetrator-focused assessments (SRP, SAM) are police work and stay with the hub.
- Everyone else: nothing (404).
"""

from __future__ import annotations

from django.db import models
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from cases.models import Case
from cases.permissions import cases_visible_to
from foundation.accounts.models import Role, User
from foundation.audit.access import fetch_for_user
from risk.models import Instrument, RiskAssessment

HUB_VIEWER_ROLES = (Role.COORDINATOR, Role.TACTICAL_LEAD, Role.SOLICITOR)
HUB_ASSESSOR_ROLES = (Role.COORDINATOR, Role.TACTICAL_LEAD)


def _hub_viewer(user: User) -> bool:
    return user.is_active and user.has_role(*HUB_VIEWER_ROLES)


def _hub_assessor(user: User) -> bool:
    return user.is_active and user.has_role(*HUB_ASSESSOR_ROLES)


def _isac(user: User) -> bool:
    return user.is_active and user.has_role(Role.ISAC) and user.agency_id is not None


def can_view_risk(user: User) -> bool:
    """Whether the user sees any assessments at all (the case page's risk panel)."""
    return _hub_viewer(user) or _isac(user)


def can_assess(user: User) -> bool:
    """Whether the user may complete some instrument on some case."""
    return _hub_assessor(user) or _isac(user)


def assessments_visible_to(user: User) -> QuerySet[RiskAssessment]:
    """The one scoping function for risk assessments (DESIGN.md §4)."""
    if _hub_viewer(user):
        return RiskAssessment.objects.filter(case__in=cases_visible_to(user).values("pk"))
    if _isac(user):
        # cases_visible_to gives an ISAC the cases shared with their agency, while shared.
        return RiskAssessment.objects.filter(
            instrument__side=Instrument.SideChoice.VICTIM,
            case__in=cases_visible_to(user).values("pk"),
        )
    return RiskAssessment.objects.none()


def instruments_for(user: User) -> QuerySet[Instrument]:
    """The active instruments the user may complete (the SRP only for trained assessors)."""
    # Screening first, then checklists, then structured professional judgement: the usual path.
    instruments = Instrument.objects.filter(is_active=True).order_by(
        models.Case(
            *(
                models.When(kind=kind, then=models.Value(rank))
                for rank, kind in enumerate(Instrument.KindChoice.values)
            ),
            default=models.Value(len(Instrument.KindChoice.values)),
        ),
        "name",
    )
    if not user.is_srp_assessor:
        # The SRP's licence restricts it to trained assessors (docs/risk-instruments.md).
        instruments = instruments.filter(requires_trained_assessor=False)
    if _hub_assessor(user):
        return instruments
    if _isac(user):
        return instruments.filter(side=Instrument.SideChoice.VICTIM)
    return Instrument.objects.none()


def can_complete_instrument(user: User, instrument: Instrument) -> bool:
    return instruments_for(user).filter(pk=instrument.pk).exists()


def cases_for_assessment(user: User) -> QuerySet[Case]:
    """Open or closed cases the user may record an assessment on (the service refuses closed)."""
    if can_assess(user):
        return cases_visible_to(user)
    return Case.objects.none()


def get_case_for_risk_view(user: User, case_id: object) -> Case:
    """The case, for its risk history page, if the user may see its assessments; else Http404.

    Records the access. Raises AuditUnavailable if it cannot.
    """
    visible = cases_visible_to(user) if can_view_risk(user) else Case.objects.none()
    return fetch_for_user(visible.select_related("owner"), case_id, user=user, object_type="case")


def get_case_for_assessment(user: User, case_id: object) -> Case:
    """The case, to record an assessment on, if the user may; else Http404 (recorded)."""
    return fetch_for_user(
        cases_for_assessment(user).select_related("owner"), case_id, user=user, object_type="case"
    )


def get_instrument_for_user(user: User, key: str) -> Instrument:
    """An instrument the user may complete, by key; else Http404 (not sensitive: unrecorded)."""
    return get_object_or_404(instruments_for(user), key=key)


def get_assessment_for_user(user: User, case_id: int, assessment_id: object) -> RiskAssessment:
    """An assessment of that case the user may see; else Http404. Records the access.

    Raises AuditUnavailable if the access record cannot be written.
    """
    return fetch_for_user(
        assessments_visible_to(user)
        .filter(case_id=case_id)
        .select_related("case", "instrument", "assessor"),
        assessment_id,
        user=user,
        object_type="risk_assessment",
    )

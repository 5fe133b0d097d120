"""Who may see and complete which risk assessments (docs/access.md, "Risk assessments").

- Coordinator and tactical lead: see every assessment of the cases they see, and complete any
  instrument (the SRP only as trained SRP assessors).
- Solicitor: sees every assessment of the cases they see (SPO applications rest on them) but
  completes none: assessing risk is the hub's and the ISAC's work, not the legal adviser's.
- Another agency's users (an ISAC service, probation, a council: one rule for every kind): the
  current risk level of cases whose live shares carry `risk_summary`; the victim-focused
  assessments of cases whose live shares carry `risk_full`; and their own agency's assessments
  of cases shared with it. ISACs complete victim-focused instruments on shared cases (their
  specialist assessment). Perpetrator-focused assessments (SRP, SAM) are police work and stay
  with the hub.
- Everyone else: nothing (404).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from cases.models import Case, Facet
from cases.permissions import (
    CaseNeed,
    cases_visible_to,
    cases_with_facet,
    exclude_hidden_cases,
    get_case_for_user,
    register_case_path,
)
from foundation.accounts.models import User
from foundation.accounts.roles import is_hub_manager, is_hub_staff, is_isac, is_receiving_user
from foundation.audit.access import Need, open_door, register_sensitive
from risk.models import Instrument, RiskAssessment

register_sensitive(RiskAssessment)
# Its door hides the assessments of restricted cases (cases/permissions.py).
register_case_path(RiskAssessment, "case")


def can_view_risk(user: User) -> bool:
    """Whether the user may see some case's risk (the panel; what of it, the shares decide)."""
    return is_hub_staff(user) or is_receiving_user(user)


def can_assess(user: User) -> bool:
    """Whether the user may complete some instrument on some case."""
    return is_hub_manager(user) or is_isac(user)


def assessments_visible_to(user: User) -> QuerySet[RiskAssessment]:
    """The one scoping function for risk assessments (DESIGN.md §4)."""
    if is_hub_staff(user):
        return exclude_hidden_cases(RiskAssessment.objects.all(), user)
    if is_receiving_user(user):
        # What the live shares' facets open, never Referral.shared_items (docs/access.md).
        shared_in_full = Q(
            instrument__side=Instrument.SideChoice.VICTIM,
            case__in=cases_with_facet(user, Facet.RISK_FULL).values("pk"),
        )
        own_agency = Q(
            assessor__agency_id=user.agency_id, case__in=cases_visible_to(user).values("pk")
        )
        return RiskAssessment.objects.filter(shared_in_full | own_agency)
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
    if is_hub_manager(user):
        return instruments
    if is_isac(user):
        return instruments.filter(side=Instrument.SideChoice.VICTIM)
    return Instrument.objects.none()


def can_complete_instrument(user: User, instrument: Instrument) -> bool:
    return instruments_for(user).filter(pk=instrument.pk).exists()


def cases_for_assessment(user: User) -> QuerySet[Case]:
    """Open or closed cases the user may record an assessment on (the service refuses closed)."""
    if can_assess(user):
        return cases_visible_to(user)
    return Case.objects.none()


def get_case_for_risk(
    user: User, case_id: object, *, assess: bool = False, instrument_key: str | None = None
) -> Case:
    """The case, for its risk history (a case whose risk summary the user may see) or, with
    `assess`, to record an assessment on, through the case's own door; else Http404
    (recorded). With `instrument_key`, only if the user may complete that instrument: a
    refused instrument is a denied attempt on the case, recorded as such."""
    if assess:
        permitted = can_assess(user)
        if permitted and instrument_key is not None:
            permitted = instruments_for(user).filter(key=instrument_key).exists()
        return get_case_for_user(user, case_id, need=CaseNeed.ASSESS_RISK, permitted=permitted)
    return get_case_for_user(user, case_id, need=Facet.RISK_SUMMARY, permitted=can_view_risk(user))


def get_instrument_for_user(user: User, key: str) -> Instrument:
    """An instrument the user may complete, by key; else Http404 (not sensitive: unrecorded)."""
    return get_object_or_404(instruments_for(user), key=key)


def get_assessment_for_user(
    user: User, assessment_id: object, *, case_id: int, need: Need = Need.READ
) -> RiskAssessment:
    """An assessment of that case the user may see; else Http404. Records the attempt.

    Raises AuditUnavailable if the access record cannot be written.
    """
    return open_door(
        assessments_visible_to(user)
        .filter(case_id=case_id)
        .select_related("case", "instrument", "assessor"),
        assessment_id,
        user=user,
        need=need,
    )

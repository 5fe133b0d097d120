"""Writes on referrals: draft, send, accept or decline, allocate, start and close.

Every change of state goes through `_move`, which refuses illegal moves, keeps the history
(ReferralTransition) and stamps the time the state was entered. Sending shares the case with
the receiving agency (`cases.services.share_case`); declining or closing ends that share.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from cases.models import Case
from cases.services import end_case_share, set_share_facets, share_case
from foundation.accounts.models import Agency, User
from foundation.lib.working_time import add_working_days, add_working_time
from foundation.outbox.services import enqueue
from referrals.errors import ConsentRequired, IllegalTransition, NotAllowed, ReferralError
from referrals.models import Referral, ReferralTransition
from referrals.models.referrals import FACETS_BEFORE_ACCEPTANCE
from referrals.notifications import (
    send_referral_allocated_email,
    send_referral_decision_email,
    send_referral_sent_email,
)
from referrals.permissions import (
    can_allocate_referral,
    can_authorise_sharing,
    can_close_referral,
    can_decide_referral,
    can_refer,
    can_start_referral,
    is_isac_of,
)

State = Referral.State

# The referral's life (docs/referrals.md). Nothing leaves DECLINED or CLOSED.
ALLOWED_MOVES: dict[str, frozenset[str]] = {
    State.DRAFT: frozenset({State.SENT}),
    State.SENT: frozenset({State.ACCEPTED, State.DECLINED, State.CLOSED}),
    State.ACCEPTED: frozenset({State.ACTIVE, State.CLOSED}),
    State.ACTIVE: frozenset({State.CLOSED}),
    State.DECLINED: frozenset(),
    State.CLOSED: frozenset(),
}
# A routine referral not answered within this many working days of being sent is chased.
RESPONSE_WORKING_DAYS = 2
# An urgent one must be decided within this much working time (docs/referrals.md).
URGENT_RESPONSE = timedelta(hours=4)
# Agencies a case can be referred to: anyone but the hub's own force.
REFERRABLE_KINDS = frozenset(Agency.Kind.values) - {Agency.Kind.POLICE_FORCE}


@dataclass(frozen=True)
class ReferralDetails:
    """What the referrer says: to whom, why, with what consent, sharing what."""

    agency: Agency
    reason: str
    urgency: str
    consent: str
    shared_items: Sequence[str]
    shared_notes: str = ""
    safe_contact: str = ""
    lawful_basis: str = ""
    lawful_reason: str = ""
    authorised_by: User | None = None


def check_move(referral: Referral, to: str) -> None:
    """Raise IllegalTransition unless the referral may move from its state to `to`."""
    if to not in ALLOWED_MOVES[referral.state]:
        raise IllegalTransition(
            f"Referral {referral.reference} is {referral.get_state_display().lower()}; "
            f"it cannot become {State(to).label.lower()}."
        )


def _move(referral: Referral, to: str, *, by: User, now: datetime) -> None:
    check_move(referral, to)
    ReferralTransition.objects.create(
        referral=referral, from_state=referral.state, to_state=to, at=now, by=by
    )
    referral.state = to
    referral.state_changed_at = now


def _locked(referral: Referral) -> Referral:
    """Re-read the referral under a row lock: two people deciding at once cannot both win."""
    return (
        Referral.objects.select_for_update(of=("self",))
        .select_related("agency", "case")
        .get(pk=referral.pk)
    )


def _clean_details(details: ReferralDetails) -> ReferralDetails:
    if not details.agency.is_active or details.agency.kind not in REFERRABLE_KINDS:
        raise ReferralError("Choose an active agency outside the force to refer to.")
    if not details.reason.strip():
        raise ReferralError("Say why you are referring the case.")
    if details.urgency not in Referral.Urgency.values:
        raise ReferralError("Choose how urgent the referral is.")
    if details.consent not in Referral.Consent.values:
        raise ReferralError("Record whether the victim consented.")
    unknown = set(details.shared_items) - set(Referral.SharedItem.values)
    if unknown:
        raise ReferralError("Choose what is shared from the list.")
    if details.lawful_basis and details.lawful_basis not in Referral.LawfulBasis.values:
        raise ReferralError("Choose the lawful reason from the list.")
    if details.authorised_by is not None and not can_authorise_sharing(details.authorised_by):
        raise ConsentRequired(
            "Sharing without consent is authorised by the hub coordinator or tactical lead."
        )
    consented = details.consent == Referral.Consent.GIVEN
    # With consent there is nothing to justify: drop any half-filled lawful reason.
    return ReferralDetails(
        agency=details.agency,
        reason=details.reason.strip(),
        urgency=details.urgency,
        consent=details.consent,
        shared_items=sorted(set(details.shared_items)),
        shared_notes=details.shared_notes.strip(),
        safe_contact=details.safe_contact.strip(),
        lawful_basis="" if consented else details.lawful_basis,
        lawful_reason="" if consented else details.lawful_reason.strip(),
        authorised_by=None if consented else details.authorised_by,
    )


def check_consent(referral: Referral) -> None:
    """The consent rule: consent, or a recorded lawful reason and who authorised it.

    Raises ConsentRequired naming what is missing.
    """
    if referral.consent == Referral.Consent.GIVEN:
        return
    missing = []
    if not referral.lawful_basis:
        missing.append("the lawful reason for sharing")
    if not referral.lawful_reason.strip():
        missing.append("an explanation of why sharing is necessary")
    if referral.authorised_by_id is None:
        missing.append("who authorised it")
    if missing:
        raise ConsentRequired(
            "The victim has not consented, so record " + ", ".join(missing) + " before sending."
        )
    assert referral.authorised_by is not None
    if not can_authorise_sharing(referral.authorised_by):
        raise ConsentRequired(
            "Sharing without consent is authorised by the hub coordinator or tactical lead."
        )


def _apply(referral: Referral, details: ReferralDetails) -> None:
    referral.agency = details.agency
    referral.reason = details.reason
    referral.urgency = details.urgency
    referral.consent = details.consent
    referral.shared_items = list(details.shared_items)
    referral.shared_notes = details.shared_notes
    referral.safe_contact = details.safe_contact
    referral.lawful_basis = details.lawful_basis
    referral.lawful_reason = details.lawful_reason
    referral.authorised_by = details.authorised_by


@transaction.atomic
def create_referral(*, case: Case, details: ReferralDetails, by: User) -> Referral:
    """Draft a referral of an open case. Raises NotAllowed or ReferralError (nothing saved)."""
    if not can_refer(by):
        raise NotAllowed("Only the hub coordinator or tactical lead can refer cases.")
    if case.status != Case.Status.OPEN:
        raise ReferralError(f"Case {case.reference} is closed; only open cases are referred.")
    details = _clean_details(details)
    now = timezone.now()
    referral = Referral(case=case, referred_by=by, state_changed_at=now, created_at=now)
    _apply(referral, details)
    referral.save()
    ReferralTransition.objects.create(
        referral=referral, from_state="", to_state=State.DRAFT, at=now, by=by
    )
    return referral


@transaction.atomic
def update_referral(*, referral: Referral, details: ReferralDetails, by: User) -> Referral:
    """Change a draft. Raises NotAllowed, IllegalTransition (no longer a draft), ReferralError."""
    if not can_refer(by):
        raise NotAllowed("Only the hub coordinator or tactical lead can change referrals.")
    referral = _locked(referral)
    if referral.state != State.DRAFT:
        raise IllegalTransition(f"Referral {referral.reference} was sent; it cannot be changed.")
    _apply(referral, _clean_details(details))
    referral.save()
    return referral


def response_due_at(*, sent_at: datetime, urgency: str) -> datetime:
    """When the agency's decision is due: 4 working hours for an urgent referral, 2 working
    days for a routine one (office hours and working days: foundation.lib.working_time)."""
    if urgency == Referral.Urgency.URGENT:
        return add_working_time(sent_at, URGENT_RESPONSE)
    return add_working_days(sent_at, RESPONSE_WORKING_DAYS)


@transaction.atomic
def send_referral(*, referral: Referral, by: User) -> Referral:
    """Send a draft: share the case with the agency and tell its users.

    Raises NotAllowed, ConsentRequired (no consent and no recorded lawful reason +
    authoriser), IllegalTransition. Nothing is saved or shared when it raises.
    """
    if not can_refer(by):
        raise NotAllowed("Only the hub coordinator or tactical lead can send referrals.")
    referral = _locked(referral)
    check_move(referral, State.SENT)
    check_consent(referral)
    now = timezone.now()
    _move(referral, State.SENT, by=by, now=now)
    referral.sent_at = now
    referral.response_due_at = response_due_at(sent_at=now, urgency=referral.urgency)
    # Until it accepts, the agency sees enough to decide, no identities (docs/referrals.md).
    referral.share = share_case(
        case=referral.case, agency=referral.agency, facets=FACETS_BEFORE_ACCEPTANCE, by=by
    )
    referral.save()
    enqueue(send_referral_sent_email, referral_id=referral.pk)
    return referral


@transaction.atomic
def accept_referral(*, referral: Referral, by: User, take_it: bool = False) -> Referral:
    """The receiving agency accepts. An ISAC may take it as their own case at once.

    Raises NotAllowed (not the receiving agency) or IllegalTransition (already decided).
    """
    referral = _locked(referral)
    check_move(referral, State.ACCEPTED)
    if not can_decide_referral(by, referral):
        raise NotAllowed("Only the agency the referral is addressed to can accept it.")
    now = timezone.now()
    _move(referral, State.ACCEPTED, by=by, now=now)
    referral.decided_at = now
    referral.decided_by = by
    referral.save()
    if referral.share is not None:
        # Accepted: the agency now sees what the victim agreed to share, and no more.
        set_share_facets(
            share=referral.share,
            facets=[*FACETS_BEFORE_ACCEPTANCE, *referral.shared_facets],
            by=by,
        )
    enqueue(send_referral_decision_email, referral_id=referral.pk)
    if take_it and referral.is_isac:
        return allocate_referral(referral=referral, caseworker=by, by=by)
    return referral


@transaction.atomic
def decline_referral(*, referral: Referral, reason: str, by: User) -> Referral:
    """The receiving agency declines, saying why; the case is no longer shared with it.

    Raises NotAllowed, IllegalTransition or ReferralError (no reason).
    """
    if not reason.strip():
        raise ReferralError("Say why the referral is declined.")
    referral = _locked(referral)
    check_move(referral, State.DECLINED)
    if not can_decide_referral(by, referral):
        raise NotAllowed("Only the agency the referral is addressed to can decline it.")
    now = timezone.now()
    _move(referral, State.DECLINED, by=by, now=now)
    referral.decided_at = now
    referral.decided_by = by
    referral.decline_reason = reason.strip()
    referral.save()
    _end_share(referral, by=by)
    enqueue(send_referral_decision_email, referral_id=referral.pk)
    return referral


@transaction.atomic
def allocate_referral(*, referral: Referral, caseworker: User, by: User) -> Referral:
    """Give an accepted ISAC referral to a caseworker of the service; it becomes active.

    The service's manager allocates and reallocates; an ISAC may take an unallocated one.
    Raises NotAllowed, IllegalTransition or ReferralError (caseworker not of the service).
    """
    referral = _locked(referral)
    if referral.state not in (State.ACCEPTED, State.ACTIVE):
        raise IllegalTransition(
            f"Referral {referral.reference} is {referral.get_state_display().lower()}; "
            "only accepted or active referrals are allocated."
        )
    if not referral.is_isac:
        raise ReferralError("Only referrals to an ISAC service are allocated to a caseworker.")
    if not can_allocate_referral(by, referral):
        raise NotAllowed("Only the service's manager allocates referrals to others.")
    if not by.is_manager and caseworker.pk != by.pk:
        raise NotAllowed("You can take the referral yourself; the manager allocates to others.")
    if not is_isac_of(caseworker, referral.agency):
        raise ReferralError("The caseworker must be an ISAC of the receiving service.")
    now = timezone.now()
    if referral.state == State.ACCEPTED:
        _move(referral, State.ACTIVE, by=by, now=now)
    changed = referral.caseworker_id != caseworker.pk
    referral.caseworker = caseworker
    referral.allocated_at = now
    referral.save()
    if changed and caseworker.pk != by.pk:
        enqueue(send_referral_allocated_email, referral_id=referral.pk)
    return referral


@transaction.atomic
def start_referral(*, referral: Referral, by: User) -> Referral:
    """A partner agency marks accepted work as started. Raises NotAllowed/IllegalTransition."""
    referral = _locked(referral)
    check_move(referral, State.ACTIVE)
    if not can_start_referral(by, referral):
        raise NotAllowed(
            "Only the receiving agency starts work; ISAC referrals start when allocated."
        )
    _move(referral, State.ACTIVE, by=by, now=timezone.now())
    referral.save()
    return referral


@transaction.atomic
def close_referral(*, referral: Referral, reason: str, notes: str, by: User) -> Referral:
    """Close (or, while it waits for a decision, withdraw) a referral; the share ends.

    Raises NotAllowed, IllegalTransition or ReferralError (no reason).
    """
    if reason not in Referral.ClosureReason.values:
        raise ReferralError("Choose why the referral is closing.")
    referral = _locked(referral)
    check_move(referral, State.CLOSED)
    if not can_close_referral(by, referral):
        raise NotAllowed("You may not close this referral.")
    if referral.state == State.SENT and reason != Referral.ClosureReason.WITHDRAWN:
        raise ReferralError("A referral still waiting for a decision can only be withdrawn.")
    now = timezone.now()
    _move(referral, State.CLOSED, by=by, now=now)
    referral.closed_at = now
    referral.closure_reason = reason
    referral.closure_notes = notes.strip()
    referral.save()
    _end_share(referral, by=by)
    return referral


def _end_share(referral: Referral, *, by: User) -> None:
    if referral.share is not None:
        end_case_share(share=referral.share, by=by)

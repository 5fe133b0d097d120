"""Writes on clinic referrals: refer, accept, return, and a repeat raised by hand."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from cases.models import Case
from clinic.errors import ClinicError, NotAllowed
from clinic.models import AgendaItem, ClinicReferral
from clinic.permissions import can_manage_clinic, can_raise_repeat
from clinic.repeats import REPEAT_WINDOW_DAYS, is_repeat
from foundation.accounts.models import User
from foundation.lib.working_time import LONDON

State = ClinicReferral.State


def _locked(referral: ClinicReferral) -> ClinicReferral:
    return ClinicReferral.objects.select_for_update(of=("self",)).get(pk=referral.pk)


def last_referred_on(case: Case) -> date | None:
    """The date of the case's last clinic referral that counts for the repeat rule."""
    latest = (
        ClinicReferral.objects.filter(case=case)
        .exclude(state=State.RETURNED)
        .exclude(criterion=ClinicReferral.Criterion.REPEAT, state=State.PENDING)
        .order_by("-referred_at")
        .values_list("referred_at", flat=True)
        .first()
    )
    return latest.astimezone(LONDON).date() if latest else None


@transaction.atomic
def refer_case(
    *, case: Case, criterion: str, priority: int, reason: str, by: User
) -> ClinicReferral:
    """Refer an open case to the clinic; the hub's managers refer (and so accept at once).

    Raises NotAllowed or ClinicError (closed case, already waiting, no reason).
    """
    if not can_manage_clinic(by):
        raise NotAllowed("Only the hub coordinator or tactical lead refers cases to the clinic.")
    if case.status != Case.Status.OPEN:
        raise ClinicError(f"Case {case.reference} is closed; only open cases go to the clinic.")
    if criterion not in ClinicReferral.Criterion.values:
        raise ClinicError("Choose why the case is referred.")
    if priority not in ClinicReferral.Priority.values:
        raise ClinicError("Choose the referral's priority.")
    if not reason.strip():
        raise ClinicError("Say why the case needs the clinic.")
    waiting = ClinicReferral.objects.filter(
        case=case, state__in=[State.PENDING, State.ACCEPTED]
    ).first()
    if waiting is not None:
        raise ClinicError(
            f"Case {case.reference} is already referred ({waiting.reference}, "
            f"{waiting.get_state_display().lower()})."
        )
    now = timezone.now()
    return ClinicReferral.objects.create(
        case=case,
        criterion=criterion,
        priority=priority,
        reason=reason.strip(),
        referred_at=now,
        referred_by=by,
        state=State.ACCEPTED,
        decided_by=by,
        decided_at=now,
    )


@transaction.atomic
def raise_repeat(
    *, case: Case, incident_on: date, note: str, by: User, today: date | None = None
) -> ClinicReferral:
    """An ISAC or partner reports a new incident on a case shared with them; if it falls within
    the repeat window it becomes a repeat referral for the coordinator to confirm.

    The caller opened `case` through its door (shared with the user's agency). Raises
    NotAllowed or ClinicError (not within the window, a future date, no note).
    """
    if not (can_raise_repeat(by) or can_manage_clinic(by)):
        raise NotAllowed("Only an ISAC or partner user on a shared case reports an incident.")
    today = today or timezone.localdate()
    if incident_on > today:
        raise ClinicError("The incident's date cannot be in the future.")
    if not note.strip():
        raise ClinicError("Describe the incident briefly (no addresses or contact details).")
    last = last_referred_on(case)
    if last is None:
        raise ClinicError(
            f"Case {case.reference} has not been referred to the clinic, so this is not a repeat; "
            "tell the hub coordinator about the incident."
        )
    if not is_repeat(incident_on=incident_on, last_referred_on=last):
        raise ClinicError(
            f"The incident is {(incident_on - last).days} days after the case's last clinic "
            f"referral; a repeat is 1 to {REPEAT_WINDOW_DAYS} days after it."
        )
    if ClinicReferral.objects.filter(
        case=case, criterion=ClinicReferral.Criterion.REPEAT, state=State.PENDING
    ).exists():
        raise ClinicError(
            f"A repeat on case {case.reference} is already waiting for the coordinator."
        )
    return ClinicReferral.objects.create(
        case=case,
        criterion=ClinicReferral.Criterion.REPEAT,
        priority=ClinicReferral.Priority.HIGH,
        state=State.PENDING,
        referred_at=timezone.now(),
        referred_by=by,
        incident_on=incident_on,
        incident_note=note.strip(),
        reason=(
            f"Repeat incident reported on {incident_on:%d %b %Y}, "
            f"{(incident_on - last).days} days after the last clinic referral."
        ),
    )


@transaction.atomic
def accept_referral(*, referral: ClinicReferral, by: User) -> ClinicReferral:
    """The coordinator confirms a referral: it joins the waiting list. Raises ClinicError."""
    if not can_manage_clinic(by):
        raise NotAllowed("Only the hub coordinator or tactical lead accepts clinic referrals.")
    referral = _locked(referral)
    if referral.state != State.PENDING:
        raise ClinicError(
            f"Clinic referral {referral.reference} is {referral.get_state_display().lower()}; "
            "only one awaiting the coordinator can be accepted."
        )
    referral.state = State.ACCEPTED
    referral.decided_by = by
    referral.decided_at = timezone.now()
    referral.save(update_fields=["state", "decided_by", "decided_at"])
    return referral


@transaction.atomic
def return_referral(*, referral: ClinicReferral, reason: str, by: User) -> ClinicReferral:
    """The coordinator returns a referral with a reason (before it is listed at a meeting).

    Raises ClinicError (no reason, already discussed or listed).
    """
    if not can_manage_clinic(by):
        raise NotAllowed("Only the hub coordinator or tactical lead returns clinic referrals.")
    if not reason.strip():
        raise ClinicError("Say why the referral is returned.")
    referral = _locked(referral)
    if referral.state not in (State.PENDING, State.ACCEPTED):
        raise ClinicError(
            f"Clinic referral {referral.reference} is {referral.get_state_display().lower()}; "
            "it can no longer be returned."
        )
    if AgendaItem.objects.filter(referral=referral).exists():
        raise ClinicError(
            f"Clinic referral {referral.reference} is on an agenda; remove it from the agenda "
            "first."
        )
    referral.state = State.RETURNED
    referral.return_reason = reason.strip()
    referral.decided_by = by
    referral.decided_at = timezone.now()
    referral.save(update_fields=["state", "return_reason", "decided_by", "decided_at"])
    return referral

"""Order files: opening one (by the solicitor, or from a clinic decision), moving it through
the SPO states (legal/transitions.py), its details, and the events on its timeline."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from cases.models import Case, CaseParty, PartyRole, Person
from clinic.errors import ClinicError
from foundation.accounts.models import Role, User
from foundation.outbox.services import enqueue
from legal import deadlines, transitions
from legal.models import (
    SPO_KINDS,
    EndedReason,
    FileState,
    ForceBasis,
    LegalEvent,
    Notification,
    OrderFile,
    OrderKind,
    ProtectiveOrder,
)
from legal.notifications import TOLD_EVENTS, send_order_event_email
from legal.services.errors import LegalError, require_solicitor

if TYPE_CHECKING:
    from clinic.models import Decision

# The file's details the solicitor edits (legal/forms.py, FileForm).
EDITABLE_FIELDS = (
    "applying_force",
    "force_basis",
    "other_force_liaison",
    "solicitor",
    "privileged_notes",
    "soa_notification_from",
    "soa_notification_to",
    "pnc_entered_on",
    "pack_summary",
    "pack_acts",
    "pack_proposed_terms",
)


def add_event(
    *,
    file: OrderFile,
    kind: str,
    on: date,
    summary: str,
    by: User,
    order: ProtectiveOrder | None = None,
    to_state: str = "",
    ended_reason: str = "",
    victim_told_on: date | None = None,
) -> LegalEvent:
    """Put an event on the file's timeline; the ones people are told of are e-mailed."""
    event = LegalEvent.objects.create(
        file=file,
        order=order,
        kind=kind,
        on=on,
        summary=summary[:300],
        by=by,
        to_state=to_state,
        ended_reason=ended_reason,
        victim_told_on=victim_told_on,
    )
    if kind in TOLD_EVENTS:
        enqueue(send_order_event_email, event_id=event.pk)
    return event


def not_future(day: date, what: str, now: datetime) -> None:
    if day > timezone.localdate(now):
        raise LegalError(f"The {what} cannot be in the future.")
    if day < date(1900, 1, 1):
        raise LegalError(f"The {what} is before 1900.")


def _suspects(case: Case) -> set[int]:
    return set(
        CaseParty.objects.filter(case=case, role=PartyRole.SUSPECT).values_list(
            "person_id", flat=True
        )
    )


def _check_people(case: Case, respondent: Person, protected: Iterable[Person]) -> list[Person]:
    if respondent.pk not in _suspects(case):
        raise LegalError("The respondent must be a suspect on this case.")
    protected = list(protected)
    on_case = set(CaseParty.objects.filter(case=case).values_list("person_id", flat=True))
    if any(person.pk not in on_case for person in protected):
        raise LegalError("Protected persons must be people named on this case.")
    if any(person.pk == respondent.pk for person in protected):
        raise LegalError("The respondent cannot be a protected person.")
    return protected


def _create(fields: dict[str, Any], protected: list[Person]) -> OrderFile:
    try:
        with transaction.atomic():
            file = OrderFile.objects.create(**fields)
    except IntegrityError as error:
        raise LegalError(
            "This case already has a live SPO file against this respondent."
        ) from error
    file.protected_persons.set(protected)
    return file


@transaction.atomic
def open_file(
    *,
    case: Case,
    respondent: Person,
    kind: str,
    applying_force: str,
    force_basis: str,
    other_force_liaison: str = "",
    solicitor: User | None,
    protected_persons: Iterable[Person],
    by: User,
    now: datetime | None = None,
) -> OrderFile:
    """Open an order file. An SPO file starts in *considering*; a file for another order
    records an order already made, so it starts in force. Raises LegalError (nothing saved)."""
    now = now or timezone.now()
    require_solicitor(by)
    if kind not in OrderKind.values:
        raise LegalError("Choose the type of order.")
    if case.status != Case.Status.OPEN:
        raise LegalError("The case is closed.")
    if not applying_force.strip() or force_basis not in ForceBasis.values:
        raise LegalError("Record the applying force and its basis (s.1).")
    protected = _check_people(case, respondent, protected_persons)
    is_spo = kind in SPO_KINDS
    file = _create(
        {
            "case": case,
            "respondent": respondent,
            "kind": kind,
            "state": FileState.CONSIDERING if is_spo else FileState.IN_FORCE,
            "applying_force": applying_force.strip(),
            "force_basis": force_basis,
            "other_force_liaison": other_force_liaison.strip(),
            "solicitor": solicitor,
            "opened_by": by,
        },
        protected,
    )
    add_event(
        file=file,
        kind=LegalEvent.Kind.STATE,
        on=timezone.localdate(now),
        summary="File opened",
        by=by,
        to_state=file.state,
    )
    return file


def clinic_decision_handler(*, decision: Decision, by: User) -> None:
    """Registered with `clinic.hooks.register_decision_handler`."""
    open_file_from_clinic_decision(decision=decision, by=by)


@transaction.atomic
def open_file_from_clinic_decision(*, decision: Decision, by: User) -> list[OrderFile]:
    """The clinic decided to "pursue an SPO": open an SPO file in *considering* for each
    suspect of the case without a live one (clinic.hooks; runs in the decision's
    transaction). Idempotent for the same decision."""
    if decision.decision_type.key != "pursue_spo":
        return []
    if OrderFile.objects.filter(clinic_decision_id=decision.pk).exists():
        return []
    case = decision.item.case
    suspects = _suspects(case)
    if not suspects:
        raise ClinicError("Record the case's suspect before deciding to pursue an SPO.")
    live = set(
        OrderFile.objects.filter(case=case, kind__in=SPO_KINDS)
        .exclude(state=FileState.ENDED)
        .values_list("respondent_id", flat=True)
    )
    victims = list(
        Person.objects.filter(case_parties__case=case, case_parties__role=PartyRole.VICTIM)
    )
    solicitor = (
        User.objects.filter(is_active=True, roles__contains=[Role.SOLICITOR]).order_by("pk").first()
    )
    opened = []
    for index, person_id in enumerate(sorted(suspects - live)):
        file = OrderFile.objects.create(
            case=case,
            respondent_id=person_id,
            kind=OrderKind.SPO,
            state=FileState.CONSIDERING,
            applying_force=by.agency.name if by.agency is not None else "",
            solicitor=solicitor,
            opened_by=by,
            # One file per decision keeps the idempotency key on the first.
            clinic_decision_id=decision.pk if index == 0 else None,
        )
        file.protected_persons.set(victims)
        add_event(
            file=file,
            kind=LegalEvent.Kind.STATE,
            on=timezone.localdate(),
            summary="File opened from a clinic decision to pursue an SPO",
            by=by,
            to_state=file.state,
        )
        opened.append(file)
    return opened


def end_orders(*, file: OrderFile, on: date, reason: str, by: User) -> None:
    """End the file's orders still in force (each told as an event)."""
    for order in ProtectiveOrder.objects.filter(file=file, ended_on__isnull=True):
        order.ended_on = max(on, order.made_on)
        order.ended_reason = reason
        order.save(update_fields=["ended_on", "ended_reason"])
        add_event(
            file=file,
            order=order,
            kind=LegalEvent.Kind.ORDER_ENDED,
            on=order.ended_on,
            summary=f"{order.get_kind_display()} ended: {EndedReason(reason).label.lower()}",
            by=by,
        )


def move(
    file: OrderFile, transition: transitions.Transition, *, on: date, by: User, reasons: str = ""
) -> OrderFile:
    """Apply a transition already checked as allowed (the file is locked by the caller)."""
    file.state = transition.target
    fields = ["state"]
    if transition.target == FileState.ENDED:
        assert transition.ended_reason is not None
        file.ended_reason = transition.ended_reason
        file.ended_on = on
        fields += ["ended_reason", "ended_on"]
        if transition.ended_reason == EndedReason.NOT_APPLIED:
            file.not_applied_reasons = reasons
            fields.append("not_applied_reasons")
        end_orders(file=file, on=on, reason=transition.ended_reason, by=by)
    else:
        if file.ended_reason:
            file.ended_reason = ""
            file.ended_on = None
            fields += ["ended_reason", "ended_on"]
        if transition.target == FileState.APPLIED:
            file.applied_on = on
            fields.append("applied_on")
    file.save(update_fields=fields)
    add_event(
        file=file,
        kind=LegalEvent.Kind.STATE,
        on=on,
        summary=transition.label + (f": {reasons}" if reasons else ""),
        by=by,
        to_state=transition.target,
        ended_reason=transition.ended_reason or "",
    )
    return file


def check_transition(file: OrderFile, key: str) -> transitions.Transition:
    transition = transitions.find(key, is_spo=file.is_spo)
    if transition is None:
        raise LegalError("That is not a step this file can take.")
    if not transitions.allowed(transition, file.state, file.ended_reason):
        state = FileState(file.state).label.lower()
        if file.state == FileState.ENDED and file.ended_reason:
            state += f" ({EndedReason(file.ended_reason).label.lower()})"
        raise LegalError(f"A file that is {state} cannot take the step “{transition.label}”.")
    return transition


@transaction.atomic
def transition_file(
    *,
    file: OrderFile,
    key: str,
    on: date,
    reasons: str = "",
    by: User,
    now: datetime | None = None,
) -> OrderFile:
    """Move a file by one transition of the table. Orders are made through `record_order`.
    Raises LegalError (nothing saved) for a step the table refuses."""
    now = now or timezone.now()
    require_solicitor(by)
    file = OrderFile.objects.select_for_update().select_related("case").get(pk=file.pk)
    transition = check_transition(file, key)
    if transition.by_order:
        raise LegalError("Record the order the court made (its dates and terms) instead.")
    not_future(on, "date", now)
    reasons = reasons.strip()
    if transition.ended_reason == EndedReason.NOT_APPLIED and not reasons:
        raise LegalError("Record the reasons for deciding not to apply.")
    return move(file, transition, on=on, by=by, reasons=reasons)


def _recompute_open_notifications(file: OrderFile) -> None:
    """SOA 2003 Part 2 dates changed: open notification periods follow (s.9 exemption)."""
    for notification in Notification.objects.filter(
        order__file=file, notified_on__isnull=True
    ).select_related("order"):
        deadline = deadlines.notification_deadline(
            notification.starts_on,
            soa_from=file.soa_notification_from,
            soa_to=file.soa_notification_to,
            replaces_interim=(
                notification.trigger == Notification.Trigger.SERVICE
                and notification.order.replaces_id is not None
            ),
        )
        notification.due_on = deadline.due
        notification.exemption = deadline.exemption
        notification.save(update_fields=["due_on", "exemption"])


@transaction.atomic
def update_file(
    *,
    file: OrderFile,
    by: User,
    protected_persons: Iterable[Person] | None = None,
    now: datetime | None = None,
    **changes: Any,
) -> OrderFile:
    """Change the file's details (force, solicitor, notes, SOA dates, PNC date, pack text).
    Raises LegalError (nothing saved)."""
    now = now or timezone.now()
    require_solicitor(by)
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise LegalError("Unknown field.")
    soa_from = changes.get("soa_notification_from", file.soa_notification_from)
    soa_to = changes.get("soa_notification_to", file.soa_notification_to)
    if soa_from and soa_to and soa_to < soa_from:
        raise LegalError("The Sexual Offences Act notification cannot end before it starts.")
    if soa_to and not soa_from:
        raise LegalError("Give the date the Sexual Offences Act notification started.")
    pnc = changes.get("pnc_entered_on")
    if pnc is not None:
        not_future(pnc, "PNC entry date", now)
        first = file.orders.order_by("made_on").values_list("made_on", flat=True).first()
        if first is None or pnc < first:
            raise LegalError("The PNC entry cannot come before the order was made.")
    if protected_persons is not None:
        protected = _check_people(file.case, file.respondent, protected_persons)
        file.protected_persons.set(protected)
    soa_changed = (soa_from, soa_to) != (file.soa_notification_from, file.soa_notification_to)
    for field, value in changes.items():
        setattr(file, field, value.strip() if isinstance(value, str) else value)
    file.save(update_fields=list(changes) or None)
    if soa_changed:
        _recompute_open_notifications(file)
    return file


@transaction.atomic
def mark_victim_told(*, event: LegalEvent, told_on: date, by: User) -> LegalEvent:
    """Record that the victim was told of this event. Raises LegalError."""
    require_solicitor(by)
    not_future(told_on, "date the victim was told", timezone.now())
    if told_on < event.on:
        raise LegalError("The victim cannot have been told before it happened.")
    event.victim_told_on = told_on
    event.save(update_fields=["victim_told_on"])
    return event

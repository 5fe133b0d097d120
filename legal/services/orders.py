"""Orders the court made, their terms and service; notification periods (SPA 2019 ss.9-11);
hearings; and the events recorded by hand (variation, renewal, appeal, bail breach)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from foundation.accounts.models import User
from foundation.lib.dates import latest_scheduled_date, long_date
from legal import deadlines
from legal.models import (
    IN_FORCE_STATES,
    FileState,
    Hearing,
    LegalEvent,
    Notification,
    OrderFile,
    OrderKind,
    OrderTerm,
    ProtectiveOrder,
    Reminder,
)
from legal.services.errors import LegalError, require_solicitor
from legal.services.files import add_event, check_transition, move, not_future


@dataclass(frozen=True)
class TermSpec:
    kind: str
    wording: str
    area: str = ""
    ends_on: date | None = None


def check_order_end(kind: str, *, made_on: date, ends: date | None) -> None:
    """The order's end: a full SPO for at least two years or until further order (s.3); an
    interim SPO for the period the court sets (s.5), so it needs an end. Raises LegalError."""
    if ends is not None and ends < made_on:
        raise LegalError("The order cannot end before it was made.")
    if kind == ProtectiveOrder.Kind.INTERIM and ends is None:
        raise LegalError("An interim SPO lasts the period the court sets (s.5): give its end.")
    if kind == ProtectiveOrder.Kind.FULL and ends is not None:
        earliest = deadlines.full_order_earliest_end(made_on)
        if ends < earliest:
            raise LegalError(
                "A full SPO's fixed term lasts at least two years beginning with the day it is "
                f"made (s.3): made on {long_date(made_on)}, it ends on {long_date(earliest)} or "
                "later, or choose until further order."
            )


def _check_term(term: TermSpec, *, made_on: date, ends: date | None) -> TermSpec:
    wording = term.wording.strip()
    if not wording:
        raise LegalError("Write the wording of each term.")
    if term.kind not in OrderTerm.Kind.values:
        raise LegalError("Say whether each term is a prohibition or a requirement.")
    if term.ends_on is not None and term.ends_on < made_on:
        raise LegalError("A term cannot end before the order was made.")
    if term.ends_on is not None and ends is not None and term.ends_on > ends:
        raise LegalError("A term cannot last longer than the order.")
    return TermSpec(term.kind, wording, term.area.strip(), term.ends_on)


def plan_renewal_reminders(order: ProtectiveOrder, *, today: date) -> None:
    """Renewal reviews 3 months and 1 month before a fixed-term full order ends (unsent ones
    follow a new end date)."""
    Reminder.objects.filter(
        order=order,
        kind__in=[Reminder.Kind.RENEWAL_3M, Reminder.Kind.RENEWAL_1M],
        sent_at__isnull=True,
    ).delete()
    if order.kind != ProtectiveOrder.Kind.FULL or order.fixed_end_on is None:
        return
    for kind, send_on in zip(
        (Reminder.Kind.RENEWAL_3M, Reminder.Kind.RENEWAL_1M),
        deadlines.renewal_review_dates(order.fixed_end_on),
        strict=True,
    ):
        if send_on >= today:
            Reminder.objects.update_or_create(
                kind=kind,
                order=order,
                defaults={"file_id": order.file_id, "send_on": send_on, "sent_at": None},
            )


@transaction.atomic
def record_order(
    *,
    file: OrderFile,
    kind: str,
    made_on: date,
    court: str = "",
    fixed_end_on: date | None,
    terms: list[TermSpec] | None = None,
    by: User,
    now: datetime | None = None,
) -> ProtectiveOrder:
    """Record an order the court made (an SPO file moves to interim order or order in force;
    a full order ends the interim one it replaces). Raises LegalError (nothing saved)."""
    now = now or timezone.now()
    require_solicitor(by)
    file = OrderFile.objects.select_for_update().select_related("case").get(pk=file.pk)
    not_future(made_on, "date the order was made", now)
    transition = None
    if file.is_spo:
        if kind == ProtectiveOrder.Kind.FULL:
            if file.kind == OrderKind.INTERIM_SPO:
                raise LegalError("This file seeks an interim SPO only.")
            transition = check_transition(file, "full")
        elif kind == ProtectiveOrder.Kind.INTERIM:
            transition = check_transition(file, "interim")
        else:
            raise LegalError("An SPO file records a full or an interim SPO.")
    else:
        if kind != ProtectiveOrder.Kind.OTHER:
            raise LegalError("Only an SPO file records an SPO.")
        if file.state != FileState.IN_FORCE or file.orders.exists():
            raise LegalError("This file already records its order.")
    check_order_end(kind, made_on=made_on, ends=fixed_end_on)
    checked = [_check_term(term, made_on=made_on, ends=fixed_end_on) for term in terms or []]
    interim = None
    if kind == ProtectiveOrder.Kind.FULL:
        interim = ProtectiveOrder.objects.filter(
            file=file, kind=ProtectiveOrder.Kind.INTERIM, ended_on__isnull=True
        ).first()
        if interim is not None and made_on < interim.made_on:
            raise LegalError("The full order cannot be made before the interim one.")
    if interim is not None:
        # s.5: the interim order ends when the main application is determined.
        interim.ended_on = made_on
        interim.save(update_fields=["ended_on"])
    order = ProtectiveOrder.objects.create(
        file=file,
        kind=kind,
        made_on=made_on,
        court=court.strip(),
        fixed_end_on=fixed_end_on,
        replaces=interim,
        recorded_by=by,
    )
    OrderTerm.objects.bulk_create(
        OrderTerm(order=order, kind=t.kind, wording=t.wording, area=t.area, ends_on=t.ends_on)
        for t in checked
    )
    if transition is not None:
        move(file, transition, on=made_on, by=by)
    add_event(
        file=file,
        order=order,
        kind=LegalEvent.Kind.ORDER_MADE,
        on=made_on,
        summary=f"{order.get_kind_display()} made",
        by=by,
    )
    plan_renewal_reminders(order, today=timezone.localdate(now))
    return order


@transaction.atomic
def add_term(
    *,
    order: ProtectiveOrder,
    kind: str,
    wording: str,
    area: str = "",
    ends_on: date | None,
    by: User,
) -> OrderTerm:
    """Add a prohibition or requirement to an order. Raises LegalError (nothing saved)."""
    require_solicitor(by)
    term = _check_term(
        TermSpec(kind, wording, area, ends_on), made_on=order.made_on, ends=order.fixed_end_on
    )
    return OrderTerm.objects.create(
        order=order, kind=term.kind, wording=term.wording, area=term.area, ends_on=term.ends_on
    )


def _notification(
    order: ProtectiveOrder, trigger: str, starts_on: date, by: User, *, replaces_interim: bool
) -> Notification:
    file = order.file
    deadline = deadlines.notification_deadline(
        starts_on,
        soa_from=file.soa_notification_from,
        soa_to=file.soa_notification_to,
        replaces_interim=replaces_interim,
    )
    return Notification.objects.create(
        order=order,
        trigger=trigger,
        starts_on=starts_on,
        due_on=deadline.due,
        exemption=deadline.exemption,
        recorded_by=by,
    )


@transaction.atomic
def record_service(
    *, order: ProtectiveOrder, served_on: date, by: User, now: datetime | None = None
) -> ProtectiveOrder:
    """Record the day the order was served; an SPO's notification period starts with it
    (s.9), unless exempt. Raises LegalError (nothing saved)."""
    now = now or timezone.now()
    require_solicitor(by)
    order = ProtectiveOrder.objects.select_for_update().select_related("file").get(pk=order.pk)
    if order.served_on is not None:
        raise LegalError("The service of this order is already recorded.")
    if served_on < order.made_on:
        raise LegalError("The order cannot be served before the day it was made.")
    not_future(served_on, "date of service", now)
    order.served_on = served_on
    order.save(update_fields=["served_on"])
    if order.file.is_spo:
        _notification(
            order,
            Notification.Trigger.SERVICE,
            served_on,
            by,
            replaces_interim=order.replaces_id is not None,
        )
    add_event(
        file=order.file,
        order=order,
        kind=LegalEvent.Kind.SERVICE,
        on=served_on,
        summary=f"{order.get_kind_display()} served",
        by=by,
    )
    return order


@transaction.atomic
def record_notification_change(
    *, order: ProtectiveOrder, trigger: str, starts_on: date, by: User, now: datetime | None = None
) -> Notification:
    """A new name first used or a change of home address: a new period of 3 days (s.9).
    Raises LegalError (nothing saved)."""
    now = now or timezone.now()
    require_solicitor(by)
    if trigger not in (Notification.Trigger.NEW_NAME, Notification.Trigger.ADDRESS):
        raise LegalError("Choose a new name or a change of home address.")
    if not order.file.is_spo or order.ended_on is not None or order.served_on is None:
        raise LegalError("Only a served SPO in force carries notification requirements.")
    if starts_on < order.served_on:
        raise LegalError("The change cannot come before the order was served.")
    not_future(starts_on, "date of the change", now)
    return _notification(order, trigger, starts_on, by, replaces_interim=False)


@transaction.atomic
def record_notified(
    *, notification: Notification, notified_on: date, by: User, now: datetime | None = None
) -> Notification:
    """Record the day the respondent notified the police. Raises LegalError."""
    now = now or timezone.now()
    require_solicitor(by)
    notification = (
        Notification.objects.select_for_update()
        .select_related("order__file")
        .get(pk=notification.pk)
    )
    if notification.notified_on is not None:
        raise LegalError("This notification is already recorded.")
    if notified_on < notification.starts_on:
        raise LegalError("The notification cannot come before its period started.")
    not_future(notified_on, "date of the notification", now)
    notification.notified_on = notified_on
    notification.save(update_fields=["notified_on"])
    late = notification.due_on is not None and notified_on > notification.due_on
    add_event(
        file=notification.order.file,
        order=notification.order,
        kind=LegalEvent.Kind.NOTIFICATION,
        on=notified_on,
        summary="Respondent notified the police" + (" (late: s.11)" if late else ""),
        by=by,
    )
    return notification


# --- Hearings -------------------------------------------------------------------------------

HEARING_REMINDERS = ((Reminder.Kind.HEARING_WEEK, 7), (Reminder.Kind.HEARING_DAY, 1))


@transaction.atomic
def schedule_hearing(
    *,
    file: OrderFile,
    court: str,
    starts_at: datetime,
    kind: str,
    notes: str = "",
    by: User,
    now: datetime | None = None,
) -> Hearing:
    """List an upcoming hearing; the solicitor is reminded 7 days and 1 day before. Raises
    LegalError (nothing saved)."""
    now = now or timezone.now()
    require_solicitor(by)
    if kind not in Hearing.Kind.values:
        raise LegalError("Choose the type of hearing.")
    if not court.strip():
        raise LegalError("Name the court.")
    if starts_at <= now:
        raise LegalError("A hearing in the past cannot be entered as upcoming.")
    today = timezone.localdate(now)
    day = timezone.localdate(starts_at)
    if day > latest_scheduled_date(today):
        raise LegalError("A hearing is at most five years ahead.")
    hearing = Hearing.objects.create(
        file=file, court=court.strip(), starts_at=starts_at, kind=kind, notes=notes, created_by=by
    )
    Reminder.objects.bulk_create(
        Reminder(kind=kind, file=file, hearing=hearing, send_on=day - timedelta(days=days))
        for kind, days in HEARING_REMINDERS
        if day - timedelta(days=days) >= today
    )
    return hearing


@transaction.atomic
def record_hearing_outcome(
    *, hearing: Hearing, outcome: str, notes: str, by: User, now: datetime | None = None
) -> Hearing:
    """The outcome and notes of a hearing (an outcome once it has started). Raises LegalError."""
    now = now or timezone.now()
    require_solicitor(by)
    if outcome not in Hearing.Outcome.values:
        raise LegalError("Choose the outcome.")
    if outcome and hearing.starts_at > now:
        raise LegalError("Record the outcome once the hearing has taken place.")
    hearing.outcome = outcome
    hearing.notes = notes.strip()
    hearing.save(update_fields=["outcome", "notes"])
    return hearing


# --- Events recorded by hand ----------------------------------------------------------------

MANUAL_EVENTS = (
    LegalEvent.Kind.VARIATION,
    LegalEvent.Kind.RENEWAL,
    LegalEvent.Kind.APPEAL,
    LegalEvent.Kind.BAIL_BREACH,
    LegalEvent.Kind.NOTE,
)


@transaction.atomic
def record_event(
    *,
    file: OrderFile,
    kind: str,
    on: date,
    summary: str,
    victim_told_on: date | None = None,
    new_end_on: date | None = None,
    by: User,
    now: datetime | None = None,
) -> LegalEvent:
    """A variation, renewal (with the order's new end), appeal, bail breach or note on the
    file. Raises LegalError (nothing saved)."""
    now = now or timezone.now()
    require_solicitor(by)
    file = OrderFile.objects.select_for_update().get(pk=file.pk)
    if kind not in MANUAL_EVENTS:
        raise LegalError("Choose what happened.")
    not_future(on, "date", now)
    if victim_told_on is not None:
        not_future(victim_told_on, "date the victim was told", now)
    summary = summary.strip()
    if not summary:
        raise LegalError("Say briefly what happened.")
    order = None
    if kind in (LegalEvent.Kind.VARIATION, LegalEvent.Kind.RENEWAL):
        order = ProtectiveOrder.objects.filter(file=file, ended_on__isnull=True).last()
        if file.state not in IN_FORCE_STATES or order is None:
            raise LegalError("Only an order in force can be varied or renewed.")
        if kind == LegalEvent.Kind.RENEWAL and new_end_on is None:
            raise LegalError("Give the renewed order's new end date.")
        if new_end_on is not None:
            check_order_end(order.kind, made_on=order.made_on, ends=new_end_on)
            order.fixed_end_on = new_end_on
            order.save(update_fields=["fixed_end_on"])
            plan_renewal_reminders(order, today=timezone.localdate(now))
    return add_event(
        file=file,
        order=order,
        kind=kind,
        on=on,
        summary=summary,
        by=by,
        victim_told_on=victim_told_on,
    )

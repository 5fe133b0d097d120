"""E-mails of the legal workflow: people told when an order is made, served, varied, breached
or ends, and the solicitor's reminders (hearings, renewal reviews).

Each carries the case reference and what happened, never a name, an address or an order's
terms: mail leaves the system (DESIGN.md §4). A recipient who is covered has their cover told
too (foundation.accounts.cover.with_coverers).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from django.urls import reverse

from foundation.accounts.cover import with_coverers
from foundation.accounts.models import User
from foundation.lib.mail import send_templated
from foundation.outbox.services import outbox_handler
from legal.models import LegalEvent, OrderFile, Reminder
from referrals.models import Referral

# The events that are told to the ISAC working with the victim and the officer in charge.
TOLD_EVENTS = (
    LegalEvent.Kind.ORDER_MADE,
    LegalEvent.Kind.SERVICE,
    LegalEvent.Kind.VARIATION,
    LegalEvent.Kind.RENEWAL,
    LegalEvent.Kind.BREACH,
    LegalEvent.Kind.ORDER_ENDED,
)


def _send(template: str, context: Mapping[str, object], users: Iterable[User]) -> int:
    """One message per recipient (nobody learns who else was told). Returns how many."""
    return send_templated(template, context, (user.email for user in users if user.is_active))


def people_to_tell(file: OrderFile) -> list[User]:
    """The ISACs working with the victim (an accepted or active referral of the case, with a
    caseworker) and the case's officer in charge."""
    caseworkers = list(
        User.objects.filter(
            pk__in=Referral.objects.filter(
                case_id=file.case_id,
                state__in=[Referral.State.ACCEPTED, Referral.State.ACTIVE],
                caseworker__isnull=False,
            ).values("caseworker_id")
        )
    )
    officer = file.case.officer_in_charge
    return caseworkers + ([officer] if officer is not None else [])


@outbox_handler("legal.send_order_event_email")
def send_order_event_email(*, event_id: int) -> None:
    """Tell the ISAC and the officer in charge that an order was made, served, varied,
    renewed, breached or ended (no names, no terms)."""
    event = (
        LegalEvent.objects.select_related("file__case__officer_in_charge")
        .filter(pk=event_id)
        .first()
    )
    if event is None or event.kind not in TOLD_EVENTS:
        return
    context = {
        "case_reference": event.file.case.reference,
        "what": event.get_kind_display().lower(),
        "on": event.on,
        "path": reverse("home"),
    }
    _send("legal_order_event", context, with_coverers(people_to_tell(event.file)))


def send_reminder(reminder: Reminder, *, now: datetime) -> int:
    """The solicitor's reminder of a hearing or a renewal review (the sweep calls this under a
    lease)."""
    file = reminder.file
    context = {
        "case_reference": file.case.reference,
        "reminder": reminder.get_kind_display(),
        "hearing": reminder.hearing,
        "order": reminder.order,
        "path": reverse("legal:file", args=[file.pk]),
    }
    if file.solicitor is None:
        return 0
    return _send("legal_reminder", context, with_coverers([file.solicitor], now=now))

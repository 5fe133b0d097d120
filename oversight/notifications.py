"""E-mails about directions: a new direction, and the chase of an overdue one.

Each carries the case reference, the due date and a link to the officer's page, never the
direction's text or anything about the people: mail leaves the system (DESIGN.md §4). A
direction addressed to someone who is covered goes to their cover as well.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from django.urls import reverse

from foundation.accounts.cover import with_coverers
from foundation.accounts.models import User
from foundation.lib.mail import send_templated
from foundation.outbox.services import outbox_handler
from oversight.models import OPEN_DIRECTION_STATES, Direction


def _send(template: str, context: Mapping[str, object], users: Iterable[User]) -> int:
    """One message per recipient (nobody learns who else was told). Returns how many."""
    return send_templated(template, context, (user.email for user in users if user.is_active))


def _context(direction: Direction) -> dict[str, object]:
    return {
        "case_reference": direction.case.reference,
        "due_on": direction.due_on,
        # The officer's own page: the direction is read there, behind the sign-in.
        "path": reverse("cases:my_logs"),
    }


@outbox_handler("oversight.send_direction_given_email")
def send_direction_given_email(*, direction_id: int) -> None:
    """Tell the officer (and whoever covers them) that the tactical lead gave a direction."""
    direction = (
        Direction.objects.select_related("case", "officer")
        .filter(pk=direction_id, status__in=OPEN_DIRECTION_STATES)
        .first()
    )
    if direction is None:
        return  # withdrawn or done before the message ran
    _send("direction_given", _context(direction), with_coverers([direction.officer]))


def send_direction_chase(direction: Direction, *, now: datetime) -> int:
    """Chase an overdue direction: the officer and whoever covers them at `now` (the sweep
    calls this under a lease)."""
    return _send(
        "direction_overdue", _context(direction), with_coverers([direction.officer], now=now)
    )

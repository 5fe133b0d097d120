"""Alerting the coordinators at once when logs become high risk (issue 3: "not at the next look
at the queue"). The alert goes through the outbox, so it commits with the evaluation that
raised it and is sent even if Redis was down at the time.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.urls import NoReverseMatch, reverse

from foundation.accounts.cover import with_coverers
from foundation.accounts.models import Role, User
from foundation.lib.mail import send_templated
from foundation.outbox.services import enqueue, outbox_handler

# A first import can make hundreds of logs high risk at once: the e-mail lists this many and
# points to the review queue for the rest.
MAX_LISTED = 50


def log_path(log_id: int) -> str:
    try:
        return reverse("cases:log_detail", args=[log_id])
    except NoReverseMatch:  # the review pages are not installed (e.g. a bare test settings)
        return f"/logs/{log_id}/"


def alert_coordinators(*, log_ids: Sequence[int]) -> None:
    """Queue one alert for these newly high-risk logs, in the caller's transaction."""
    enqueue(send_high_risk_alert, log_ids=sorted(log_ids))


@outbox_handler("cases.send_high_risk_alert")
def send_high_risk_alert(*, log_ids: list[int]) -> None:
    """E-mail every active coordinator: log ids and page paths only, no names or narrative."""
    # Whoever covers a coordinator now is told too (foundation/accounts/cover.py).
    # A log the sweep linked to a restricted case is told to that case's named users only
    # (cases/services/restrictions.py), never to every coordinator.
    from cases.services.restrictions import logs_on_restricted_cases

    restricted = logs_on_restricted_cases(log_ids)
    log_ids = [log_id for log_id in log_ids if log_id not in restricted]
    coordinators = User.objects.filter(is_active=True, roles__contains=[Role.COORDINATOR])
    if not log_ids:
        return
    listed = [{"id": log_id, "path": log_path(log_id)} for log_id in log_ids[:MAX_LISTED]]
    context = {"logs": listed, "count": len(log_ids), "more": len(log_ids) - len(listed)}
    # One message per coordinator: no one sees the others' addresses.
    send_templated("high_risk_log", context, (user.email for user in with_coverers(coordinators)))

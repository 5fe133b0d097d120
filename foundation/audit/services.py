"""Writing access records. Every access function calls `record_access`; nothing else writes."""

from __future__ import annotations

import logging

from django.db import DatabaseError, transaction

from foundation.accounts.models import RoleCover, User
from foundation.audit.context import current_request_id
from foundation.audit.models import AccessRecord

logger = logging.getLogger(__name__)


def printable(text: str) -> str:
    """The text with control characters escaped: a NUL from a hostile id cannot be stored in
    Postgres text, and must never turn a denied attempt into an unrecorded error."""
    if text.isprintable():
        return text
    return "".join(char if char.isprintable() else f"\\x{ord(char):02x}" for char in text)


def _cover_used(user: User) -> RoleCover | None:
    """The cover that answered the role checks behind this access, if one did (then forgotten,
    so the next record starts afresh)."""
    take = getattr(user, "take_cover_used", None)
    return take() if callable(take) else None


class AuditUnavailable(Exception):
    """The access record could not be written, so the data must not be served."""


def record_access(
    *,
    user: User,
    action: str,
    object_type: str,
    object_id: object,
    need: str = "",
    justification: str = "",
    outcome: str = AccessRecord.Outcome.ALLOWED,
) -> AccessRecord:
    """Write one access record synchronously. Raises AuditUnavailable if it cannot be written."""
    try:
        # A savepoint: a failed write must not poison the caller's transaction, and the caller
        # still learns that it failed.
        with transaction.atomic():
            return AccessRecord.objects.create(
                user=user,
                under_cover=_cover_used(user),
                roles=",".join(user.roles),
                agency_name=user.agency.name if user.agency_id and user.agency else "",
                action=action,
                outcome=outcome,
                object_type=object_type,
                object_id=printable(str(object_id))[:64],
                need=need[:32],
                justification=printable(justification)[:500],
                request_id=current_request_id.get(),
            )
    except DatabaseError as exc:
        logger.error("access record not written (request %s)", current_request_id.get())
        raise AuditUnavailable from exc


def record_consultations(
    *, user: User, object_type: str, object_id: object, needs: list[str]
) -> None:
    """Several consultations of one record in one insert (the panels a page shows).
    Raises AuditUnavailable if they cannot be written."""
    if not needs:
        return
    common = {
        "user": user,
        "roles": ",".join(user.roles),
        "agency_name": user.agency.name if user.agency_id and user.agency else "",
        "action": AccessRecord.Action.CONSULT,
        "outcome": AccessRecord.Outcome.ALLOWED,
        "object_type": object_type,
        "object_id": printable(str(object_id))[:64],
        "request_id": current_request_id.get(),
        "under_cover": _cover_used(user),
    }
    try:
        with transaction.atomic():
            AccessRecord.objects.bulk_create(
                AccessRecord(**common, need=need[:32]) for need in needs
            )
    except DatabaseError as exc:
        logger.error("access records not written (request %s)", current_request_id.get())
        raise AuditUnavailable from exc

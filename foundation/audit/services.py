"""Writing access records. Every access function calls `record_access`; nothing else writes."""

from __future__ import annotations

import logging

from django.db import DatabaseError, transaction

from foundation.accounts.models import User
from foundation.audit.context import current_request_id
from foundation.audit.models import AccessRecord

logger = logging.getLogger(__name__)


class AuditUnavailable(Exception):
    """The access record could not be written, so the data must not be served."""


def record_access(
    *,
    user: User | None,
    action: str,
    object_type: str,
    object_id: object,
    justification: str = "",
    outcome: str = AccessRecord.Outcome.ALLOWED,
    agency_name: str = "",
) -> AccessRecord:
    """Write one access record synchronously. Raises AuditUnavailable if it cannot be written."""
    try:
        # A savepoint: a failed write must not poison the caller's transaction, and the caller
        # still learns that it failed.
        with transaction.atomic():
            return AccessRecord.objects.create(
                user=user,
                roles=",".join(user.roles) if user else "",
                agency_name=(
                    user.agency.name if user and user.agency_id and user.agency else agency_name
                ),
                action=action,
                outcome=outcome,
                object_type=object_type,
                object_id=str(object_id)[:64],
                justification=justification[:500],
                request_id=current_request_id.get(),
            )
    except DatabaseError as exc:
        logger.error("access record not written (request %s)", current_request_id.get())
        raise AuditUnavailable from exc


def record_sign_in(
    *, user: User | None, provider: str, allowed: bool, reason: str = "", agency_name: str = ""
) -> AccessRecord:
    """Record a single sign-on, let in or refused.

    A refused person may have no account (`user` None): `reason` then says why, with the
    provider's opaque subject id, never a name or an e-mail address. `agency_name` is the
    provider's agency, recorded when there is no user to take it from. Raises AuditUnavailable
    if the record cannot be written.
    """
    return record_access(
        user=user,
        action=AccessRecord.Action.SIGN_IN,
        object_type="sign_in_provider",
        object_id=provider,
        justification=reason,
        outcome=AccessRecord.Outcome.ALLOWED if allowed else AccessRecord.Outcome.DENIED,
        agency_name=agency_name,
    )

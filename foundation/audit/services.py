"""Writing access records. Every access function calls `record_access`; nothing else writes."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.backends.utils import CursorWrapper

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


def _limit_waiting(cursor: CursorWrapper, *, keep_previous: bool) -> tuple[str, str] | None:
    """Let the current transaction wait at most HUB_AUDIT_TIMEOUT_MS for a lock or a statement.

    Postgres's own defaults wait for a lock as long as it is held: a lock on the audit table
    would hold every page until the proxy gave up. The values are SET LOCAL (`is_local`): they
    end with the transaction, or with the savepoint if that is rolled back. With
    `keep_previous`, returns the values they replace, read in the same statement (the CTE's row
    exists before the outer SELECT sets anything).
    """
    timeout = f"{settings.HUB_AUDIT_TIMEOUT_MS}ms"
    cursor.execute(
        "WITH previous AS MATERIALIZED ("
        " SELECT current_setting('lock_timeout') AS lock,"
        " current_setting('statement_timeout') AS statement)"
        " SELECT previous.lock, previous.statement,"
        " set_config('lock_timeout', %s, true), set_config('statement_timeout', %s, true)"
        " FROM previous",
        [timeout, timeout],
    )
    row = cursor.fetchone()
    return (row[0], row[1]) if keep_previous and row else None


_SET_TIMEOUTS = (
    "SELECT set_config('lock_timeout', %s, true), set_config('statement_timeout', %s, true); "
)


def _insert_with_timeouts(
    execute: Callable[..., Any],
    sql: str,
    params: Sequence[Any] | None,
    many: bool,
    context: dict[str, Any],
) -> Any:
    """An execute wrapper: the audit table's INSERT sent with the timeouts set before it, in
    one simple-query message, which Postgres runs as one transaction (the SET LOCAL values
    end with it); the cursor is left on the INSERT's result (its RETURNING row)."""
    table = connection.ops.quote_name(AccessRecord._meta.db_table)
    # `in`, not startswith: pghistory's own wrapper may have put its context in front.
    if many or f"INSERT INTO {table} " not in sql:
        return execute(sql, params, many, context)
    timeout = f"{settings.HUB_AUDIT_TIMEOUT_MS}ms"
    result = execute(_SET_TIMEOUTS + sql, [timeout, timeout, *(params or ())], many, context)
    while result is not None and result.nextset():
        pass
    return result


@contextlib.contextmanager
def _bounded_write() -> Iterator[None]:
    """Run an audit insert that waits at most HUB_AUDIT_TIMEOUT_MS: outside a transaction, one
    statement with the timeouts set in front of it; inside the caller's, in a savepoint.

    Raises AuditUnavailable if the write fails (the caller serves nothing).
    """
    # Inside a caller's transaction a released savepoint keeps SET LOCAL values until that
    # transaction ends, so the caller's own timeouts are read first and put back afterwards.
    inside_transaction = connection.in_atomic_block or not connection.get_autocommit()
    if not inside_transaction:
        # Outside one (a page's access record), the insert and its timeouts travel together:
        # one round trip instead of four (BEGIN, the timeouts, the insert, COMMIT), which was
        # a sixth of a case page's time on a loaded machine (bench/README.md).
        try:
            with connection.execute_wrapper(_insert_with_timeouts):
                yield
        except DatabaseError as exc:
            logger.error("access record not written (request %s)", current_request_id.get())
            raise AuditUnavailable from exc
        return
    try:
        # A savepoint: a failed write must not poison the caller's transaction (rolling it back
        # also undoes the timeouts), and the caller still learns that it failed.
        with transaction.atomic(), connection.cursor() as cursor:
            previous = _limit_waiting(cursor, keep_previous=inside_transaction)
            yield
            if previous is not None:
                cursor.execute(
                    "SELECT set_config('lock_timeout', %s, true), "
                    "set_config('statement_timeout', %s, true)",
                    list(previous),
                )
    except DatabaseError as exc:
        logger.error("access record not written (request %s)", current_request_id.get())
        raise AuditUnavailable from exc


def _who(user: User | None, agency_name: str = "") -> dict[str, object]:
    """The acting user as the record keeps them: roles and agency as they were at the time."""
    return {
        "user": user,
        "under_cover": _cover_used(user) if user else None,
        "roles": ",".join(user.roles) if user else "",
        "agency_name": user.agency.name if user and user.agency_id and user.agency else agency_name,
        "request_id": current_request_id.get(),
    }


def record_access(
    *,
    user: User | None,
    action: str,
    object_type: str,
    object_id: object,
    need: str = "",
    justification: str = "",
    outcome: str = AccessRecord.Outcome.ALLOWED,
    agency_name: str = "",
) -> AccessRecord:
    """Write one access record synchronously, waiting at most HUB_AUDIT_TIMEOUT_MS.

    Raises AuditUnavailable if it cannot be written in that time (the caller serves nothing).
    """
    with _bounded_write():
        return AccessRecord.objects.create(
            **_who(user, agency_name),
            action=action,
            outcome=outcome,
            object_type=object_type,
            object_id=printable(str(object_id))[:64],
            need=need[:32],
            justification=printable(justification)[:500],
        )
    raise AssertionError("unreachable")  # pragma: no cover - _bounded_write re-raises


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


def record_consultations(
    *, user: User, object_type: str, object_id: object, needs: list[str]
) -> None:
    """Several consultations of one record in one insert (the panels a page shows).
    Raises AuditUnavailable if they cannot be written."""
    if not needs:
        return
    common = {
        **_who(user),
        "action": AccessRecord.Action.CONSULT,
        "outcome": AccessRecord.Outcome.ALLOWED,
        "object_type": object_type,
        "object_id": printable(str(object_id))[:64],
    }
    records = [AccessRecord(**common, need=need[:32]) for need in needs]
    # The columns bulk_create would write (the id and `at` come from the database).
    fields = [
        field
        for field in AccessRecord._meta.concrete_fields
        if not field.primary_key and not field.has_db_default()
    ]
    with _bounded_write():
        # One multi-row INSERT, as bulk_create writes it but without the transaction
        # bulk_create opens around it: outside the caller's, the statement is its own.
        AccessRecord.objects.all()._insert(records, fields=fields)  # type: ignore[attr-defined]


def audit_writable() -> bool:
    """Whether an access record could be written now, without writing one (for /health/).

    Takes the lock an insert needs, with the same time limit, and rolls it back.
    """
    table = connection.ops.quote_name(AccessRecord._meta.db_table)
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            _limit_waiting(cursor, keep_previous=False)
            cursor.execute(f"LOCK TABLE {table} IN ROW EXCLUSIVE MODE")
            # Rolling back the savepoint (or transaction) releases the lock and the timeouts.
            transaction.set_rollback(True)
    except DatabaseError:
        return False
    return True

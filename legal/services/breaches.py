"""Breaches of orders (SPA 2019 s.8 for an SPO or interim SPO), the police response, and the
candidates the log sweep finds: a newly imported log flagged as a possible breach that names
as suspect a respondent with an order in force."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from cases.models import CrimeLog, PartyRole, SignalKind
from cases.signals.database import int_array
from foundation.accounts.models import User
from legal.models import (
    IN_FORCE_STATES,
    Breach,
    BreachCandidate,
    LegalEvent,
    PoliceResponse,
    ProtectiveOrder,
)
from legal.services.errors import LegalError, require_solicitor
from legal.services.files import add_event, not_future


@transaction.atomic
def record_breach(
    *,
    order: ProtectiveOrder,
    occurred_on: date,
    log_source: str,
    log_reference: str,
    notes: str = "",
    by: User,
    now: datetime | None = None,
) -> Breach:
    """Record a breach against the order with the crime log that records it. A reference no
    log has yet is kept and linked when the sweep imports it. Raises LegalError (nothing
    saved), also for the same breach recorded twice."""
    now = now or timezone.now()
    require_solicitor(by)
    source, reference = log_source.strip(), log_reference.strip()
    if not source or not reference:
        raise LegalError("Give the crime log's source and reference.")
    not_future(occurred_on, "date of the breach", now)
    if occurred_on < order.made_on:
        raise LegalError("A breach cannot come before the order was made.")
    if order.ended_on is not None and occurred_on > order.ended_on:
        raise LegalError("The order had ended by then.")
    log = CrimeLog.objects.filter(source=source, reference=reference).first()
    try:
        with transaction.atomic():
            breach = Breach.objects.create(
                order=order,
                occurred_on=occurred_on,
                log_source=source,
                log_reference=reference,
                log=log,
                notes=notes.strip(),
                recorded_by=by,
            )
    except IntegrityError as error:
        raise LegalError(
            f"A breach on log {source} {reference} is already recorded against this order."
        ) from error
    if log is not None:
        BreachCandidate.objects.filter(
            order=order, log=log, state=BreachCandidate.State.PENDING
        ).update(state=BreachCandidate.State.CONFIRMED, decided_by=by, decided_at=now)
    add_event(
        file=order.file,
        order=order,
        kind=LegalEvent.Kind.BREACH,
        on=occurred_on,
        summary=f"Breach recorded (log {source} {reference})",
        by=by,
    )
    return breach


@transaction.atomic
def record_breach_response(
    *, breach: Breach, response: str, sentence: str = "", notes: str = "", by: User
) -> Breach:
    """The police response to a breach: charged, cautioned, NFA, convicted, sentence.
    Raises LegalError."""
    require_solicitor(by)
    if response not in PoliceResponse.values:
        raise LegalError("Choose the police response.")
    if response == PoliceResponse.SENTENCED and not sentence.strip():
        raise LegalError("Give the sentence.")
    breach.response = response
    breach.sentence = sentence.strip()
    if notes.strip():
        breach.notes = notes.strip()
    breach.save(update_fields=["response", "sentence", "notes"])
    return breach


def _decide(candidate: BreachCandidate, state: str, by: User, now: datetime) -> None:
    updated = BreachCandidate.objects.filter(
        pk=candidate.pk, state=BreachCandidate.State.PENDING
    ).update(state=state, decided_by=by, decided_at=now)
    if updated != 1:
        raise LegalError("This candidate has already been decided.")


@transaction.atomic
def confirm_candidate(
    *, candidate: BreachCandidate, by: User, now: datetime | None = None
) -> Breach:
    """Confirm a candidate as a breach of its order. Raises LegalError."""
    now = now or timezone.now()
    require_solicitor(by)
    _decide(candidate, BreachCandidate.State.CONFIRMED, by, now)
    log = candidate.log
    moment = log.occurred_from or log.recorded_at
    return record_breach(
        order=candidate.order,
        occurred_on=max(timezone.localdate(moment), candidate.order.made_on),
        log_source=log.source,
        log_reference=log.reference,
        notes="Confirmed from the log sweep's possible breach.",
        by=by,
        now=now,
    )


@transaction.atomic
def dismiss_candidate(*, candidate: BreachCandidate, by: User, now: datetime | None = None) -> None:
    """Dismiss a candidate: not a breach of this order. Raises LegalError."""
    now = now or timezone.now()
    require_solicitor(by)
    _decide(candidate, BreachCandidate.State.DISMISSED, by, now)


def link_breaches_and_find_candidates(*, log_ids: Collection[int], now: datetime) -> None:
    """The `cases.hooks.register_logs_changed` handler (set-based: a bounded number of queries
    whatever the number of logs; inside the import batch's transaction).

    1. A breach recorded with a (source, reference) no log had is linked to the log now
       imported (or merged, or re-evaluated) with it.
    2. A log the sweep flags as a possible order breach that names as suspect a respondent with
       an order in force becomes a candidate for the solicitor (once per order and log).

    Each step first asks whether anything can match (a breach waiting for its log, an order
    in force): a hub's first import of a force's history meets neither, and the statements
    over a batch's 10,000 ids cost ~0.5 s a batch for nothing. The ids go as one array.
    """
    if not log_ids:
        return
    ids = int_array(log_ids)
    if Breach.objects.filter(log__isnull=True).exists():
        with connection.cursor() as cursor:
            cursor.execute(_LINK_BREACHES_SQL, {"ids": ids})
    in_force = ProtectiveOrder.objects.filter(
        ended_on__isnull=True, file__state__in=IN_FORCE_STATES
    )
    respondents = set(in_force.values_list("file__respondent_id", flat=True))
    if not respondents:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            _BREACH_PAIRS_SQL,
            {
                "ids": ids,
                "respondents": int_array(respondents),
                "suspect": PartyRole.SUSPECT.value,
                "kind": [SignalKind.ORDER_BREACH.value],
            },
        )
        pairs = cursor.fetchall()
    by_person: dict[int, set[int]] = {}
    for log_id, person_id in pairs:
        by_person.setdefault(person_id, set()).add(log_id)
    if not by_person:
        return
    orders = in_force.filter(file__respondent_id__in=list(by_person)).values_list(
        "pk", "file__respondent_id"
    )
    flagged = sorted({log_id for found in by_person.values() for log_id in found})
    recorded = set(Breach.objects.filter(log_id__in=flagged).values_list("order_id", "log_id"))
    BreachCandidate.objects.bulk_create(
        [
            BreachCandidate(order_id=order_id, log_id=log_id, found_at=now)
            for order_id, person_id in orders
            for log_id in sorted(by_person[person_id])
            if (order_id, log_id) not in recorded
        ],
        ignore_conflicts=True,
    )


# Driven by the ids (one index probe each, whatever the statistics of a bulk load say).
_LINK_BREACHES_SQL = """
UPDATE legal_breach b SET log_id = l.id
  FROM unnest(%(ids)s::bigint[]) AS ids(id)
  JOIN cases_crimelog l ON l.id = ids.id
 WHERE b.log_id IS NULL AND b.log_source = l.source AND b.log_reference = l.reference
"""

_BREACH_PAIRS_SQL = """
SELECT DISTINCT p.log_id, p.person_id
  FROM unnest(%(ids)s::bigint[]) AS ids(id)
  JOIN cases_crimelog l ON l.id = ids.id
  JOIN cases_logparty p ON p.log_id = l.id
 WHERE l.signal_kinds @> %(kind)s::varchar[]
   AND p.role = %(suspect)s
   AND p.person_id = ANY(%(respondents)s::bigint[])
"""

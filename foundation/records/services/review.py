"""Review and disposal: listing what is due under the retention rules, retaining, queueing
and disposing in restartable batches, and the rules themselves
(docs/information-management.md)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import ProtectedError, Q
from django.utils import timezone

from foundation.accounts.models import User
from foundation.audit.models import AccessRecord
from foundation.outbox.services import enqueue, outbox_handler
from foundation.records.models import RecordReview, RetentionRule, Tombstone
from foundation.records.registry import record_type, record_types
from foundation.records.rules import RuleInForce, rules_in_force
from foundation.records.services.errors import RecordsError

logger = logging.getLogger(__name__)

# Inserting review rows: bounded batches, whatever the number due.
INSERT_BATCH = 2000
# A disposal claim older than this is taken again (a killed worker's batch).
DISPOSAL_LEASE = timedelta(minutes=15)


# --- Review ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class DueReport:
    listed: int  # records newly due (or due again after their retention date)
    queued_by_rule: int  # automatic types queued for disposal without a review


def list_due_reviews(*, now: datetime) -> DueReport:
    """The beat job's work: mark every record due under its rule (set-based per type).

    A record already listed stays as it is; one retained until a date now passed is due
    again. Automatic types (crime-log copies the hub never used) are queued for disposal by
    the rule. Safe to run twice or concurrently (a unique row per record)."""
    listed = queued = 0
    today = timezone.localdate(now)
    for rule in rules_in_force():
        if rule.years is None:
            continue
        kind = rule.record_type
        due_ids = kind.due(now, rule.years).values_list("pk", flat=True)
        state = RecordReview.State.QUEUED if kind.automatic else RecordReview.State.DUE
        reason = f"Expired by rule: {rule.description}" if kind.automatic else ""
        with transaction.atomic():
            _bulk_trigger_settings()
            # Retained records whose date has come: due again (the decision stays in history).
            again = RecordReview.objects.filter(
                record_type=kind.key,
                state=RecordReview.State.RETAINED,
                review_on__lte=today,
                object_id__in=due_ids,
            ).update(state=state, due_since=now, reason=reason, decided_by=None, decided_at=None)
            known = RecordReview.objects.filter(record_type=kind.key).values("object_id")
            fresh = list(due_ids.exclude(pk__in=known))
            for start in range(0, len(fresh), INSERT_BATCH):
                created = RecordReview.objects.bulk_create(
                    [
                        RecordReview(
                            record_type=kind.key,
                            object_id=pk,
                            state=state,
                            due_since=now,
                            reason=reason,
                            decided_at=now if kind.automatic else None,
                        )
                        for pk in fresh[start : start + INSERT_BATCH]
                    ],
                    ignore_conflicts=True,
                )
                if kind.automatic:
                    queued += len(created)
                else:
                    listed += len(created)
            if kind.automatic:
                queued += again
            else:
                listed += again
    logger.info("Retention review: %s newly due, %s queued by rule", listed, queued)
    return DueReport(listed=listed, queued_by_rule=queued)


def _bulk_trigger_settings() -> None:
    """Give the history triggers' session settings a value, so a transaction writing many
    tracked rows stays linear (docs: PACKAGES, pghistory in large transactions)."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL pgtrigger.ignore = '{}'")


@transaction.atomic
def retain_records(
    *, reviews: Sequence[RecordReview], reason: str, review_on: date, by: User, now: datetime
) -> int:
    """Keep these records with a reason until a new review date. Raises RecordsError."""
    reason = reason.strip()
    if not reason:
        raise RecordsError("Give the reason for keeping these records.")
    if review_on <= timezone.localdate(now):
        raise RecordsError("The next review date must be after today.")
    ids = [r.pk for r in reviews]
    return RecordReview.objects.filter(
        pk__in=ids, state__in=[RecordReview.State.DUE, RecordReview.State.BLOCKED]
    ).update(
        state=RecordReview.State.RETAINED,
        reason=reason[:500],
        review_on=review_on,
        decided_by=by,
        decided_at=now,
    )


@transaction.atomic
def queue_disposal(*, reviews: Sequence[RecordReview], reason: str, by: User, now: datetime) -> int:
    """Decide to dispose of these records; the disposal job deletes them in batches."""
    ids = [r.pk for r in reviews]
    queued = RecordReview.objects.filter(
        pk__in=ids, state__in=[RecordReview.State.DUE, RecordReview.State.BLOCKED]
    ).update(
        state=RecordReview.State.QUEUED,
        reason=reason.strip()[:500] or "Disposed on review",
        decided_by=by,
        decided_at=now,
        claimed_at=None,
    )
    if queued:
        # Committed with the decision: the disposal runs even if the broker is down now.
        enqueue(run_disposal)
    return queued


@dataclass(frozen=True)
class DisposalReport:
    disposed: int
    blocked: int
    batches: int


def _claim_batch(*, now: datetime, size: int) -> list[RecordReview]:
    """Claim the next batch of one record type, dependants first (an atomic UPDATE with a
    lease: a killed worker's claim is taken again once the lease has passed)."""
    order = [t.key for t in record_types()]
    stale = Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - DISPOSAL_LEASE)
    for key in order:
        candidates = list(
            RecordReview.objects.filter(stale, record_type=key, state=RecordReview.State.QUEUED)
            .order_by("pk")
            .values_list("pk", flat=True)[:size]
        )
        if not candidates:
            continue
        claimed = RecordReview.objects.filter(stale, pk__in=candidates).update(claimed_at=now)
        if claimed:
            return list(
                RecordReview.objects.filter(pk__in=candidates, claimed_at=now).order_by("pk")
            )
    return []


def _rules_by_key() -> dict[str, RuleInForce]:
    return {rule.record_type.key: rule for rule in rules_in_force()}


def _dispose_batch(batch: list[RecordReview], rule: RuleInForce, now: datetime) -> tuple[int, int]:
    """Dispose of one claimed batch in one transaction: the records (history included), a
    tombstone and an access record for each, the reviews marked disposed. Records another
    still hangs on are marked blocked, the rest disposed."""
    kind = rule.record_type
    disposable: list[RecordReview] = []
    blocked: list[RecordReview] = []
    with transaction.atomic():
        try:
            with transaction.atomic():
                kind.dispose([r.object_id for r in batch], now)
            disposable = batch
        except ProtectedError:
            # One by one, to find which are held by another record.
            for review in batch:
                try:
                    with transaction.atomic():
                        kind.dispose([review.object_id], now)
                    disposable.append(review)
                except ProtectedError:
                    blocked.append(review)
        Tombstone.objects.bulk_create(
            [
                Tombstone(
                    record_type=kind.key,
                    object_id=r.object_id,
                    disposed_at=now,
                    rule=rule.description[:300],
                    decided_by_id=r.decided_by_id,
                    reason=r.reason,
                )
                for r in disposable
            ],
            ignore_conflicts=True,
        )
        _record_disposals(disposable, kind.key, rule.description)
        RecordReview.objects.filter(pk__in=[r.pk for r in disposable]).update(
            state=RecordReview.State.DISPOSED, claimed_at=None
        )
        RecordReview.objects.filter(pk__in=[r.pk for r in blocked]).update(
            state=RecordReview.State.BLOCKED,
            claimed_at=None,
            reason="Another record still hangs on this one: review or dispose of it first.",
        )
    return len(disposable), len(blocked)


def _record_disposals(reviews: list[RecordReview], object_type: str, rule: str) -> None:
    """One access record per disposed record (need `dispose`), in one insert for the batch:
    written in the batch's transaction, so a disposal is never without its record."""
    deciders = {
        user.pk: user
        for user in User.objects.filter(
            pk__in={r.decided_by_id for r in reviews if r.decided_by_id}
        ).select_related("agency")
    }

    def who(review: RecordReview) -> tuple[User | None, str, str]:
        user = deciders.get(review.decided_by_id or 0)
        if user is None:
            return None, "", ""
        return user, ",".join(user.roles), user.agency.name if user.agency else ""

    rows = []
    for review in reviews:
        user, roles, agency_name = who(review)
        rows.append(
            AccessRecord(
                user=user,
                roles=roles,
                agency_name=agency_name,
                action=AccessRecord.Action.CONSULT,
                outcome=AccessRecord.Outcome.ALLOWED,
                object_type=object_type,
                object_id=str(review.object_id),
                need="dispose",
                justification=f"Disposed under the retention rule: {rule}"[:500],
            )
        )
    AccessRecord.objects.bulk_create(rows)


def dispose_queued(*, now: datetime, batch_size: int | None = None) -> DisposalReport:
    """Dispose of every queued record, a batch per transaction. Restartable: a batch killed
    mid-way rolls back whole and is claimed again after the lease; a disposed record has its
    tombstone and is never disposed twice."""
    size = batch_size or settings.HUB_DISPOSAL_BATCH
    rules = _rules_by_key()
    disposed = blocked = batches = 0
    while batch := _claim_batch(now=now, size=size):
        done, held = _dispose_batch(batch, rules[batch[0].record_type], now)
        disposed += done
        blocked += held
        batches += 1
    logger.info("Disposal: %s disposed, %s blocked, %s batches", disposed, blocked, batches)
    return DisposalReport(disposed=disposed, blocked=blocked, batches=batches)


@outbox_handler("records.dispose_queued")
def run_disposal() -> None:
    """The outbox's follow-up of a decision to dispose (the nightly job catches any left)."""
    dispose_queued(now=timezone.now())


# --- Retention rules ------------------------------------------------------------------------


@transaction.atomic
def update_rule(*, key: str, years: int, basis: str, notes: str, by: User) -> RetentionRule:
    """Change the years (and wording) of one record type's rule. Raises RecordsError."""
    kind = record_type(key)
    if kind.rule.years_setting:
        raise RecordsError(f"This rule's years come from the setting {kind.rule.years_setting}.")
    if not 1 <= years <= 100:
        raise RecordsError("Give a number of years between 1 and 100.")
    rule, _ = RetentionRule.objects.update_or_create(
        record_type=key,
        defaults={
            "years": years,
            "basis": basis.strip() or kind.rule.basis,
            "notes": notes,
            "updated_by": by,
        },
    )
    return rule

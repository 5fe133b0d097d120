"""The recording-gap summary: the team report's figures stored per (officer field, area, month).

The team report (`/learning/gaps/`) and a team's trend read `GapSummaryRow` only, never the
crime logs: a few queries of a few thousand rows at a million logs. The rows are exactly the
live computation's (`learning.gaps.grouped_rows`), so the report reads the same figures either
way (tests/learning/test_summary.py compares them). Officers are matched to rosters when the
report is read, so a roster change shows at once.

What refreshes it:

- **beat** (`learning.refresh_gap_summary`, every 10 minutes): every month, all over again;
- **an import** (the `cases.hooks` "logs changed" handler): the months of the batch's logs the
  hub has already decided as stalking (one query, two when it finds some; a batch of new logs
  has none, and queues nothing), through the outbox after the batch commits;
- **a review decision** (a saved `LogReview` that decides a log as stalking, or changes an
  earlier decision): that log's month, through the outbox;
- **a risk assessment** recorded on a case: the months of the case's decided logs.

The outbox row commits with the change, so a Redis outage delays the refresh and never loses
it; the same months already waiting unpublished are not queued twice (a bulk review). A
refresh takes a transaction-scoped advisory lock and replaces its months' rows, so two refreshes
at once (a message delivered twice, beat and an import together) queue and store the same rows.
A log whose recording time moves to another month leaves its old month to the next beat
refresh.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from datetime import date, datetime
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Min, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from cases.models import CrimeLog, LogReview
from foundation.lib.figures import add_months, month_range, month_start
from foundation.lib.working_time import LONDON
from foundation.outbox.models import OutboxMessage
from foundation.outbox.services import enqueue, outbox_handler
from learning.gaps import DECIDED_AS_STALKING, grouped_rows, month_bounds
from learning.models import GapSummaryMonth, GapSummaryRow

# An arbitrary constant for pg_advisory_xact_lock: one refresh at a time.
_LOCK_KEY = 2_104_211
# A full refresh stamps at least this many months back (the report's longest window).
STAMPED_MONTHS = 36
BATCH = 2000
REFRESH_HANDLER = "learning.refresh_gap_months"


def _month_of(moment: datetime | date) -> date:
    if isinstance(moment, datetime):
        return moment.astimezone(LONDON).date().replace(day=1)
    return moment.replace(day=1)


def _decided(months: Collection[date] | None) -> Any:
    logs = CrimeLog.objects.filter(review__outcome__in=DECIDED_AS_STALKING)
    if months is None:
        return logs
    within = Q()
    for month in months:
        low, high = month_bounds(month, month)
        within |= Q(recorded_at__gte=low, recorded_at__lt=high)
    return logs.filter(within)


def refresh_gap_summary(*, now: datetime, months: Collection[date] | None = None) -> int:
    """Recompute the summary rows of `months` (None: every month) and store them; returns the
    number of rows stored. Idempotent, and safe under concurrency (an advisory lock)."""
    wanted = None if months is None else sorted({month_start(m) for m in months})
    if wanted == []:
        return 0
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
        rows = [
            GapSummaryRow(
                officer=row["officer"],
                area=row["area"],
                month=_month_of(row["month"]),
                decided=row["decided"],
                tagged=row["tagged"],
                assessed=row["assessed"],
                decision_seconds=float(row["seconds"] or 0),
                computed_at=now,
            )
            for row in grouped_rows(_decided(wanted))
        ]
        stale = GapSummaryRow.objects.all()
        if wanted is not None:
            stale = stale.filter(month__in=wanted)
        stale.delete()
        GapSummaryRow.objects.bulk_create(rows, batch_size=BATCH)
        stamped = set(wanted) if wanted is not None else _every_month(now, rows)
        GapSummaryMonth.objects.bulk_create(
            [GapSummaryMonth(month=month, computed_at=now) for month in sorted(stamped)],
            update_conflicts=True,
            unique_fields=["month"],
            update_fields=["computed_at"],
        )
    return len(rows)


def _every_month(now: datetime, rows: Iterable[GapSummaryRow]) -> set[date]:
    """The months a full refresh vouches for: the last 36, every month with a row, and next
    month (empty until it starts; its first import or decision refreshes it), so the report
    does not say "not computed" for the first minutes of each month."""
    this_month = month_start(timezone.localdate(now))
    months = {row.month for row in rows}
    first = min([add_months(this_month, -(STAMPED_MONTHS - 1)), *months])
    last = max([add_months(this_month, 1), *months])
    return set(month_range(first, last))


def stored_rows(first: date, last: date) -> list[Mapping[str, Any]]:
    """The stored rows of the months `first`..`last`, in the shape of the live rows. One query."""
    return [
        {
            "officer": row["officer"],
            "area": row["area"],
            "month": row["month"],
            "decided": row["decided"],
            "tagged": row["tagged"],
            "assessed": row["assessed"],
            "seconds": row["decision_seconds"],
        }
        for row in GapSummaryRow.objects.filter(
            month__gte=month_start(first), month__lte=month_start(last)
        ).values("officer", "area", "month", "decided", "tagged", "assessed", "decision_seconds")
    ]


def computed_at(first: date, last: date) -> datetime | None:
    """When the figures of the months `first`..`last` were computed: the oldest month's
    computation (None: a month in the window not computed yet). One query."""
    stamps = GapSummaryMonth.objects.filter(
        month__gte=month_start(first), month__lte=month_start(last)
    ).aggregate(oldest=Min("computed_at"), months=Count("month"))
    if stamps["months"] < len(month_range(month_start(first), month_start(last))):
        return None
    oldest = stamps["oldest"]
    return oldest if isinstance(oldest, datetime) else None


# --- What makes it stale ------------------------------------------------------------------------


def _queue(months: Collection[date | datetime]) -> None:
    """Queue a refresh of `months` unless the same refresh already waits unpublished (queued
    earlier in this transaction: a bulk review of many logs of one month queues it once; or
    committed and not yet handed to the broker, so it will read this change too). One query."""
    wanted = sorted({_month_of(month).isoformat() for month in months if month})
    if not wanted:
        return
    waiting = OutboxMessage.objects.filter(
        handler=REFRESH_HANDLER,
        completed_at=None,
        published_at=None,
        kwargs={"months": wanted},
    )
    if not waiting.exists():
        enqueue(refresh_gap_months, months=wanted)


def gaps_after_logs_changed(*, log_ids: Collection[int], now: datetime) -> None:
    """cases.hooks handler: queue a refresh of the months of the batch's logs already decided
    as stalking (one query; new logs have no decision, so a first import queues nothing)."""
    if not log_ids:
        return
    months = (
        CrimeLog.objects.filter(pk__in=list(log_ids), review__outcome__in=DECIDED_AS_STALKING)
        .order_by()
        .annotate(month=TruncMonth("recorded_at", tzinfo=LONDON))
        .values_list("month", flat=True)
        .distinct()
    )
    _queue(list(months))


def gaps_after_review(review: LogReview, *, created: bool) -> None:
    """A review saved: its log's month, unless a first decision that is not stalking (which
    changes nothing the report counts). One query (two when the review's log is not loaded)."""
    if created and review.outcome not in DECIDED_AS_STALKING:
        return
    _queue([review.log.recorded_at])


def gaps_after_assessment(case_id: int) -> None:
    """A risk assessment recorded: the months of the case's decided logs (one query)."""
    months = (
        CrimeLog.objects.filter(review__case_id=case_id, review__outcome__in=DECIDED_AS_STALKING)
        .order_by()
        .annotate(month=TruncMonth("recorded_at", tzinfo=LONDON))
        .values_list("month", flat=True)
        .distinct()
    )
    _queue(list(months))


@outbox_handler(REFRESH_HANDLER)
def refresh_gap_months(*, months: list[str]) -> None:
    refresh_gap_summary(now=timezone.now(), months=[date.fromisoformat(m) for m in months])

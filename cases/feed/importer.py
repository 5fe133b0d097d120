"""The crime-log import: stream a feed file into Postgres in batches, idempotently.

Per batch (one transaction): the parsed rows are COPYed into temporary staging tables, then a
few set-based statements upsert them (new logs inserted; existing logs updated only where a
value really changed; parties replaced per role only where they differ), the rejected rows
are stored with their reasons, and the import's progress is saved. After each batch the new
and changed logs' parties are linked to people, their signals evaluated and the registered
after-import hooks run. A batch holds at most BATCH_SIZE rows, so memory is flat whatever
the file size; an import that stops part-way resumes after the last committed batch.
"""

from __future__ import annotations

import gc
import hashlib
import logging
import queue
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import BinaryIO, Final, Literal, cast

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connection, transaction
from django.db.models import F
from django.utils import timezone

from cases.feed.digests import StoredDigests, load_stored_digests
from cases.feed.evaluation import Evaluator, evaluate_left_marked, mark
from cases.feed.parsing import FeedReader, Format, detect_format
from cases.feed.prescan import check_decodable
from cases.feed.schema import FeedUnreadable, ParsedRecord, RawBatch, RawRecord, RowError
from cases.feed.staging import (
    STAGE_SQL,
    changed_rows,
    keys_met_before,
    stage_batch,
    start_earlier_keys,
    upsert_staged,
)
from cases.models import FeedImport, FeedImportError
from cases.phases import phase
from foundation.accounts.models import User

logger = logging.getLogger(__name__)

BATCH_SIZE: Final = 10_000
# Batches split ahead of the one being written (memory: READ_AHEAD + 1 batches at most;
# one batch ahead already overlaps the reading with the writing).
READ_AHEAD: Final = 1
# A re-import's changed rows are gathered over at most this many read batches before they
# are written (progress is saved, and a stopped import resumes, per write).
STRETCH_BATCHES: Final = 20
# Below this many written rows an import leaves statistics to autovacuum.
ANALYZE_MIN_ROWS: Final = 20_000
CHECKSUM_CHUNK: Final = 1 << 20
# Allocations between two collections of the youngest generation during an import.
GC_THRESHOLD: Final = 50_000
# A failure on the file is tried again this long after (HUB_FEED_MAX_FILE_ATTEMPTS in all).
FILE_RETRY_DELAY: Final = timedelta(minutes=15)
# An unavailable database or broker: 1, 2, 4 … minutes, never longer than an hour.
TRANSIENT_FIRST_DELAY: Final = timedelta(minutes=1)
TRANSIENT_MAX_DELAY: Final = timedelta(hours=1)
FINAL_STATUSES: Final = frozenset(
    {FeedImport.Status.DONE, FeedImport.Status.REFUSED, FeedImport.Status.FAILED}
)


class ImportRefused(Exception):
    """The whole file was refused (unreadable); nothing from it was imported."""


def file_checksum(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHECKSUM_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def is_decodable(path: Path) -> bool:
    """Whether the whole file decodes (the check `run_import` makes first)."""
    try:
        with path.open("rb") as handle:
            check_decodable(handle)
    except FeedUnreadable:
        return False
    return True


def create_feed_import(
    *,
    path: Path,
    origin: str,
    source: str | None = None,
    fmt: Format | None = None,
    by: User | None = None,
    checksum: str | None = None,
    file_name: str | None = None,
) -> FeedImport:
    """Record a feed file waiting to be imported."""
    return FeedImport.objects.create(
        source=(source or "rms").strip().lower(),
        file_name=(file_name or path.name)[:255],
        file_path=str(path),
        file_format=fmt or detect_format(path),
        file_size=path.stat().st_size,
        checksum=checksum or file_checksum(path),
        origin=origin,
        started_by=by,
    )


def run_import(
    feed_import: FeedImport,
    *,
    now: datetime | None = None,
    batch_size: int = BATCH_SIZE,
    on_progress: Callable[[FeedImport], None] | None = None,
    checked_decodable: bool = False,
) -> FeedImport:
    """Import the file behind `feed_import`. Raises ImportRefused for an unreadable file.

    `checked_decodable`: the caller has just decoded the whole file (`is_decodable`)."""
    now = now or timezone.now()
    path = Path(feed_import.file_path)
    resume_after = feed_import.rows_processed
    # Holding the lease (renewed with each batch) lets a stopped import be seen as
    # interrupted, whoever ran it: a worker, or the import_logs command.
    FeedImport.objects.filter(pk=feed_import.pk).update(
        status=FeedImport.Status.RUNNING,
        started_at=feed_import.started_at or now,
        claimed_at=timezone.now(),
        retry_at=None,
    )
    try:
        if not checked_decodable:
            with path.open("rb") as handle:
                check_decodable(handle)
        with path.open("rb") as handle, _fewer_collections():
            reader = FeedReader(
                handle,
                fmt=feed_import.file_format,  # type: ignore[arg-type]
                default_source=feed_import.source,
                now=now,
            )
            statistics = TableStatistics()
            # Into a table without logs (a hub's first import) every key is new: no stored
            # digest to compare with. Only a shortcut: a log another import inserts meanwhile
            # is found by the upsert as it always is (its values compared, nothing lost).
            check_digests = _holds_logs()
            # There too, the duplicate-key rule across batches is held in Postgres, not in
            # the reader's memory (staging.start_earlier_keys): the import's memory stays flat
            # in the file's size. A re-import keeps the file's keys in memory.
            earlier_keys = _EarlierKeys() if not check_digests else None
            # Every stored digest, read once (cases/feed/digests.py); None: ask per batch.
            stored: StoredDigests | None = None
            if check_digests:
                with phase("digests"):
                    stored = load_stored_digests(statistics.known)
            # Logs a stopped import committed but did not evaluate (cases.feed.evaluation).
            evaluate_left_marked(now=now)
            # In the caller's transaction (tests) another connection would not see the batches.
            evaluator = Evaluator(now=now, overlap=not connection.in_atomic_block)

            def write(stretch: _Stretch) -> None:
                written = _write_stretch(
                    feed_import, reader, stretch, now=now, before_rewrite=evaluator.wait
                )
                # Committed with its marks: evaluated from here on, overlapping the next.
                evaluator.add(written)
                with phase("analyze"):
                    statistics.note_written(len(written))
                _forget_statement_texts()
                if on_progress:
                    on_progress(feed_import)

            try:
                stretch = _Stretch(last_row=resume_after, ask=check_digests)

                def classify(raw_batch: RawBatch) -> tuple[list[RawRecord], set[int]]:
                    with phase("digests"):
                        candidates = _candidates(raw_batch, check_digests, stored)
                    if earlier_keys is None:
                        return candidates, set()
                    with phase("duplicates"):
                        return candidates, earlier_keys.rows_met_before(raw_batch)

                for raw_batch, bytes_read, (candidates, met) in _timed(
                    _read_ahead(
                        reader,
                        handle,
                        batch_size=batch_size,
                        classify=classify,
                        keys="file" if earlier_keys is None else "batch",
                    ),
                    "read",
                ):
                    repeated = _repeated(reader, candidates, met, resume_after)
                    stretch.take(raw_batch, resume_after, bytes_read, candidates, repeated)
                    if stretch.ready(batch_size):
                        write(stretch)
                        stretch = _Stretch(last_row=stretch.last_row, ask=check_digests)
                if stretch.batches:
                    write(stretch)
                evaluator.finish()
            except BaseException:
                # The batches committed so far are evaluated if the database allows it; else
                # their marks remain for the resumed import.
                _finish_after_failure(evaluator)
                raise
            with phase("analyze"):
                statistics.refresh_if_stale(final=True)
            _finish(feed_import, reader)
    except FeedUnreadable as exc:
        _refuse(feed_import, str(exc))
        raise ImportRefused(str(exc)) from exc
    except Exception as exc:
        record_failure(feed_import, exc, now=timezone.now())
        raise
    feed_import.refresh_from_db()
    return feed_import


def is_transient(exc: BaseException) -> bool:
    """An error that may pass by itself: the database or the broker unavailable (a lost
    connection, a lock or statement timeout). Anything else raised while reading, converting
    or writing the file's rows is the file's (bad data the database refused included)."""
    from kombu.exceptions import OperationalError as BrokerError

    return isinstance(exc, OperationalError | InterfaceError | BrokerError | ConnectionError)


def retry_delay(failures: int) -> timedelta:
    """Back-off for an unavailable database or broker: 1, 2, 4 … minutes, at most an hour."""
    return min(TRANSIENT_FIRST_DELAY * 2 ** max(failures - 1, 0), TRANSIENT_MAX_DELAY)


def record_failure(feed_import: FeedImport, exc: BaseException, *, now: datetime) -> None:
    """Note a failed attempt: retry it (with back-off if transient), or, after
    HUB_FEED_MAX_FILE_ATTEMPTS failures on the file itself, mark the import failed and
    e-mail the coordinators and admins once (docs/log-feed.md, "When an import fails")."""
    transient = is_transient(exc)
    if transient and not connection.in_atomic_block:
        # The connection may be broken: start again on a new one for the bookkeeping.
        connection.close()
    logger.warning(
        "feed import %s failed (%s, %s)",
        feed_import.pk,
        type(exc).__name__,
        "transient" if transient else "file",
    )
    try:
        with transaction.atomic():
            current = FeedImport.objects.select_for_update().get(pk=feed_import.pk)
            if current.status in FINAL_STATUSES:
                return
            if transient:
                current.transient_failures += 1
                delay = retry_delay(current.transient_failures)
                current.status = FeedImport.Status.RETRY
                current.retry_at = now + delay
                current.failure = (
                    "The database or the message broker was unavailable. The import resumes "
                    f"where it stopped, in {_minutes(delay)} (and later again while it lasts)."
                )
            else:
                current.file_attempts += 1
                if current.file_attempts >= settings.HUB_FEED_MAX_FILE_ATTEMPTS:
                    current.status = FeedImport.Status.FAILED
                    current.retry_at = None
                    current.finished_at = now
                    current.failure = (
                        f"The import failed {current.file_attempts} times on the file "
                        f"({_reason(exc)}) and is not tried again. Rows imported before the "
                        "failure are kept. Send a corrected file (a file with the same content "
                        "is not imported again)."
                    )
                else:
                    current.status = FeedImport.Status.RETRY
                    current.retry_at = now + FILE_RETRY_DELAY
                    current.failure = (
                        f"The import failed on the file ({_reason(exc)}), attempt "
                        f"{current.file_attempts} of {settings.HUB_FEED_MAX_FILE_ATTEMPTS}. "
                        "It is tried again, from where it stopped, in "
                        f"{_minutes(FILE_RETRY_DELAY)}."
                    )
            current.claimed_at = None
            current.save(
                update_fields=[
                    "status",
                    "retry_at",
                    "finished_at",
                    "failure",
                    "file_attempts",
                    "transient_failures",
                    "claimed_at",
                ]
            )
            if current.status == FeedImport.Status.FAILED:
                _notify_failed(current)
    except DatabaseError:
        # Still unavailable: the lease runs out and the import is resumed as interrupted.
        logger.warning("feed import %s: its failure could not be recorded", feed_import.pk)


def _reason(exc: BaseException) -> str:
    """What went wrong, without the exception's text (it can quote a row's values)."""
    return f"an error of type {type(exc).__name__} while reading or importing it"


def _minutes(delay: timedelta) -> str:
    minutes = max(1, round(delay.total_seconds() / 60))
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def _notify_failed(feed_import: FeedImport) -> None:
    from cases.feed.notify import send_import_failed
    from foundation.outbox.services import enqueue

    enqueue(send_import_failed, import_id=feed_import.pk)


_DONE: Final = object()


@contextmanager
def _fewer_collections() -> Iterator[None]:
    """Python's cyclic garbage collector, less often, over the import's own objects only.

    An import makes millions of short-lived objects (a record, its cells, its values) and
    almost no cycles; at the default threshold (700 allocations) the collector ran every few
    rows and, now and then, over every object the process holds. Objects made before the
    import are frozen out of its collections and collections come every GC_THRESHOLD
    allocations: stage one of a re-import went ~15% faster. Restored afterwards (a worker
    process runs other tasks too).
    """
    threshold = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(GC_THRESHOLD, *threshold[1:])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()


def _timed[T](items: Iterator[T], name: str) -> Iterator[T]:
    """Yield from `items`, counting the time spent waiting for each under phase `name`."""
    while True:
        with phase(name):
            item = next(items, _DONE)
        if item is _DONE:
            return
        yield item  # type: ignore[misc]


def _read_ahead[T](
    reader: FeedReader,
    handle: BinaryIO,
    *,
    batch_size: int,
    classify: Callable[[RawBatch], T],
    keys: Literal["file", "batch"] = "file",
) -> Iterator[tuple[RawBatch, int, T]]:
    """Split the next batch in a second thread while this one waits on Postgres, and
    `classify` it there (which of its rows are unchanged, which keys an earlier batch had):
    in the thread that made the batch, the two do not take turns at the interpreter with
    the import's thread.

    The reading thread writes nothing the import keeps (its own connection, if `classify`
    opens one, holds only a temporary table, closed with the thread), so every write stays
    on the caller's connection and transaction. At most READ_AHEAD batches wait in memory.
    """
    batches: queue.Queue[object] = queue.Queue(maxsize=READ_AHEAD)
    stop = threading.Event()

    def read() -> None:
        try:
            for raw_batch in reader.raw_batches(batch_size, keys=keys):
                item = (raw_batch, handle.tell(), classify(raw_batch))
                while not stop.is_set():
                    try:
                        batches.put(item, timeout=0.5)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            batches.put(_DONE)
        except BaseException as exc:  # handed to the consumer, which re-raises it
            batches.put(exc)
        finally:
            connection.close()  # the thread's own, if classify opened one

    thread = threading.Thread(target=read, name="feed-reader", daemon=True)
    thread.start()
    try:
        while True:
            item = batches.get()
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise item
            yield item  # type: ignore[misc]
    finally:
        stop.set()
        thread.join(timeout=5)


class TableStatistics:
    """Keep the planner's statistics in step with a bulk load.

    Autovacuum analyses a table only some time after it grew, and until then the planner
    plans for the old row counts: after a first import of a million logs, the lookups of the
    next batches (and of the next import) hash whole tables instead of probing an index, ten
    times slower. So we ANALYZE the tables the import writes whenever the rows written since
    the last ANALYZE reach the size the statistics knew — doubling steps, a few times per
    import — and once at the end.
    """

    TABLES: Final = (
        "cases_crimelog",
        "cases_logparty",
        "cases_person",
        "cases_personidentifier",
        "cases_logsignal",
    )
    IMPORT_COLUMNS: Final = (
        "cases_crimelog (id, source, reference)",
        "cases_logparty (id, log_id, role, person_id)",
        "cases_person (id, name_normalised, date_of_birth, merged_into_id)",
        "cases_personidentifier (person_id, source, value)",
        "cases_logsignal (log_id, kind)",
    )

    def __init__(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT coalesce(sum(greatest(reltuples, 0)), 0)::bigint FROM pg_class "
                "WHERE oid = 'cases_crimelog'::regclass"
            )
            self.known = int(cursor.fetchone()[0])
        self.pending = 0
        self.narrowed = False

    def note_written(self, rows: int) -> None:
        self.pending += rows
        if self.pending >= max(self.known, ANALYZE_MIN_ROWS):
            self.refresh_if_stale()

    def refresh_if_stale(self, *, final: bool = False) -> None:
        # After narrow refreshes the final one runs whatever is pending: the wide columns were
        # not sampled during the import.
        # At the end, rows written that are under a tenth of the table (a nightly feed's
        # changes) are left to autovacuum, whose own threshold is that tenth: 1% of a
        # million logs changed took a full ANALYZE of five tables (1.4 s) for statistics
        # that hardly moved.
        small = max(ANALYZE_MIN_ROWS // 10, self.known // 10)
        stale = self.pending and not (final and self.pending < small)
        if not stale and not (final and self.narrowed):
            return
        # During the import only the row counts and the columns its own statements join and
        # filter on matter (a third of the time of a whole ANALYZE: the narratives and other
        # wide columns are not sampled); the final refresh takes every column, for the pages
        # that read the logs afterwards.
        tables = self.TABLES if final else self.IMPORT_COLUMNS
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {', '.join(tables)}")
        self.narrowed = not final
        self.known += self.pending
        self.pending = 0


@dataclass
class _Stretch:
    """The rows read since the last write, written in one transaction: the records that may
    be new or changed, the rows rejected in stage one, how many were unchanged, how far the
    file was read. A re-import's few such rows are gathered over up to STRETCH_BATCHES read
    batches, so a 1%-changed file is written in a few transactions instead of one per 10,000
    rows; a stopped import resumes after the last stretch written."""

    last_row: int
    # Whether Postgres is asked which records are new or changed (the stored digests did not
    # tell: cases/feed/digests.py); False into a table without logs, where all are new.
    ask: bool
    records: list[RawRecord] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    unchanged: int = 0
    bytes_read: int = 0
    batches: int = 0

    def take(
        self,
        raw_batch: RawBatch,
        resume_after: int,
        bytes_read: int,
        candidates: list[RawRecord],
        repeated: dict[int, list[RowError]],
    ) -> None:
        """Add a read batch, of which only `candidates` may be new or changed: the others'
        raw digests match the ones stored for their keys, so they are counted unchanged
        without being converted or written (docs/log-feed.md). `repeated`: the errors of
        the candidates, by row, whose key an earlier batch had (_repeated)."""
        taken = [raw for raw in candidates if raw.row > resume_after]
        after = (
            len(raw_batch)
            if not resume_after
            else sum(1 for row in raw_batch.rows if row > resume_after)
        )
        self.unchanged += after - len(taken)
        if repeated:
            taken = [raw for raw in taken if raw.row not in repeated]
            self.errors += [error for errors in repeated.values() for error in errors]
        self.records += taken
        self.errors += [e for e in raw_batch.errors if e.row is not None and e.row > resume_after]
        self.last_row = max(raw_batch.last_row, resume_after)
        self.bytes_read = bytes_read
        self.batches += 1

    def ready(self, batch_size: int) -> bool:
        return len(self.records) + len(self.errors) >= batch_size or (
            self.batches >= STRETCH_BATCHES
        )


def _write_stretch(
    feed_import: FeedImport,
    reader: FeedReader,
    stretch: _Stretch,
    *,
    now: datetime,
    before_rewrite: Callable[[], None] | None = None,
) -> list[int]:
    """Write one stretch in one transaction; returns the ids of the logs it created or
    changed, marked in the same transaction for their evaluation (cases.feed.evaluation)."""
    records, errors = stretch.records, list(stretch.errors)
    if not records and not errors:
        # An unchanged stretch of a re-import: nothing to stage, only the progress to save.
        with phase("commit"):
            _advance(
                feed_import,
                last_row=stretch.last_row,
                bytes_read=stretch.bytes_read,
                unchanged=stretch.unchanged,
            )
        return []
    unchanged = stretch.unchanged
    # "commit": what the phases inside do not count (the errors, the progress, the commit
    # with its deferred foreign-key checks).
    with phase("commit"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(STAGE_SQL)
        if stretch.ask:
            with phase("digests"):
                changed = changed_rows(cursor, records)
            unchanged += len(records) - len(changed)
            records = [raw for raw in records if raw.row in changed]
        parsed: list[tuple[ParsedRecord, bytes]] = []
        with phase("convert"):
            for raw in records:
                result = reader.convert(raw)
                if isinstance(result, ParsedRecord):
                    parsed.append((result, raw.digest))
                else:
                    errors.extend(result)
        with phase("stage"):
            stage_batch(cursor, parsed)
        with phase("upsert"):
            outcome = upsert_staged(
                cursor,
                import_id=feed_import.pk,
                now=now,
                staged=len(parsed),
                before_rewrite=before_rewrite,
            )
        FeedImportError.objects.bulk_create(
            FeedImportError(
                feed_import_id=feed_import.pk,
                row=error.row,
                column=error.column or "",
                message=error.message[:500],
            )
            for error in errors
        )
        # Marked in the batch's transaction: a batch committed before its evaluation is
        # evaluated by the resumed import if this one stops (people are linked already).
        mark(cursor, outcome.changed_ids)
        _advance(
            feed_import,
            last_row=stretch.last_row,
            bytes_read=stretch.bytes_read,
            created=outcome.created,
            updated=outcome.updated,
            unchanged=outcome.unchanged + unchanged,
            rejected=len({error.row for error in errors}),
        )
    return outcome.changed_ids


class _EarlierKeys:
    """Into a table without logs, on the reader thread: the keys of the batches read so far,
    held in Postgres (staging.start_earlier_keys). On the thread's own connection, not the
    import's: it writes only its private temporary table, and the round trip (~60 ms for
    10,000 keys, mostly the index's inserts) overlaps the import's thread writing the
    previous batch instead of adding to it."""

    def __init__(self) -> None:
        self._started = False

    def rows_met_before(self, raw_batch: RawBatch) -> set[int]:
        """Add the batch's keys (all of them, even before the row an import resumes after:
        they count for the rows after it); return the rows whose key an earlier batch had."""
        with connection.cursor() as cursor:
            if not self._started:
                start_earlier_keys(cursor)
                self._started = True
            keys = raw_batch.keys
            met = keys_met_before(cursor, keys)
        _forget_statement_texts()  # this thread's connection: 200 KB of keys a batch
        if not met:
            return set()
        return {raw.row for raw, key in zip(raw_batch.records, keys, strict=True) if key in met}


def _forget_statement_texts() -> None:
    """Empty this thread's connection's log of statements. With DEBUG on, Django keeps every
    statement's text (up to 9,000); an import batch's carry its 10,000 ids or keys (~1 MB a
    batch on the import's thread, 200 KB on the reader's), so a million-row import held
    ~150 MB of them by its end. Called once a batch: the last batch's are kept."""
    connection.queries_log.clear()


def _repeated(
    reader: FeedReader, candidates: list[RawRecord], met: set[int], resume_after: int
) -> dict[int, list[RowError]]:
    """The errors, by row, of the candidates whose key an earlier batch had (`met`): those
    the one-pass API gives the row, its duplicate error among them."""
    if not met:
        return {}
    with phase("convert"):
        return {
            raw.row: cast(list[RowError], reader.convert(raw, duplicate=True))
            for raw in candidates
            if raw.row in met and raw.row > resume_after
        }


def _candidates(
    raw_batch: RawBatch, check_digests: bool, stored: StoredDigests | None
) -> list[RawRecord]:
    """The records that may be new or changed: all of them into a table without logs (all
    new) or without the stored digests in memory (too many: Postgres is asked about all),
    else those whose digest the stored ones do not account for (only those are made
    RawRecords)."""
    if not check_digests or stored is None:
        return raw_batch.records
    return raw_batch.pick(stored.candidates(raw_batch.digests))


def _holds_logs() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT FROM cases_crimelog)")
        return bool(cursor.fetchone()[0])


def _finish_after_failure(evaluator: Evaluator) -> None:
    try:
        evaluator.finish()
    except Exception:  # the failure being handled is the one to report
        logger.warning("feed import: the evaluation after a failed batch failed too")


def _advance(feed_import: FeedImport, *, last_row: int, bytes_read: int, **counts: int) -> None:
    FeedImport.objects.filter(pk=feed_import.pk).update(
        rows_processed=last_row,
        bytes_read=bytes_read,
        claimed_at=timezone.now(),  # the lease, renewed with each batch
        **{name: F(name) + value for name, value in counts.items()},
    )


def _finish(feed_import: FeedImport, reader: FeedReader) -> None:
    # The reader lists the first MAX_UNKNOWN_NOTICES unknown columns and counts the rest.
    unknown = sorted(set(reader.unknown_columns))
    notices = [
        FeedImportError(
            feed_import_id=feed_import.pk,
            row=None,
            column=name[:100],
            message=f"Unknown column '{name[:100]}' was ignored.",
        )
        for name in unknown
    ]
    if reader.unknown_more:
        notices.append(
            FeedImportError(
                feed_import_id=feed_import.pk,
                row=None,
                column="",
                message=f"{reader.unknown_more:,} more unknown columns were ignored.",
            )
        )
    with transaction.atomic():
        FeedImportError.objects.filter(feed_import=feed_import, row__isnull=True).delete()
        FeedImportError.objects.bulk_create(notices)
        FeedImport.objects.filter(pk=feed_import.pk).update(
            status=FeedImport.Status.DONE,
            finished_at=timezone.now(),
            bytes_read=feed_import.file_size,
            unknown_columns=[name[:100] for name in unknown],
            claimed_at=None,
            retry_at=None,
            failure="",
        )


def _refuse(feed_import: FeedImport, message: str) -> None:
    with transaction.atomic():
        refused = (
            FeedImport.objects.filter(pk=feed_import.pk)
            .exclude(status=FeedImport.Status.REFUSED)
            .update(
                status=FeedImport.Status.REFUSED,
                failure=message[:2000],
                finished_at=timezone.now(),
                claimed_at=None,
                retry_at=None,
            )
        )
        # A swept file nobody uploaded: the coordinators and admins hear of it (once).
        if refused and feed_import.origin == FeedImport.Origin.SWEEP:
            _notify_failed(feed_import)


def report(feed_import: FeedImport) -> dict[str, object]:
    """The import's report as `import_logs --json` prints it (docs/log-feed.md)."""
    errors = [
        {"row": row, "column": column or None, "message": message}
        for row, column, message in feed_import.errors.order_by("row", "id").values_list(
            "row", "column", "message"
        )
    ]
    # Unknown columns (row null) sort last in SQL; put them first, as the file-level notices.
    errors.sort(key=lambda error: (error["row"] is not None, error["row"] or 0))
    return {
        "created": feed_import.created,
        "updated": feed_import.updated,
        "unchanged": feed_import.unchanged,
        "rejected": feed_import.rejected,
        "errors": errors,
    }

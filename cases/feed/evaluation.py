"""The import's evaluation of new and changed logs, after their batch commits (docs/log-feed.md,
"How the first import overlaps the evaluation").

A batch marks the logs it created or changed (`PendingEvaluation`) in its own transaction and
commits without evaluating them. The `Evaluator` then runs `logs_changed` (the signal rules
and the other apps' handlers; the parties already have their persons) over the marked logs,
at least EVALUATE_BATCH at a time, and removes the marks in the same transaction:

- in a thread of its own, on its own connection, while the import's thread reads, converts
  and writes the next batches: Postgres evaluates on the second core. One evaluation at a
  time, in the order of the batches; a batch that will rewrite logs already stored (a
  re-import's changes) first waits for the running evaluation, so the two never lock the same
  rows;
- inline, on the caller's connection, when the import runs inside a transaction (the tests):
  another connection could not see its uncommitted batches;
- a log left marked by a crash is evaluated first when the import resumes (or by the next
  import of any file): committing a batch before its evaluation never loses one.

Evaluating a log whose pair partners arrive in a later batch is done again with that batch
(the scope of an evaluation is every log sharing a pair with the new ones), so the signals
at the end are those of evaluating batch by batch; the handlers see every log, in batches of
at least EVALUATE_BATCH.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime
from typing import Final

from django.db import connection, transaction

from cases.phases import phase
from cases.signals.database import int_array

# Logs per evaluation, at least: a 1%-changed re-import of a million rows evaluates its
# 10,000 changed logs in five evaluations (one per stretch it writes, overlapping the reading
# of the next), not in a hundred small ones of a hundred each, nor all at the end.
EVALUATE_BATCH: Final = 2_000

MARK_SQL: Final = """
INSERT INTO cases_pendingevaluation (log_id, marked_at)
SELECT unnest(%(ids)s::bigint[]), now()
ON CONFLICT (log_id) DO NOTHING
"""

# A crash's leftovers; SKIP LOCKED: marks another running import is evaluating are its own.
_LEFT_MARKED_SQL: Final = """
SELECT log_id FROM cases_pendingevaluation ORDER BY log_id LIMIT %(limit)s FOR UPDATE SKIP LOCKED
"""

_UNMARK_SQL: Final = """
DELETE FROM cases_pendingevaluation WHERE log_id = ANY(%(ids)s::bigint[])
"""


def mark(cursor: object, log_ids: list[int]) -> None:
    """Mark a batch's new and changed logs as waiting for their evaluation (its transaction)."""
    if log_ids:
        cursor.execute(MARK_SQL, {"ids": int_array(log_ids)})  # type: ignore[attr-defined]


def evaluate_marked(log_ids: list[int], *, now: datetime) -> None:
    """Evaluate these marked logs and remove their marks, in one transaction."""
    from cases.services.logs import logs_changed

    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(_UNMARK_SQL, {"ids": int_array(log_ids)})
        logs_changed(log_ids=log_ids, now=now)


def evaluate_left_marked(*, now: datetime) -> int:
    """Evaluate the logs a stopped import left marked (inline); returns how many."""
    done = 0
    while True:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(_LEFT_MARKED_SQL, {"limit": EVALUATE_BATCH})
                ids = [row[0] for row in cursor.fetchall()]
            if not ids:
                return done
            with phase("evaluate: left by a stopped import"):
                evaluate_marked(ids, now=now)
        done += len(ids)


class Evaluator:
    """Evaluates the logs an import's batches marked, in a second thread (see the module)."""

    def __init__(self, *, now: datetime, overlap: bool) -> None:
        self.now = now
        self.overlap = overlap
        self.waiting: list[int] = []
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None

    def add(self, log_ids: list[int]) -> None:
        """Logs of a committed batch; evaluated once EVALUATE_BATCH are waiting."""
        self.waiting.extend(log_ids)
        if len(self.waiting) >= EVALUATE_BATCH:
            self._start()

    def wait(self) -> None:
        """Until the running evaluation is done (re-raising its error, if any)."""
        if self._thread is not None:
            with phase("evaluate: wait"):
                self._thread.join()
            self._thread = None
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def finish(self) -> None:
        """Evaluate what is waiting and wait for it."""
        if self.waiting:
            self._start()
        self.wait()

    def _start(self) -> None:
        self.wait()
        ids, self.waiting = self.waiting, []
        if not self.overlap:
            evaluate_marked(ids, now=self.now)
            return
        self._thread = threading.Thread(
            target=self._run, args=(evaluate_marked, ids), name="feed-evaluate", daemon=True
        )
        self._thread.start()

    def _run(self, work: Callable[..., None], ids: list[int]) -> None:
        try:
            work(ids, now=self.now)
        except BaseException as exc:  # handed to the import's thread by wait()
            self._error = exc
        finally:
            # The thread's own connection: closed with it.
            connection.close()

"""Hooks that let higher apps react to the case file's events without `cases` importing them.

**The "logs changed" contract** (DESIGN.md §2, docs/architecture.md). Every path that creates
or changes crime logs — the feed import, a person merge, a re-evaluation, the demo — goes
through `cases.services.logs.logs_changed`, which links parties, evaluates the signal rules and
then calls each handler registered here with the set of new or changed log ids and `now`.

A handler (clinic: repeat incidents; legal: order breaches):
- runs inside the caller's transaction (for the import, the evaluation's: a batch commits
  first, with its logs marked, and is evaluated after, on a second thread; the marks are
  removed in the evaluation's transaction, see cases/feed/evaluation.py): what it writes
  commits or rolls back with that transaction;
- is set-based: a bounded number of queries for any number of logs (an import batch holds
  10,000 of them), never one per log;
- makes no network call: slow or external work (e-mail) goes through the outbox;
- may raise: the evaluation then fails as a whole (its logs stay marked) and the import
  resumes it, handler included.

Apps register in their AppConfig.ready(); registering twice is harmless.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Protocol


class LogsChangedHandler(Protocol):
    def __call__(self, *, log_ids: Collection[int], now: datetime) -> None: ...


_handlers: list[LogsChangedHandler] = []


def register_logs_changed(handler: LogsChangedHandler) -> LogsChangedHandler:
    if handler not in _handlers:
        _handlers.append(handler)
    return handler


def unregister_logs_changed(handler: LogsChangedHandler) -> None:
    if handler in _handlers:
        _handlers.remove(handler)


def logs_changed_handlers() -> tuple[LogsChangedHandler, ...]:
    return tuple(_handlers)


def run_logs_changed_handlers(*, log_ids: Collection[int], now: datetime) -> None:
    """Called only by `cases.services.logs.logs_changed`."""
    from cases.phases import phase

    for handler in logs_changed_handlers():
        with phase(f"hook {getattr(handler, '__module__', '?')}"):
            handler(log_ids=log_ids, now=now)

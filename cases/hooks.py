"""Hooks that let higher apps react to cases' events without cases importing them (DESIGN §2).

`clinic` and `legal` register after-import handlers in their AppConfig.ready(); the import
calls each with the ids of the logs it created or changed.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Protocol


class AfterImportHandler(Protocol):
    def __call__(self, *, log_ids: Collection[int], now: datetime) -> None: ...


_after_import: list[AfterImportHandler] = []


def register_after_import(handler: AfterImportHandler) -> AfterImportHandler:
    if handler not in _after_import:
        _after_import.append(handler)
    return handler


def after_import_handlers() -> tuple[AfterImportHandler, ...]:
    return tuple(_after_import)


def run_after_import(*, log_ids: Collection[int], now: datetime) -> None:
    for handler in after_import_handlers():
        handler(log_ids=log_ids, now=now)

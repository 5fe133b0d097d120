"""The one entry point for "these crime logs are new or changed" (contract: cases/hooks.py)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from cases.hooks import run_logs_changed_handlers
from cases.phases import phase
from cases.services.people import link_parties
from cases.signals import evaluate_logs


def logs_changed(*, log_ids: Collection[int], now: datetime) -> None:
    """Link the logs' parties to people, evaluate the signal rules, then run higher apps' hooks.

    Used by the import (per batch, inside its transaction), person merges, re-evaluations and
    the demo, so a handler registered with `register_logs_changed` sees every one of them.
    Set-based: a fixed number of queries per call whatever the number of logs.
    """
    if not log_ids:
        return
    with phase("people"):
        link_parties(log_ids=log_ids)
    with phase("signals"):
        evaluate_logs(log_ids=log_ids, now=now)
    with phase("hooks"):
        run_logs_changed_handlers(log_ids=log_ids, now=now)

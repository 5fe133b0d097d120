"""Celery wrappers for the log sweep: take ids, read the clock, call the feed services."""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from cases.feed import sweep
from cases.feed.importer import ImportRefused, run_import
from cases.feed.notify import send_feed_stale_alert, send_import_finished
from cases.models import FeedImport
from foundation.outbox.services import enqueue

logger = logging.getLogger(__name__)


@shared_task(name="cases.sweep_log_feed")
def sweep_log_feed() -> int:
    """Every 15 minutes: queue new feed files, and alert when the feed has gone silent."""
    now = timezone.now()
    result = sweep.sweep_folder(
        folder=Path(settings.HUB_LOG_FEED_DIR), source=settings.HUB_LOG_FEED_SOURCE, now=now
    )
    for import_id in result.queued:
        dispatch_import(import_id)
    with transaction.atomic():
        alert = sweep.record_stale_alert(
            now=now, stale_after=timedelta(hours=settings.HUB_FEED_STALE_HOURS)
        )
        if alert is not None:
            enqueue(send_feed_stale_alert, alert_id=alert.pk)
    return len(result.queued)


@shared_task(name="cases.dispatch_pending_imports")
def dispatch_pending_imports() -> int:
    """Every minute: mark imports whose lease lapsed as interrupted, then publish imports
    queued while the broker was down, interrupted ones (the sweep's and uploads'), and those
    waiting to retry whose time has come (docs/log-feed.md, "When an import fails")."""
    now = timezone.now()
    sweep.mark_interrupted(now=now)
    pending = sweep.imports_to_dispatch(now=now)
    for import_id in pending:
        dispatch_import(import_id)
    return len(pending)


def dispatch_import(import_id: int) -> None:
    """Publish the import task; if the broker is down the dispatcher publishes it later."""
    try:
        run_feed_import.apply_async(args=(import_id,), retry=False)
    except Exception:  # broker unreachable: the row waits in Postgres
        logger.warning("feed import %s not published; the dispatcher will retry", import_id)


@shared_task(name="cases.run_feed_import")
def run_feed_import(import_id: int) -> None:
    """Run one import if we can claim it; a second delivery of the same id does nothing."""
    if not sweep.claim_import(import_id=import_id, now=timezone.now()):
        return
    feed_import = FeedImport.objects.get(pk=import_id)
    try:
        run_import(feed_import, on_progress=_renew_claim)
    except ImportRefused:
        pass  # recorded on the import with its reason (and e-mailed for a swept file)
    except Exception:
        # Recorded by run_import: tried again later (with back-off while the database or
        # broker is unavailable), or failed for good and e-mailed. Nothing to raise to Celery.
        logger.warning("feed import %s stopped; see its page", import_id)
        feed_import.refresh_from_db(fields=["status"])
        if (
            feed_import.status != FeedImport.Status.FAILED
            or feed_import.origin != FeedImport.Origin.UPLOAD
        ):
            return
    if feed_import.origin == FeedImport.Origin.UPLOAD:
        with transaction.atomic():
            enqueue(send_import_finished, import_id=import_id)


def _renew_claim(feed_import: FeedImport) -> None:
    FeedImport.objects.filter(pk=feed_import.pk).update(claimed_at=timezone.now())


@shared_task(name="cases.find_unusual_access")
def find_unusual_access() -> int:
    """Daily: list the day's unusual access for the auditor (cases/unusual_access.py)."""
    from cases import unusual_access

    return unusual_access.find_unusual_access(now=timezone.now())

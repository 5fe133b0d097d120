"""The log sweep: find feed files in HUB_LOG_FEED_DIR, queue them once, and watch for silence.

A file is picked up when its name does not end `.part` or `.tmp` and it has not been written
to for a minute (its modification time is a minute old and its size did not change while we
looked), so a file still being copied in is left for the next sweep. A file whose checksum was
already imported is skipped: the folder is read every 15 minutes, and each file is imported
once. (`import_logs PATH` always imports the file it is given.)
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Final

from django.db import IntegrityError, connection, transaction
from django.db.models import Max, Q

from cases.feed.importer import create_feed_import, file_checksum
from cases.feed.parsing import FORMATS
from cases.models import FeedImport, FeedStaleAlert

logger = logging.getLogger(__name__)

SETTLE_TIME: Final = timedelta(minutes=1)
IGNORED_SUFFIXES: Final = (".part", ".tmp")
# A claimed import not heard from (no batch committed) for this long is taken again.
IMPORT_LEASE: Final = timedelta(minutes=15)
# A queued import nobody has claimed after this long is published again.
UNCLAIMED_GRACE: Final = timedelta(minutes=2)


@dataclass(frozen=True)
class SweepResult:
    queued: list[int]
    skipped_known: int
    waiting: int


def _settled(path: Path, *, now: datetime) -> bool:
    first = path.stat()
    modified = datetime.fromtimestamp(first.st_mtime, tz=now.tzinfo)
    if now - modified < SETTLE_TIME:
        return False
    return path.stat().st_size == first.st_size


def _queued_since_last_written(path: Path) -> bool:
    stat = path.stat()
    written = datetime.fromtimestamp(stat.st_mtime, tz=UTC)
    return FeedImport.objects.filter(
        file_path=str(path), file_size=stat.st_size, queued_at__gte=written
    ).exists()


def candidate_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(
        path
        for path in folder.iterdir()
        if path.is_file()
        and not path.name.startswith(".")
        and not path.name.endswith(IGNORED_SUFFIXES)
        and path.suffix.lower() in FORMATS
    )


def sweep_folder(*, folder: Path, source: str, now: datetime) -> SweepResult:
    """Queue every settled, not yet imported feed file in the folder. Safe to run twice."""
    queued: list[int] = []
    skipped = waiting = 0
    for path in candidate_files(folder):
        if not _settled(path, now=now):
            waiting += 1
            continue
        if _queued_since_last_written(path):
            skipped += 1  # a file left in the folder: don't hash it again every sweep
            continue
        checksum = file_checksum(path)
        with transaction.atomic():
            # Serialise sweeps on this content: two at once must not both queue the same file.
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [checksum])
            if FeedImport.objects.filter(checksum=checksum).exists():
                skipped += 1
                continue
            feed_import = create_feed_import(
                path=path, origin=FeedImport.Origin.SWEEP, source=source, checksum=checksum
            )
            queued.append(feed_import.pk)
    return SweepResult(queued=queued, skipped_known=skipped, waiting=waiting)


# Imports a worker may (still) take: never one that is done, refused or failed for good.
CLAIMABLE: Final = (
    FeedImport.Status.QUEUED,
    FeedImport.Status.RUNNING,
    FeedImport.Status.RETRY,
    FeedImport.Status.INTERRUPTED,
)


def claim_import(*, import_id: int, now: datetime) -> bool:
    """Claim an import for this worker (a lapsed claim is taken again). True if we hold it."""
    return (
        FeedImport.objects.filter(pk=import_id, status__in=CLAIMABLE)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - IMPORT_LEASE))
        .update(claimed_at=now)
        == 1
    )


def mark_interrupted(*, now: datetime) -> int:
    """Running imports whose lease lapsed (their worker or command was killed) become
    interrupted: their page says so and offers to resume them. Returns how many."""
    return FeedImport.objects.filter(
        Q(claimed_at__lt=now - IMPORT_LEASE)
        | Q(claimed_at__isnull=True, started_at__lt=now - IMPORT_LEASE),
        status=FeedImport.Status.RUNNING,
    ).update(status=FeedImport.Status.INTERRUPTED, claimed_at=None)


def imports_to_dispatch(*, now: datetime) -> list[int]:
    """Queued imports nobody picked up, and claimed ones whose worker stopped renewing;
    interrupted imports of the sweep and of uploads (resumed where they stopped; one run by
    the command waits for someone to resume it from its page); and imports waiting to retry
    whose time has come. Call mark_interrupted first."""
    return list(
        FeedImport.objects.filter(
            Q(
                status=FeedImport.Status.QUEUED,
                claimed_at__isnull=True,
                queued_at__lt=now - UNCLAIMED_GRACE,
            )
            | Q(status__in=CLAIMABLE, claimed_at__lt=now - IMPORT_LEASE)
            | Q(
                status=FeedImport.Status.INTERRUPTED,
                claimed_at__isnull=True,
                origin__in=[FeedImport.Origin.SWEEP, FeedImport.Origin.UPLOAD],
            )
            | Q(status=FeedImport.Status.RETRY, claimed_at__isnull=True, retry_at__lte=now)
        ).values_list("pk", flat=True)
    )


def resume_import(*, feed_import: FeedImport) -> bool:
    """Let an interrupted import be taken again now (from its page). True if it was
    interrupted; the caller publishes it after commit."""
    return (
        FeedImport.objects.filter(
            pk=feed_import.pk, status=FeedImport.Status.INTERRUPTED, claimed_at__isnull=True
        ).update(status=FeedImport.Status.QUEUED)
        == 1
    )


def last_feed_at() -> datetime | None:
    return FeedImport.objects.aggregate(latest=Max("queued_at"))["latest"]


def feed_is_stale(*, now: datetime, stale_after: timedelta) -> bool:
    latest = last_feed_at()
    return latest is None or now - latest > stale_after


def record_stale_alert(*, now: datetime, stale_after: timedelta) -> FeedStaleAlert | None:
    """If the feed has been silent too long, record the alert once per silent spell."""
    latest = last_feed_at()
    if latest is not None and now - latest <= stale_after:
        return None
    try:
        with transaction.atomic():
            return FeedStaleAlert.objects.create(last_feed_at=latest)
    except IntegrityError:
        return None  # already alerted for this spell (or a concurrent sweep just did)

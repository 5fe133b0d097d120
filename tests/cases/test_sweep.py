"""The folder sweep, the import task's claim, and the silent-feed alert (frozen time)."""

from __future__ import annotations

import os
import threading
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.utils import timezone

from cases import tasks
from cases.feed import sweep
from cases.feed.importer import create_feed_import
from cases.models import CrimeLog, FeedImport, FeedStaleAlert
from foundation.outbox.models import OutboxMessage
from foundation.outbox.services import run_message

pytestmark = pytest.mark.django_db

FEED = "reference,recorded_at,offence_code\nS1,2026-03-01,8L\nS2,2026-03-02,8Q\n"


def settled_file(folder: Path, name: str, text: str = FEED, age_seconds: int = 300) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    old = timezone.now().timestamp() - age_seconds
    os.utime(path, (old, old))
    return path


def test_sweep_queues_settled_feed_files_and_ignores_partial_ones(tmp_path):
    settled_file(tmp_path, "feed-1.csv")
    settled_file(tmp_path, "feed-2.csv.part")
    settled_file(tmp_path, "feed-3.tmp")
    settled_file(tmp_path, "notes.txt")
    settled_file(tmp_path, "fresh.csv", age_seconds=5)  # still being written
    result = sweep.sweep_folder(folder=tmp_path, source="rms", now=timezone.now())
    assert len(result.queued) == 1
    assert result.waiting == 1
    assert FeedImport.objects.get().file_name == "feed-1.csv"


def test_sweep_skips_a_file_whose_checksum_was_already_imported(tmp_path):
    settled_file(tmp_path, "feed-1.csv")
    first = sweep.sweep_folder(folder=tmp_path, source="rms", now=timezone.now())
    settled_file(tmp_path, "same-content-new-name.csv")
    second = sweep.sweep_folder(folder=tmp_path, source="rms", now=timezone.now())
    assert len(first.queued) == 1
    assert second.queued == []
    assert second.skipped_known == 2


def test_import_task_runs_once_even_when_delivered_twice(tmp_path):
    path = settled_file(tmp_path, "feed.csv")
    feed_import = create_feed_import(path=path, origin=FeedImport.Origin.SWEEP)
    tasks.run_feed_import(feed_import.pk)
    tasks.run_feed_import(feed_import.pk)
    feed_import.refresh_from_db()
    assert feed_import.status == FeedImport.Status.DONE
    assert (feed_import.created, feed_import.unchanged) == (2, 0)
    assert CrimeLog.objects.count() == 2


def test_a_lapsed_claim_is_taken_again(tmp_path):
    path = settled_file(tmp_path, "feed.csv")
    feed_import = create_feed_import(path=path, origin=FeedImport.Origin.SWEEP)
    now = timezone.now()
    assert sweep.claim_import(import_id=feed_import.pk, now=now)
    assert not sweep.claim_import(import_id=feed_import.pk, now=now + timedelta(minutes=1))
    assert sweep.imports_to_dispatch(now=now + timedelta(minutes=1)) == []
    later = now + sweep.IMPORT_LEASE + timedelta(seconds=1)
    assert sweep.imports_to_dispatch(now=later) == [feed_import.pk]
    assert sweep.claim_import(import_id=feed_import.pk, now=later)


def test_unclaimed_queued_import_is_dispatched_after_the_grace_period(tmp_path):
    path = settled_file(tmp_path, "feed.csv")
    feed_import = create_feed_import(path=path, origin=FeedImport.Origin.SWEEP)
    now = timezone.now()
    assert sweep.imports_to_dispatch(now=now) == []
    assert sweep.imports_to_dispatch(now=now + timedelta(minutes=3)) == [feed_import.pk]


def test_silent_feed_alerts_the_coordinator_once_per_silent_spell(
    tmp_path, settings, coordinator, django_capture_on_commit_callbacks, monkeypatch
):
    settings.HUB_LOG_FEED_DIR = tmp_path
    settings.HUB_FEED_STALE_HOURS = 26
    monkeypatch.setattr(tasks, "dispatch_import", lambda import_id: None)
    path = settled_file(tmp_path, "feed.csv")
    create_feed_import(path=path, origin=FeedImport.Origin.SWEEP)
    path.unlink()
    start = timezone.now()
    with time_machine.travel(start + timedelta(hours=25), tick=False):
        tasks.sweep_log_feed()
    assert not FeedStaleAlert.objects.exists()
    with time_machine.travel(start + timedelta(hours=27), tick=False):
        tasks.sweep_log_feed()
        tasks.sweep_log_feed()  # the next sweep does not alert again
    assert FeedStaleAlert.objects.count() == 1
    message = OutboxMessage.objects.get(handler__endswith="send_feed_stale_alert")
    run_message(message_id=message.pk)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [coordinator.email]
    assert "no crime-log feed for 26 hours" in mail.outbox[0].subject
    # A new file ends the spell; silence after it is a new spell and alerts again.
    settled_file(tmp_path, "feed-2.csv", text=FEED + "S3,2026-03-03,8L\n")
    with time_machine.travel(start + timedelta(hours=28), tick=False):
        tasks.sweep_log_feed()
    with time_machine.travel(start + timedelta(hours=28 + 27), tick=False):
        tasks.sweep_log_feed()
    assert FeedStaleAlert.objects.count() == 2


def test_no_feed_ever_is_stale(settings, tmp_path):
    settings.HUB_LOG_FEED_DIR = tmp_path
    assert sweep.feed_is_stale(now=timezone.now(), stale_after=timedelta(hours=26))


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_queue_a_file_once(tmp_path):
    settled_file(tmp_path, "feed.csv")
    barrier = threading.Barrier(2)
    results = []

    def run() -> None:
        barrier.wait()
        try:
            results.append(sweep.sweep_folder(folder=tmp_path, source="rms", now=timezone.now()))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(len(result.queued) for result in results) == 1
    assert FeedImport.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_imports_of_one_file_at_once_create_each_log_once(tmp_path):
    path = settled_file(tmp_path, "feed.csv")
    imports = [create_feed_import(path=path, origin=FeedImport.Origin.COMMAND) for _ in range(2)]
    barrier = threading.Barrier(2)

    def run(feed_import: FeedImport) -> None:
        from cases.feed.importer import run_import

        barrier.wait()
        try:
            run_import(feed_import)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(item,)) for item in imports]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert CrimeLog.objects.count() == 2
    totals = FeedImport.objects.values_list("created", "unchanged")
    assert sorted(totals) == [(0, 2), (2, 0)]


def test_a_failed_import_is_tried_again_a_lease_after_it_failed(tmp_path, monkeypatch):
    from cases.feed import importer

    path = settled_file(tmp_path, "feed.csv")
    feed_import = create_feed_import(path=path, origin=FeedImport.Origin.SWEEP)

    def broken(*args, **kwargs):
        raise RuntimeError("a bug met on this file")

    monkeypatch.setattr(importer, "_write_stretch", broken)
    with pytest.raises(RuntimeError):
        importer.run_import(feed_import)
    feed_import.refresh_from_db()
    assert feed_import.status == FeedImport.Status.RETRY
    now = timezone.now()
    assert sweep.imports_to_dispatch(now=now) == []
    assert sweep.imports_to_dispatch(
        now=now + importer.FILE_RETRY_DELAY + timedelta(seconds=1)
    ) == [feed_import.pk]
    monkeypatch.undo()
    tasks.run_feed_import(feed_import.pk)
    feed_import.refresh_from_db()
    assert feed_import.status == FeedImport.Status.DONE
    assert CrimeLog.objects.count() == 2


def test_a_file_left_in_the_folder_is_not_hashed_again(tmp_path, monkeypatch):
    settled_file(tmp_path, "feed-1.csv")
    sweep.sweep_folder(folder=tmp_path, source="rms", now=timezone.now())
    hashed = []
    monkeypatch.setattr(sweep, "file_checksum", lambda path: hashed.append(path) or "x")
    result = sweep.sweep_folder(folder=tmp_path, source="rms", now=timezone.now())
    assert (result.queued, result.skipped_known, hashed) == ([], 1, [])

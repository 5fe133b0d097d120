"""When an import fails (docs/log-feed.md, "When an import fails"): file errors are tried
HUB_FEED_MAX_FILE_ATTEMPTS times in all, then the import is failed and the coordinators and
admins are e-mailed once; an unavailable database or broker is retried with back-off for as
long as it lasts; a lapsed lease marks an import interrupted, and its page offers to resume."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone

from cases import tasks
from cases.feed import importer, sweep
from cases.feed.importer import create_feed_import, run_import
from cases.feed.parsing import FeedReader
from cases.models import CrimeLog, FeedImport
from foundation.audit.models import AccessRecord
from foundation.outbox.models import OutboxMessage
from foundation.outbox.services import run_message

pytestmark = pytest.mark.django_db

FEED = "reference,recorded_at,offence_code\nF1,2026-03-01,8L\nF2,2026-03-02,8Q\n"


def feed_file(folder: Path, name: str = "feed.csv", text: str = FEED) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    old = timezone.now().timestamp() - 300  # settled for the sweep
    os.utime(path, (old, old))
    return path


@pytest.fixture
def no_broker(monkeypatch):
    published: list[int] = []
    monkeypatch.setattr(tasks, "dispatch_import", published.append)
    return published


def broken_convert(self, raw):
    raise RuntimeError("a parser bug met on this file")


def test_a_file_error_is_tried_three_times_then_failed_and_emailed_once(
    tmp_path, settings, monkeypatch, coordinator, admin_user, tactical_lead
):
    settings.HUB_FEED_MAX_FILE_ATTEMPTS = 3
    feed_import = create_feed_import(path=feed_file(tmp_path), origin=FeedImport.Origin.SWEEP)
    monkeypatch.setattr(FeedReader, "convert", broken_convert)
    now = timezone.now()
    for attempt in (1, 2):
        assert feed_import.pk in sweep.imports_to_dispatch(now=now) or attempt == 1
        tasks.run_feed_import(feed_import.pk)
        feed_import.refresh_from_db()
        assert feed_import.status == FeedImport.Status.RETRY
        assert feed_import.file_attempts == attempt
        assert f"attempt {attempt} of 3" in feed_import.failure
        assert not OutboxMessage.objects.filter(handler__endswith="send_import_failed").exists()
        # Not before its time; then it is dispatched again.
        assert feed_import.pk not in sweep.imports_to_dispatch(now=timezone.now())
        now = feed_import.retry_at + timedelta(seconds=1)
        assert feed_import.pk in sweep.imports_to_dispatch(now=now)
    tasks.run_feed_import(feed_import.pk)
    feed_import.refresh_from_db()
    assert feed_import.status == FeedImport.Status.FAILED
    assert feed_import.file_attempts == 3
    assert "failed 3 times on the file" in feed_import.failure
    assert "parser bug" not in feed_import.failure  # never the exception's own text
    # Never taken again, whatever the clock says.
    later = timezone.now() + timedelta(days=30)
    sweep.mark_interrupted(now=later)
    assert sweep.imports_to_dispatch(now=later) == []
    assert not sweep.claim_import(import_id=feed_import.pk, now=later)
    tasks.run_feed_import(feed_import.pk)
    messages = OutboxMessage.objects.filter(handler__endswith="send_import_failed")
    assert messages.count() == 1
    run_message(message_id=messages.get().pk)
    assert len(mail.outbox) == 1
    assert sorted(mail.outbox[0].to) == sorted([coordinator.email, admin_user.email])
    assert f"feed import #{feed_import.pk} failed" in mail.outbox[0].subject
    assert "failed 3 times" in mail.outbox[0].body


def test_the_attempts_are_a_setting(tmp_path, settings, monkeypatch):
    settings.HUB_FEED_MAX_FILE_ATTEMPTS = 1
    feed_import = create_feed_import(path=feed_file(tmp_path), origin=FeedImport.Origin.COMMAND)
    monkeypatch.setattr(FeedReader, "convert", broken_convert)
    with pytest.raises(RuntimeError):
        run_import(feed_import)
    feed_import.refresh_from_db()
    assert feed_import.status == FeedImport.Status.FAILED


def test_an_unavailable_database_is_retried_with_back_off_for_as_long_as_it_lasts(
    tmp_path, settings, monkeypatch
):
    settings.HUB_FEED_MAX_FILE_ATTEMPTS = 3
    feed_import = create_feed_import(path=feed_file(tmp_path), origin=FeedImport.Origin.SWEEP)

    def database_down(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(importer, "_write_stretch", database_down)
    delays = []
    for failures in range(1, 9):
        before = timezone.now()
        tasks.run_feed_import(feed_import.pk)
        feed_import.refresh_from_db()
        assert feed_import.status == FeedImport.Status.RETRY
        assert (feed_import.transient_failures, feed_import.file_attempts) == (failures, 0)
        delays.append(round((feed_import.retry_at - before).total_seconds() / 60))
    assert delays == [1, 2, 4, 8, 16, 32, 60, 60]
    assert not OutboxMessage.objects.filter(handler__endswith="send_import_failed").exists()
    monkeypatch.undo()
    tasks.run_feed_import(feed_import.pk)
    feed_import.refresh_from_db()
    assert feed_import.status == FeedImport.Status.DONE
    assert CrimeLog.objects.count() == 2


def test_a_refused_swept_file_is_emailed_once(tmp_path, coordinator, admin_user):
    path = feed_file(tmp_path, text="just,some,columns\n1,2,3\n")
    feed_import = create_feed_import(path=path, origin=FeedImport.Origin.SWEEP)
    tasks.run_feed_import(feed_import.pk)
    tasks.run_feed_import(feed_import.pk)
    feed_import.refresh_from_db()
    assert feed_import.status == FeedImport.Status.REFUSED
    message = OutboxMessage.objects.get(handler__endswith="send_import_failed")
    run_message(message_id=message.pk)
    assert len(mail.outbox) == 1
    assert "was refused" in mail.outbox[0].subject
    assert "no 'reference' column" in mail.outbox[0].body


def test_a_new_file_under_the_name_of_a_failed_one_is_still_imported(
    tmp_path, settings, monkeypatch, no_broker
):
    settings.HUB_FEED_MAX_FILE_ATTEMPTS = 1
    feed_file(tmp_path)
    first = sweep.sweep_folder(folder=tmp_path, source="rms", now=timezone.now())
    monkeypatch.setattr(FeedReader, "convert", broken_convert)
    tasks.run_feed_import(first.queued[0])
    assert FeedImport.objects.get().status == FeedImport.Status.FAILED
    monkeypatch.undo()
    # The same content again: not imported again. New content under the same name: imported.
    again = sweep.sweep_folder(folder=tmp_path, source="rms", now=timezone.now())
    assert again.queued == []
    feed_file(tmp_path, text=FEED + "F3,2026-03-03,8L\n")
    fresh = sweep.sweep_folder(folder=tmp_path, source="rms", now=timezone.now())
    assert len(fresh.queued) == 1
    tasks.run_feed_import(fresh.queued[0])
    assert FeedImport.objects.get(pk=fresh.queued[0]).status == FeedImport.Status.DONE
    assert CrimeLog.objects.count() == 3


def killed_mid_import(tmp_path: Path, origin: str) -> FeedImport:
    """An import that committed one batch, then its process died (the lease is not renewed)."""
    text = "reference,recorded_at\n" + "".join(f"K{n},2026-03-01\n" for n in range(1, 6))
    feed_import = create_feed_import(path=feed_file(tmp_path, text=text), origin=origin)

    def killed(progress):
        raise SystemExit  # not an Exception: nothing is recorded, as when the process dies

    with pytest.raises(SystemExit):
        run_import(feed_import, batch_size=2, on_progress=killed)
    feed_import.refresh_from_db()
    assert feed_import.status == FeedImport.Status.RUNNING
    assert feed_import.claimed_at is not None
    return feed_import


def test_a_killed_command_import_is_marked_interrupted_and_resumed_from_its_page(
    tmp_path, client, coordinator, no_broker, django_capture_on_commit_callbacks
):
    feed_import = killed_mid_import(tmp_path, FeedImport.Origin.COMMAND)
    assert sweep.mark_interrupted(now=timezone.now()) == 0  # the lease still runs
    later = timezone.now() + sweep.IMPORT_LEASE + timedelta(seconds=1)
    assert sweep.mark_interrupted(now=later) == 1
    feed_import.refresh_from_db()
    assert feed_import.status == FeedImport.Status.INTERRUPTED
    # A command's import waits for a person; the page says so and offers to resume it.
    assert sweep.imports_to_dispatch(now=later) == []
    client.force_login(coordinator)
    page = client.get(reverse("feed:detail", args=[feed_import.pk]))
    assert b"Interrupted" in page.content
    assert reverse("feed:resume", args=[feed_import.pk]).encode() in page.content
    listing = client.get(reverse("feed:list"))
    assert b"open it to resume" in listing.content
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("feed:resume", args=[feed_import.pk]))
    assert response.status_code == 302
    assert no_broker == [feed_import.pk]
    assert AccessRecord.objects.filter(
        object_type="cases.feedimport",
        object_id=str(feed_import.pk),
        need="change",
        outcome=AccessRecord.Outcome.ALLOWED,
    ).exists()
    tasks.run_feed_import(feed_import.pk)
    feed_import.refresh_from_db()
    assert feed_import.status == FeedImport.Status.DONE
    assert feed_import.created == 5 == CrimeLog.objects.count()


def test_an_interrupted_swept_import_is_resumed_by_the_dispatcher(tmp_path, no_broker):
    feed_import = killed_mid_import(tmp_path, FeedImport.Origin.SWEEP)
    later = timezone.now() + sweep.IMPORT_LEASE + timedelta(seconds=1)
    sweep.mark_interrupted(now=later)
    assert sweep.imports_to_dispatch(now=later) == [feed_import.pk]


@pytest.mark.parametrize("role", ["tactical_lead", "solicitor", "partner", "officer", "admin_user"])
def test_resume_is_for_the_reviewers_only(tmp_path, client, request, role, no_broker):
    feed_import = killed_mid_import(tmp_path, FeedImport.Origin.COMMAND)
    sweep.mark_interrupted(now=timezone.now() + sweep.IMPORT_LEASE + timedelta(seconds=1))
    client.force_login(request.getfixturevalue(role))
    response = client.post(reverse("feed:resume", args=[feed_import.pk]))
    allowed = role == "tactical_lead"
    assert response.status_code == (302 if allowed else 404)
    feed_import.refresh_from_db()
    expected = FeedImport.Status.QUEUED if allowed else FeedImport.Status.INTERRUPTED
    assert feed_import.status == expected
    assert AccessRecord.objects.filter(
        object_type="cases.feedimport",
        object_id=str(feed_import.pk),
        outcome=AccessRecord.Outcome.ALLOWED if allowed else AccessRecord.Outcome.DENIED,
    ).exists()

"""The import commits a batch before evaluating it: the evaluation runs on a second thread,
overlapping the next batches, and a log left marked by a stopped import is evaluated when it
resumes (cases/feed/evaluation.py, docs/log-feed.md)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from cases.feed import evaluation
from cases.feed.importer import create_feed_import, run_import
from cases.feed.keyset import KeySet
from cases.models import CrimeLog, FeedImport, LogSignal, PendingEvaluation, SignalKind
from tests.cases.test_import import HEADER, row, write

NOW = datetime(2026, 3, 6, tzinfo=UTC)
# Three logs of one victim and suspect a day apart, then one of another pair: with two rows a
# batch, the course of conduct spans batches, and so do the evaluations.
FEED = (
    HEADER
    + row("E1", recorded_at="2026-03-01T10:00:00")
    + row("E2", recorded_at="2026-03-02T10:00:00")
    + row("E3", recorded_at="2026-03-03T10:00:00")
    + row("E4", victim_id="V9", victim_name="Cy Other", suspect_id="S9", suspect_name="Di Other")
)


def kinds() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for reference, kind in LogSignal.objects.values_list("log__reference", "kind"):
        found.setdefault(reference, set()).add(kind)
    return found


@pytest.mark.django_db(transaction=True)
def test_the_evaluation_thread_gives_the_signals_of_evaluating_batch_by_batch(
    tmp_path, monkeypatch, seen
):
    monkeypatch.setattr(evaluation, "EVALUATE_BATCH", 2)
    path = write(tmp_path, FEED)
    done = run_import(
        create_feed_import(path=path, origin=FeedImport.Origin.COMMAND), now=NOW, batch_size=2
    )
    assert (done.status, done.created, done.rejected) == (FeedImport.Status.DONE, 4, 0)
    found = kinds()
    for reference in ("E1", "E2", "E3"):
        assert SignalKind.COURSE_OF_CONDUCT in found[reference]
    assert SignalKind.COURSE_OF_CONDUCT not in found.get("E4", set())
    # Every log reached the handlers, in the evaluations of two batches each; no mark is left.
    assert [len(ids) for ids in seen] == [2, 2]
    assert set().union(*seen) == set(CrimeLog.objects.values_list("pk", flat=True))
    assert not PendingEvaluation.objects.exists()
    assert set(CrimeLog.objects.get(reference="E1").signal_kinds) >= {SignalKind.COURSE_OF_CONDUCT}


@pytest.mark.django_db(transaction=True)
def test_logs_a_stopped_import_left_marked_are_evaluated_when_it_resumes(tmp_path, monkeypatch):
    monkeypatch.setattr(evaluation, "EVALUATE_BATCH", 2)
    real = evaluation.evaluate_marked

    def stopped(log_ids, *, now):
        raise ConnectionError("the evaluation stopped")

    monkeypatch.setattr(evaluation, "evaluate_marked", stopped)
    path = write(tmp_path, FEED)
    feed_import = create_feed_import(path=path, origin=FeedImport.Origin.COMMAND)
    with pytest.raises(ConnectionError):
        run_import(feed_import, now=NOW, batch_size=2)
    # The batches committed with their marks (the evaluation's error surfaces when the import
    # next waits for it, after the second batch), none evaluated.
    assert CrimeLog.objects.count() == 4
    assert PendingEvaluation.objects.count() == 4
    assert not LogSignal.objects.exists()

    monkeypatch.setattr(evaluation, "evaluate_marked", real)
    feed_import.refresh_from_db()
    done = run_import(feed_import, now=NOW, batch_size=2)
    assert (done.status, done.created, done.unchanged, done.rejected) == (
        FeedImport.Status.DONE,
        4,
        0,
        0,
    )
    assert not PendingEvaluation.objects.exists()
    found = kinds()
    for reference in ("E1", "E2", "E3"):
        assert SignalKind.COURSE_OF_CONDUCT in found[reference]


def test_the_key_set_is_a_set_of_64_bit_hashes():
    keys = KeySet()
    plain: set[int] = set()
    values = [hash(("rms", f"NS/{n}")) for n in range(200_000)] + [0, 1, -1, 2**63 - 1, -(2**63)]
    for value in values + values[:1000]:
        assert keys.add_new(value) is ((value or 1) not in plain)
        plain.add(value or 1)
    assert len(keys) == len(plain)
    assert all(value in keys for value in values)
    assert hash(("rms", "NS/not-there")) not in keys


def test_room_reserved_in_the_key_set_keeps_every_key_and_the_rule():
    keys = KeySet()
    first = [hash(("rms", f"NS/{n}")) for n in range(5_000)]
    for value in first:
        keys.add_new(value)
    keys.reserve(300_000)
    assert all(value in keys for value in first)
    assert not keys.add_new(first[0])
    later = [hash(("rms", f"NS/{n}")) for n in range(5_000, 300_000)]
    assert all(keys.add_new(value) for value in later)
    assert len(keys) == 300_000
    keys.reserve(10)  # less than it holds: nothing changes
    assert len(keys) == 300_000
    assert all(value in keys for value in later)


def test_a_file_import_reserves_room_for_its_rows_after_the_first_batch(tmp_path):
    from cases.feed.parsing import FeedReader

    rows = 80_000  # more than the key set's first table holds (65,536 slots)
    path = write(tmp_path, HEADER + "".join(row(f"R{n}") for n in range(rows)))
    with path.open("rb") as handle:
        reader = FeedReader(handle, fmt="csv", now=NOW)
        batches = reader.raw_batches(10_000)
        next(batches)
        reserved = reader._seen.capacity
        # Room for the whole file after its first batch, three quarters full at most ...
        assert reserved * 3 // 4 >= rows
        assert sum(len(batch) for batch in batches) == rows - 10_000
        # ... so the table never had to grow while the rest was read.
        assert reader._seen.capacity == reserved


@pytest.mark.django_db
def test_keys_with_backslashes_and_tabs_are_unchanged_when_imported_again(tmp_path):
    # The digest check sends the keys in COPY's text format, which escapes these.
    feed = HEADER + row("K\\1") + row('"K\t2"'.strip('"')) + row("K\\\\3\\t")
    path = write(tmp_path, feed)
    first = run_import(create_feed_import(path=path, origin=FeedImport.Origin.COMMAND), now=NOW)
    assert (first.created, first.rejected) == (3, 0)
    assert set(CrimeLog.objects.values_list("reference", flat=True)) == {
        "K\\1",
        "K\t2",
        "K\\\\3\\t",
    }
    again = run_import(create_feed_import(path=path, origin=FeedImport.Origin.COMMAND), now=NOW)
    assert (again.created, again.updated, again.unchanged, again.rejected) == (0, 0, 3, 0)

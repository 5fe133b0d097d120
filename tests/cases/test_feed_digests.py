"""The stored digests read once at the start of a re-import (cases/feed/digests.py): rows
whose digest is found are unchanged; the others are candidates Postgres is asked about."""

from __future__ import annotations

import hashlib

import pytest
from django.db import connection

from cases.feed.digests import WINDOW, StoredDigests, load_stored_digests
from cases.feed.importer import TableStatistics
from cases.models import CrimeLog
from tests.factories import CrimeLogFactory


def digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode(), digest_size=16).digest()


def stored(names: list[str]) -> StoredDigests:
    return StoredDigests.of([digest(name) for name in names])


def candidates(digests: StoredDigests, names: list[str], batch: int = 4) -> list[str]:
    """Feed the names through in batches, as the import does; the candidates' names."""
    found: list[str] = []
    for start in range(0, len(names), batch):
        chunk = names[start : start + batch]
        found += [chunk[index] for index in digests.candidates([digest(n) for n in chunk])]
    return found


STORED = [f"log {n}" for n in range(200)]


def test_a_file_as_stored_has_no_candidates():
    assert candidates(stored(STORED), STORED) == []


def test_a_changed_row_is_a_candidate_and_the_rows_after_it_still_line_up():
    names = [*STORED[:10], "log 10, changed", *STORED[11:]]
    assert candidates(stored(STORED), names) == ["log 10, changed"]


def test_a_new_row_in_the_middle_and_at_the_end_are_candidates():
    names = [*STORED[:50], "new in the middle", *STORED[50:], "new at the end"]
    assert candidates(stored(STORED), names) == ["new in the middle", "new at the end"]


def test_rows_missing_from_the_file_cost_one_candidate_then_line_up_again():
    # The first row after the gap is taken for a changed row (asked about); the second is
    # looked for near by and found, and the rest follow.
    names = STORED[:22] + STORED[22 + WINDOW // 2 :]
    assert candidates(stored(STORED), names) == [STORED[22 + WINDOW // 2]]


def test_a_jump_further_than_the_window_costs_two_candidates_then_lines_up_again():
    # Another file's logs lie between: the first two rows after the jump are asked about,
    # the third is looked for among all the stored digests and found, and the rest follow.
    names = STORED[:10] + STORED[10 + 2 * WINDOW :]
    jump = 10 + 2 * WINDOW
    assert candidates(stored(STORED), names) == STORED[jump : jump + 2]


def test_two_changed_rows_side_by_side_do_not_lose_the_place():
    names = [*STORED[:30], "changed 30", "changed 31", *STORED[32:]]
    assert candidates(stored(STORED), names) == ["changed 30", "changed 31"]


def test_a_file_in_another_order_is_imported_right_just_slower():
    names = list(reversed(STORED))
    found = candidates(stored(STORED), names)
    assert set(found) <= set(STORED)
    assert len(found) < len(STORED)  # some are found by the searches


def test_a_digest_straddling_two_stored_ones_is_not_found():
    first, second = digest("a"), digest("b")
    straddling = first[8:] + second[:8]
    digests = StoredDigests.of([first, second])
    assert digests.candidates([first]) == []
    assert digests.candidates([straddling]) == [0]


def test_nothing_stored_makes_every_row_a_candidate():
    assert candidates(StoredDigests.of([]), STORED[:5]) == STORED[:5]


@pytest.mark.django_db
def test_the_logs_digests_are_read_in_id_order_from_the_database():
    logs = sorted(CrimeLogFactory.create_batch(5), key=lambda log: log.pk)
    for log in logs:
        CrimeLog.objects.filter(pk=log.pk).update(feed_digest=digest(log.reference))
    CrimeLogFactory(feed_digest=None)  # entered by hand: no digest, never unchanged

    loaded = load_stored_digests(TableStatistics().known)
    assert loaded is not None
    assert len(loaded) == 5
    # In id order, the file's rows follow the stored digests one by one.
    assert loaded.candidates([digest(log.reference) for log in logs]) == []


@pytest.mark.django_db
def test_above_the_limit_nothing_is_read_and_postgres_is_asked(settings):
    CrimeLogFactory(feed_digest=digest("one"))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE cases_crimelog")
    settings.HUB_FEED_DIGEST_PRELOAD_LIMIT = 0
    assert load_stored_digests(TableStatistics().known) is None
    settings.HUB_FEED_DIGEST_PRELOAD_LIMIT = 1
    assert load_stored_digests(TableStatistics().known) is not None

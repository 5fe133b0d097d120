"""The stored digests read once at the start of a re-import (cases/feed/digests.py)."""

from __future__ import annotations

import hashlib

import pytest
from django.db import connection

from cases.feed.digests import StoredDigests, load_stored_digests
from cases.models import CrimeLog
from tests.factories import CrimeLogFactory


def digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode(), digest_size=16).digest()


def test_a_stored_digest_is_found_and_any_other_is_not():
    stored = StoredDigests.of(digest(f"row {n}") for n in range(1000))
    assert len(stored) == 1000
    assert all(digest(f"row {n}") in stored for n in range(1000))
    assert not any(digest(f"row {n}") in stored for n in range(1000, 2000))


def test_digests_sharing_their_first_half_are_told_apart_by_the_second():
    # A 64-bit collision of the first halves: rare, but the lookup must not stop at it.
    first = bytes(range(8))
    shared = [first + bytes([n]) * 8 for n in (3, 7, 250)]
    stored = StoredDigests.of([*shared, b"\xff" * 16, b"\x00" * 16])
    assert all(one in stored for one in shared)
    assert first + bytes([5]) * 8 not in stored
    assert first + b"\xff" * 8 not in stored
    assert b"\xff" * 16 in stored and b"\x00" * 16 in stored


def test_an_empty_set_holds_nothing():
    assert digest("anything") not in StoredDigests.of([])


@pytest.mark.django_db
def test_the_logs_digests_are_read_sorted_from_the_database():
    logs = CrimeLogFactory.create_batch(5)
    digests = [digest(log.reference) for log in logs]
    for log, value in zip(logs, digests, strict=True):
        CrimeLog.objects.filter(pk=log.pk).update(feed_digest=value)
    CrimeLogFactory(feed_digest=None)  # entered by hand: no digest, never unchanged

    stored = load_stored_digests()
    assert stored is not None
    assert len(stored) == 5
    assert all(value in stored for value in digests)


@pytest.mark.django_db
def test_above_the_limit_nothing_is_read_and_the_import_asks_per_batch(settings):
    CrimeLogFactory(feed_digest=digest("one"))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE cases_crimelog")
    settings.HUB_FEED_DIGEST_PRELOAD_LIMIT = 0
    assert load_stored_digests() is None
    settings.HUB_FEED_DIGEST_PRELOAD_LIMIT = 1
    assert load_stored_digests() is not None

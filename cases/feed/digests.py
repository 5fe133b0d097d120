"""The stored digests of every log, read once at the start of a re-import.

A re-import's rows are mostly unchanged, and asking Postgres per batch whether each row's
digest equals the one stored for its key cost more than half of an unchanged re-import
(about 8 s of 14 s at a million logs: a probe of the key index and a read of the wide log
row's heap page per key). Instead the import reads all stored digests once, sorted, into two
arrays of 64-bit halves (16 bytes a log), and looks each row's digest up there.

Why a set of digests can stand in for "the digest stored for this row's key": a digest is
taken over the layout signature (which holds the default source) and the raw record (which
holds the reference and any explicit source), so one digest belongs to one key
(docs/log-feed.md, "The digest"). A row whose digest is stored is therefore stored under its
own key, unchanged; a row whose digest is not stored is new or changed and is converted. The
set is a snapshot: a log another import writes meanwhile is not in it, so its row is
converted and the upsert finds the log and compares its values, as it always has.

Above `HUB_FEED_DIGEST_PRELOAD_LIMIT` logs the arrays are not built (memory) and the import
asks Postgres per batch, as before.
"""

from __future__ import annotations

import sys
from array import array
from bisect import bisect_left
from collections.abc import Iterable
from typing import Final

from django.conf import settings
from django.db import connection

from cases.feed.schema import RawRecord

# Sorted (bytea compares byte by byte), so each digest's big-endian first half sorts as an
# unsigned 64-bit integer. One value of 16 bytes a log: one sort, one round trip.
_LOAD_SQL: Final = """
SELECT string_agg(feed_digest, ''::bytea ORDER BY feed_digest)
  FROM cases_crimelog
 WHERE octet_length(feed_digest) = 16
"""
# The planner's row count (kept by the import's ANALYZE): a count(*) would read the table.
_ESTIMATE_SQL: Final = (
    "SELECT greatest(reltuples, 0)::bigint FROM pg_class WHERE oid = 'cases_crimelog'::regclass"
)


class StoredDigests:
    """The 16-byte digests stored on the logs, as two sorted arrays of 64-bit halves."""

    __slots__ = ("_high", "_low")

    def __init__(self, high: array[int], low: array[int]) -> None:
        self._high = high
        self._low = low

    @classmethod
    def from_sorted(cls, digests: bytes) -> StoredDigests:
        """From 16-byte digests, concatenated in their sorted order."""
        halves = array("Q")
        halves.frombytes(digests)
        if sys.byteorder == "little":  # the halves are big-endian, as the digests sort
            halves.byteswap()
        return cls(halves[0::2], halves[1::2])

    @classmethod
    def of(cls, digests: Iterable[bytes]) -> StoredDigests:
        return cls.from_sorted(b"".join(sorted(digests)))

    def __len__(self) -> int:
        return len(self._high)

    def __contains__(self, digest: bytes) -> bool:
        high = int.from_bytes(digest[:8])
        low = int.from_bytes(digest[8:])
        highs, lows = self._high, self._low
        index = bisect_left(highs, high)
        # Equal first halves are rare (a 64-bit collision) but sorted by their second halves.
        while index < len(highs) and highs[index] == high:
            if lows[index] == low:
                return True
            index += 1
        return False

    def unchanged_rows(self, records: Iterable[RawRecord]) -> set[int]:
        return {raw.row for raw in records if raw.digest in self}


def load_stored_digests(limit: int | None = None) -> StoredDigests | None:
    """Every stored digest, or None when there are more than the limit (ask per batch)."""
    if limit is None:
        limit = settings.HUB_FEED_DIGEST_PRELOAD_LIMIT
    with connection.cursor() as cursor:
        cursor.execute(_ESTIMATE_SQL)
        if int(cursor.fetchone()[0]) > limit:
            return None
        cursor.execute(_LOAD_SQL)
        (digests,) = cursor.fetchone()
    return StoredDigests.from_sorted(bytes(digests or b""))

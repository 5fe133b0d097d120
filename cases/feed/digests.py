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
from collections.abc import Iterable, Sequence
from itertools import compress, repeat
from operator import and_, eq, not_, rshift
from typing import Final

import psycopg
from django.conf import settings
from django.db import connection, transaction

from cases.feed.schema import RawRecord

_ALL_ONES: Final = (1 << 64) - 1
_BUCKET_SHIFT: Final = 48
_BUCKETS: Final = 1 << (64 - _BUCKET_SHIFT)


def _bucket_floors() -> Iterable[int]:
    return (bucket << _BUCKET_SHIFT for bucket in range(_BUCKETS))


# Sorted (bytea compares byte by byte), so each digest's big-endian first half sorts as an
# unsigned 64-bit integer.
_LOAD_SQL: Final = """
SELECT feed_digest FROM cases_crimelog WHERE octet_length(feed_digest) = 16 ORDER BY feed_digest
"""
FETCH_ROWS: Final = 10_000
# The planner's row count (kept by the import's ANALYZE): a count(*) would read the table.
_ESTIMATE_SQL: Final = (
    "SELECT greatest(reltuples, 0)::bigint FROM pg_class WHERE oid = 'cases_crimelog'::regclass"
)


class StoredDigests:
    """The 16-byte digests stored on the logs, as two sorted arrays of 64-bit halves."""

    __slots__ = ("_high", "_low", "_starts")

    def __init__(self, high: array[int], low: array[int]) -> None:
        self._high = high
        self._low = low
        # Where each value of the top 16 bits starts in the sorted first halves: a search
        # then bisects ~15 entries at a million logs instead of all of them (bisect on an
        # array makes a Python int of every entry it compares).
        self._starts = array("q", map(bisect_left, repeat(high, _BUCKETS), _bucket_floors()))
        self._starts.append(len(high))
        self._high.append(_ALL_ONES)  # the sentinel (see `missing`)
        self._low.append(_ALL_ONES)

    @classmethod
    def from_sorted(cls, digests: bytes) -> StoredDigests:
        """From 16-byte digests, concatenated in their sorted order."""
        halves = array("Q")
        halves.frombytes(digests)
        if sys.byteorder == "little":  # the halves are big-endian, as the digests sort
            halves.byteswap()
        high = halves[0::2]
        low = halves[1::2]
        del halves
        return cls(high, low)

    @classmethod
    def of(cls, digests: Iterable[bytes]) -> StoredDigests:
        return cls.from_sorted(b"".join(sorted(digests)))

    def __len__(self) -> int:
        return len(self._high) - 1

    def __contains__(self, digest: bytes) -> bool:
        return not self.missing([digest])

    def missing(self, digests: Sequence[bytes]) -> list[int]:
        """The positions of the digests that are not stored.

        A million lookups one by one in Python took ~1.5 s, a tenth of an unchanged re-import;
        here the searching and comparing run in C (map over bisect, the arrays and `eq`) and
        Python only walks the positions that differ.
        """
        if not digests:
            return []
        halves = array("Q")
        halves.frombytes(b"".join(digests))
        if sys.byteorder == "little":
            halves.byteswap()
        highs, lows = halves[0::2], halves[1::2]
        buckets = list(map(rshift, highs, repeat(_BUCKET_SHIFT)))
        starts, stops = self._starts.__getitem__, self._starts[1:].__getitem__
        at = list(
            map(
                bisect_left,
                repeat(self._high),
                highs,
                map(starts, buckets),
                map(stops, buckets),
            )
        )
        # The arrays end with a sentinel of all ones, so a digest sorting after every stored
        # one compares with it instead of indexing past the end. Only the all-ones digest
        # itself would match it: as likely as a 128-bit collision.
        same_high = map(eq, map(self._high.__getitem__, at), highs)
        same_low = map(eq, map(self._low.__getitem__, at), lows)
        differ = compress(range(len(highs)), map(not_, map(and_, same_high, same_low)))
        # Where several stored digests share a first half (a 64-bit collision), the one found
        # may not be the one looked for: look at the others too.
        return [
            index
            for index in differ
            if not (
                self._high[at[index]] == highs[index]
                and self._among_equal_highs(at[index], highs[index], lows[index])
            )
        ]

    def _among_equal_highs(self, index: int, high: int, low: int) -> bool:
        highs, lows = self._high, self._low
        while index < len(highs) - 1 and highs[index] == high:
            if lows[index] == low:
                return True
            index += 1
        return False

    def rows_to_convert(self, records: Sequence[RawRecord]) -> set[int]:
        """The rows of the records whose digest is not stored: new or changed."""
        return {records[index].row for index in self.missing([raw.digest for raw in records])}


def load_stored_digests(limit: int | None = None) -> StoredDigests | None:
    """Every stored digest, or None when there are more than the limit (ask per batch)."""
    if limit is None:
        limit = settings.HUB_FEED_DIGEST_PRELOAD_LIMIT
    with connection.cursor() as cursor:
        cursor.execute(_ESTIMATE_SQL)
        estimate = int(cursor.fetchone()[0])
    if estimate > limit:
        return None
    # Sized once from the estimate (growing arrays of this size by appending cost as much
    # again while they were copied), filled in place, then cut to what was read.
    size = estimate + estimate // 20 + FETCH_ROWS
    high, low = array("Q", bytes(8 * size)), array("Q", bytes(8 * size))
    count = 0
    # Streamed from a server-side cursor in binary, FETCH_ROWS at a time: one 16 MB value
    # (string_agg) cost ~75 MB at its peak in the client library's buffers and copies.
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL work_mem = '64MB'")  # the sort in memory
        with psycopg.ServerCursor(connection.connection, "feed_stored_digests") as stream:
            stream.execute(_LOAD_SQL, binary=True)
            while rows := stream.fetchmany(FETCH_ROWS):
                halves = array("Q")
                halves.frombytes(b"".join([digest for (digest,) in rows]))
                if sys.byteorder == "little":  # big-endian halves, as the digests sort
                    halves.byteswap()
                high[count : count + len(rows)] = halves[0::2]
                low[count : count + len(rows)] = halves[1::2]
                count += len(rows)
    del high[count:], low[count:]
    return StoredDigests(high, low)

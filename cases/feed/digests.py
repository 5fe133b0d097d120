"""The stored digests of every log, read once at the start of a re-import.

A re-import's rows are mostly unchanged, and asking Postgres per batch whether each row's
digest equals the one stored for its key cost more than half of an unchanged re-import
(about 8 s of 14 s at a million logs: a probe of the key index and a read of the wide log
row's heap page per key). Instead the import reads all stored digests once, in the order of
the logs' ids (the order the feed first wrote them: 16 bytes a log), and follows the file
along them: a row whose digest is the next stored one is unchanged. A whole batch of
unchanged rows is one comparison of bytes.

Why a digest found anywhere among the stored ones means the row is unchanged: a digest is
taken over the layout signature (which holds the default source) and the raw record (which
holds the reference and any explicit source), so one digest belongs to one key
(docs/log-feed.md, "The digest"). A row whose digest is not found where the file's order
says, nor near it, is a *candidate*: new, changed, or moved. Postgres is asked about the
candidates when they are written (`cases.feed.staging.changed_rows`), as it was asked about
every row before; so a file in another order is imported correctly, only slower.

The digests are a snapshot: a log another import writes meanwhile is not in it, so its row
is a candidate and Postgres finds it. Above `HUB_FEED_DIGEST_PRELOAD_LIMIT` logs nothing is
read (memory) and every row is a candidate.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import psycopg
from django.conf import settings
from django.db import connection, transaction

from cases.feed.convert import DIGEST_SIZE

# After a row that is not the next stored one, the next rows are looked for this many
# digests around (rows left out of the file, a row inserted), then, from the third miss in a
# row, in all of them once per run of misses (the file jumps elsewhere in the stored order).
WINDOW: Final = 64
FETCH_ROWS: Final = 16
# Digests compared at once before going row by row.
RUN: Final = 8

# Joined in Postgres into one value per 8,192 ids (~128 KB): a row per log cost the client
# a Python object each (a third of the load).
_LOAD_SQL: Final = """
SELECT string_agg(feed_digest, ''::bytea ORDER BY id)
  FROM cases_crimelog
 WHERE octet_length(feed_digest) = 16
 GROUP BY id >> 13
 ORDER BY id >> 13
"""


class StoredDigests:
    """The logs' 16-byte digests in id order, and where in them the file has got to."""

    __slots__ = ("_blob", "_count", "_misses", "_next")

    def __init__(self, blob: bytes | bytearray) -> None:
        self._blob = blob
        self._count = len(blob) // DIGEST_SIZE
        self._next = 0  # the stored digest the next row is expected to have
        self._misses = 0  # rows in a row not found where expected

    @classmethod
    def of(cls, digests: Sequence[bytes]) -> StoredDigests:
        return cls(b"".join(digests))

    def __len__(self) -> int:
        return self._count

    def candidates(self, digests: list[bytes]) -> list[int]:
        """The positions of the digests that were not found: their rows are new, changed,
        or moved. Digests are passed in file order, batch after batch."""
        start = self._next * DIGEST_SIZE
        if self._blob[start : start + DIGEST_SIZE * len(digests)] == b"".join(digests):
            self._next += len(digests)  # the whole batch as stored: unchanged
            return []
        return self._follow(digests)

    def _follow(self, digests: list[bytes]) -> list[int]:
        """Row by row where needed: runs of RUN digests still as stored are passed over with
        one comparison each (a 1%-changed file differs in about one run in twelve)."""
        blob, at = self._blob, self._next
        missed: list[int] = []
        index, count = 0, len(digests)
        while index < count:
            stop = min(index + RUN, count)
            start = at * DIGEST_SIZE
            if blob[start : start + DIGEST_SIZE * (stop - index)] == b"".join(digests[index:stop]):
                at += stop - index
                index, self._misses = stop, 0
                continue
            for index in range(index, stop):  # noqa: B020 (resumes after the run)
                digest = digests[index]
                start = at * DIGEST_SIZE
                if blob[start : start + DIGEST_SIZE] == digest:
                    at, self._misses = at + 1, 0
                    continue
                found = self._look_for(digest, at)
                if found < 0:
                    # Most often a changed row in its place: a candidate, passed over, so
                    # the next row lines up without a search.
                    missed.append(index)
                    at, self._misses = at + 1, self._misses + 1
                else:
                    at, self._misses = found + 1, 0
            index = stop
        self._next = at
        return missed

    def _look_for(self, digest: bytes, at: int) -> int:
        """Where a digest that is not the expected one is, or -1. After one miss the row may
        be one left out of the file or one inserted: looked for near by. Two changed rows
        side by side are common enough (one in a hundred rows changed: ~100 pairs a
        million) that a search of all waits for a third miss in a row (the file jumps
        elsewhere in the stored order), and is made once per run of misses."""
        if self._misses == 0:
            return -1
        found = self._find(digest, at - 2, at + WINDOW)
        if found < 0 and self._misses == 2:
            found = self._find(digest, 0, self._count)
        return found

    def _find(self, digest: bytes, first: int, stop: int) -> int:
        """The index of `digest` among the stored ones from `first` to before `stop`, or -1."""
        blob = self._blob
        low, high = max(first, 0) * DIGEST_SIZE, min(stop, self._count) * DIGEST_SIZE
        while (found := blob.find(digest, low, high)) >= 0:
            if found % DIGEST_SIZE == 0:  # not straddling two digests
                return found // DIGEST_SIZE
            low = found + 1
        return -1


def load_stored_digests(estimate: int, limit: int | None = None) -> StoredDigests | None:
    """Every stored digest, or None when there are more than the limit (ask per batch).

    `estimate`: the planner's count of logs (`TableStatistics.known`, which the import's
    ANALYZE keeps true); a count(*) would read the whole table."""
    if limit is None:
        limit = settings.HUB_FEED_DIGEST_PRELOAD_LIMIT
    if estimate > limit:
        return None
    # Sized once from the estimate, filled in place, then cut to what was read. Streamed
    # from a server-side cursor in binary, FETCH_ROWS values at a time: one 16 MB value
    # cost ~75 MB at its peak in the client library's buffers and copies.
    blob = bytearray((estimate + estimate // 20) * DIGEST_SIZE)
    end = 0
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL work_mem = '64MB'")  # the sort in memory
        # (Django's connections use client-side cursors, which cannot return binary.)
        with psycopg.ServerCursor(connection.connection, "feed_stored_digests") as stream:
            stream.execute(_LOAD_SQL, binary=True)
            while rows := stream.fetchmany(FETCH_ROWS):
                for (chunk,) in rows:
                    blob[end : end + len(chunk)] = chunk
                    end += len(chunk)
    del blob[end:]
    return StoredDigests(blob)

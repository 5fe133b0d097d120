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

DIGEST_SIZE: Final = 16
# After a row that is not the next stored one, the next rows are looked for this many
# digests ahead (rows deleted from the file, a changed row), then in all of them once per
# run of misses (the file jumps to another part of the stored order).
WINDOW: Final = 64
FETCH_ROWS: Final = 10_000

_LOAD_SQL: Final = """
SELECT feed_digest FROM cases_crimelog WHERE octet_length(feed_digest) = 16 ORDER BY id
"""
# The planner's row count (kept by the import's ANALYZE): a count(*) would read the table.
_ESTIMATE_SQL: Final = (
    "SELECT greatest(reltuples, 0)::bigint FROM pg_class WHERE oid = 'cases_crimelog'::regclass"
)


class StoredDigests:
    """The logs' 16-byte digests in id order, and where in them the file has got to."""

    __slots__ = ("_blob", "_count", "_next")

    def __init__(self, blob: bytes | bytearray) -> None:
        self._blob = blob
        self._count = len(blob) // DIGEST_SIZE
        self._next = 0  # the stored digest the next row is expected to have

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
        blob, at = self._blob, self._next
        missed: list[int] = []
        searched_all = False  # since the last digest found
        for index, digest in enumerate(digests):
            start = at * DIGEST_SIZE
            if blob[start : start + DIGEST_SIZE] == digest:
                at += 1
                continue
            found = self._find(digest, at, at + WINDOW)
            if found < 0 and missed and missed[-1] == index - 1 and not searched_all:
                found = self._find(digest, 0, self._count)
                searched_all = True
            if found < 0:
                missed.append(index)
                continue
            at, searched_all = found + 1, False
        self._next = at
        return missed

    def _find(self, digest: bytes, first: int, stop: int) -> int:
        """The index of `digest` among the stored ones from `first` to before `stop`, or -1."""
        blob = self._blob
        low, high = first * DIGEST_SIZE, min(stop, self._count) * DIGEST_SIZE
        while (found := blob.find(digest, low, high)) >= 0:
            if found % DIGEST_SIZE == 0:  # not straddling two digests
                return found // DIGEST_SIZE
            low = found + 1
        return -1


def load_stored_digests(limit: int | None = None) -> StoredDigests | None:
    """Every stored digest, or None when there are more than the limit (ask per batch)."""
    if limit is None:
        limit = settings.HUB_FEED_DIGEST_PRELOAD_LIMIT
    with connection.cursor() as cursor:
        cursor.execute(_ESTIMATE_SQL)
        estimate = int(cursor.fetchone()[0])
    if estimate > limit:
        return None
    # Sized once from the estimate, filled in place, then cut to what was read. Streamed
    # from a server-side cursor in binary, FETCH_ROWS at a time: one 16 MB value
    # (string_agg) cost ~75 MB at its peak in the client library's buffers and copies.
    blob = bytearray((estimate + estimate // 20 + FETCH_ROWS) * DIGEST_SIZE)
    end = 0
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL work_mem = '64MB'")  # the sort in memory
        # (Django's connections use client-side cursors, which cannot return binary.)
        with psycopg.ServerCursor(connection.connection, "feed_stored_digests") as stream:
            stream.execute(_LOAD_SQL, binary=True)
            while rows := stream.fetchmany(FETCH_ROWS):
                chunk = b"".join([digest for (digest,) in rows])
                blob[end : end + len(chunk)] = chunk
                end += len(chunk)
    del blob[end:]
    return StoredDigests(blob)

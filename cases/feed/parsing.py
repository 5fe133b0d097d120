"""Streaming parser for the crime-log feed: CSV or JSON Lines in, ParsedRecord/RowError out.

The contract is docs/log-feed.md. The parser holds no rows: memory is one line (or one
quoted CSV record) plus one small int per (source, reference) seen, for the duplicate rule.

Two ways to read a feed (docs/log-feed.md, "How re-imports stay fast"):
- one pass: iterate a FeedReader for a ParsedRecord or RowErrors per row;
- two stages: FeedReader.raw_batches() splits each row, reads its key, applies the
  duplicate rule and digests the raw record, cheaply; FeedReader.convert() then does the
  rest for the rows the caller needs (new or changed ones).
"""

import hashlib
import os
from collections.abc import Iterator
from datetime import datetime
from os import PathLike
from pathlib import Path
from typing import BinaryIO, Final, Literal, cast

from cases.feed.convert import FUTURE_MARGIN
from cases.feed.csvread import (
    CsvReading,
    _layout_signature,
    _record_cells,
)
from cases.feed.dates import LONDON
from cases.feed.decoding import FeedDecoder
from cases.feed.jsonread import JsonLinesReading
from cases.feed.keyset import KeySet
from cases.feed.schema import (
    FIELDS,
    FeedUnreadable,
    Format,
    ParsedRecord,
    RawBatch,
    RawRecord,
    RowError,
)

FORMATS: Final[dict[str, Format]] = {
    ".csv": "csv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
}


def detect_format(path: str | PathLike[str]) -> Format:
    """The feed format from the file name; raises FeedUnreadable for any other suffix."""
    suffix = Path(path).suffix.lower()
    try:
        return FORMATS[suffix]
    except KeyError:
        raise FeedUnreadable(
            f"the file name ends {suffix or 'without a suffix'!r}; "
            "a feed must be .csv, .jsonl, .ndjson or .json"
        ) from None


def iter_feed(
    stream: BinaryIO, *, fmt: Format, default_source: str = "rms", now: datetime
) -> Iterator[ParsedRecord | RowError]:
    """Records and row errors of a feed, in file order; raises FeedUnreadable (see FeedReader)."""
    return iter(FeedReader(stream, fmt=fmt, default_source=default_source, now=now))


class FeedReader(CsvReading, JsonLinesReading):
    """One pass over a feed. Iterate it once to get, in file order, a ParsedRecord for each
    accepted row and one or more RowError for each rejected row; RowErrors with row None
    are file-level notices (an unknown column, reported once).

    Or read it in two stages: raw_batches() for the rows' keys and digests, then convert()
    for the rows that need converting. A reader is read once, one way or the other.

    Reading raises FeedUnreadable when the file cannot be read at all; that can happen
    after some records were yielded (e.g. a byte that breaks the file's encoding on row
    800,000), so an importer must treat it as "the whole file failed".
    """

    def __init__(
        self, stream: BinaryIO, *, fmt: Format, default_source: str = "rms", now: datetime
    ) -> None:
        if fmt not in ("csv", "jsonl"):
            raise ValueError(f"unknown feed format {fmt!r}")
        if now.utcoffset() is None:
            raise ValueError("now must be timezone-aware")
        source = default_source.strip().lower()
        if not source or len(source) > FIELDS["source"].limit or "\x00" in source:
            raise ValueError("default_source must be 1 to 32 characters")
        self.fmt: Format = fmt
        self.default_source = source
        self.now = now
        self.unknown_columns: list[str] = []  # the first MAX_UNKNOWN_NOTICES, in file order
        self.unknown_more = 0  # how many more unknown columns there were
        self._unknown_seen: set[str] = set()
        self.rows = 0  # data records read so far, accepted or rejected
        self._latest = now + FUTURE_MARGIN
        self._latest_date = self._latest.astimezone(LONDON).date()
        self._stream = stream
        self._decoder = FeedDecoder(stream)
        # hash((source, reference)) of every row whose key could be read. An int is half
        # the memory of the key string; a false duplicate needs a 64-bit hash collision,
        # about 1 in 3.7e7 for a 1M-row file, and shows up as a reported rejection.
        self._seen = KeySet()
        self._notices: list[RowError] = []
        self._started = False
        # JSON Lines: known before reading. CSV: set once the header is read.
        self._signature = _layout_signature(fmt, source) if fmt == "jsonl" else None
        self._signature_hasher: hashlib.blake2b | None = None

    @property
    def encoding(self) -> str | None:
        """The decided encoding ("utf-8", "utf-8-sig", "cp1252"); None while all ASCII."""
        return self._decoder.encoding

    def __iter__(self) -> Iterator[ParsedRecord | RowError]:
        self._start()
        return self._iter_csv() if self.fmt == "csv" else self._iter_jsonl()

    def raw_batches(
        self, batch_size: int, *, keys: Literal["file", "batch"] = "file"
    ) -> Iterator[RawBatch]:
        """Stage one: the file's rows, split and keyed but not converted, in file order, in
        batches of about `batch_size` records and errors together (a batch ends with the
        row that fills it, so that row's errors may take it a little over).

        A row whose key cannot be read (reference missing, too long or with a NUL; source
        too long or with a NUL; in JSON Lines also a key that is not text), a duplicate key,
        a broken CSV row, a row with the wrong number of values, a line that is not a JSON
        object and a JSON object with a key given twice are rejected here, with every
        error the one-pass API reports for that row. Every other row is a RawRecord: pass
        it to convert() for the rest of the checks and its ParsedRecord.
        Raises FeedUnreadable as iteration does.

        `keys="batch"`: the duplicate rule within each batch only, its keys forgotten once
        the next batch is asked for; the caller applies it across batches (RawBatch.keys,
        convert(duplicate=True)), so the reader's memory does not grow with the file.
        """
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        self._start()
        batches = self._raw_csv(batch_size) if self.fmt == "csv" else self._raw_jsonl(batch_size)
        if keys == "batch":
            return self._forgetting_keys(batches)
        return self._reserving_keys(batches)

    def _forgetting_keys(self, batches: Iterator[RawBatch]) -> Iterator[RawBatch]:
        # Cleared when the next batch is asked for, before its first row is read.
        for batch in batches:
            yield batch
            self._seen.clear()

    def _reserving_keys(self, batches: Iterator[RawBatch]) -> Iterator[RawBatch]:
        """After the first batch, make room in the key set for the rows the rest of the file
        will hold, estimated from the bytes the first batch took: growing it by doubling
        near the end held the old and the new table at once, the largest single thing that
        made a million-row import's peak memory grow with the file."""
        first = next(batches, None)
        if first is None:
            return
        self._seen.reserve(self._expected_rows())
        yield first
        yield from batches

    def _expected_rows(self) -> int:
        try:
            size = os.fstat(self._stream.fileno()).st_size
            consumed = self._stream.tell()  # read ahead by up to a chunk: rows underestimated
        except (AttributeError, OSError, ValueError):  # not a file (a test's BytesIO)
            return 0
        if not consumed or not self.rows:
            return 0
        # A quarter more than the estimate: the decoder reads a chunk ahead, and the first
        # rows may be shorter than the rest.
        return int(size / consumed * self.rows * 1.25)

    def convert(self, raw: RawRecord, *, duplicate: bool = False) -> ParsedRecord | list[RowError]:
        """Stage two: exactly what the one-pass API gives for the row of `raw`, one of this
        reader's records: its ParsedRecord, or the list of RowErrors that reject it.

        May be called at any time after raw_batches() produced `raw`, for any subset of
        the records, in any order; the duplicate rule was already applied in stage one,
        unless `duplicate`: the caller found the key on an earlier row (raw_batches with
        keys="batch"), and the row is rejected with the errors the one-pass API gives it.
        """
        data = raw.data
        if type(data) is str:
            cells = _record_cells(data)
            return self._convert(
                raw.row,
                cells,
                raw.layout,
                [],
                None,
                self._decoder.saw_nul,
                check_duplicate=False,
                known_duplicate=duplicate,
            )
        return self._convert_json(
            raw.row,
            cast(dict[str, object], data),
            raw.layout,
            check_duplicate=False,
            known_duplicate=duplicate,
        )

    def _start(self) -> None:
        if self._started:
            raise RuntimeError("a FeedReader can be read only once")
        self._started = True

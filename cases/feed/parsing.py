"""Streaming parser for the crime-log feed: CSV or JSON Lines in, ParsedRecord/RowError out.

The contract is docs/log-feed.md. The parser holds no rows: memory is one line (or one
quoted CSV record) plus one small int per (source, reference) seen, for the duplicate rule.

Two ways to read a feed (docs/log-feed.md, "How re-imports stay fast"):
- one pass: iterate a FeedReader for a ParsedRecord or RowErrors per row;
- two stages: FeedReader.raw_batches() splits each row, reads its key, applies the
  duplicate rule and digests the raw record, cheaply; FeedReader.convert() then does the
  rest for the rows the caller needs (new or changed ones).
"""

import csv
import hashlib
import json
from collections.abc import Iterator, Sequence
from datetime import date, datetime, timedelta
from itertools import chain
from os import PathLike
from pathlib import Path
from typing import BinaryIO, Final, Literal, cast

from cases.feed.dates import LONDON, parse_date, parse_datetime
from cases.feed.decoding import FeedDecoder, split_lines
from cases.feed.jsonl import json_object, not_jsonl_message, note_party_keys, parse_parties
from cases.feed.schema import (
    FIELDS,
    FLAG_LIMIT,
    FLAT_PARTY_ROLES,
    PARTY_ROLES,
    REQUIRED_COLUMNS,
    CellRejected,
    FeedUnreadable,
    Kind,
    Layout,
    ParsedRecord,
    Party,
    RawBatch,
    RawRecord,
    RowError,
)

Format = Literal["csv", "jsonl"]
FORMATS: Final[dict[str, Format]] = {
    ".csv": "csv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
}
# "Future" is more than a day after the import runs (the contract); a day absorbs clock skew
# and records keyed in another zone.
FUTURE_MARGIN: Final = timedelta(days=1)
# Refuse a JSON Lines file when none of its first non-blank lines is a JSON object.
JSONL_SNIFF_LINES: Final = 10
# csv's own per-field cap (default 128 KiB) must sit well above the narrative limit so an
# oversized narrative is reported against its column, not as broken CSV.
CSV_FIELD_SIZE: Final = 16 << 20
DATE_FORMS: Final = "use YYYY-MM-DD, YYYY-MM-DDTHH:MM[:SS][+HH:MM] or DD/MM/YYYY [HH:MM[:SS]]"
# Part of every layout signature, so of every digest. Bump it whenever a change to this
# package could convert an unchanged raw record differently (a new normalisation, a lower
# limit, another date rule): stored digests then stop matching and every row is converted.
DIGEST_VERSION: Final = 1
DIGEST_SIZE: Final = 16

_TEXT: Final = Kind.TEXT
_UPPER: Final = Kind.UPPER
_LOWER: Final = Kind.LOWER
_NARRATIVE: Final = Kind.NARRATIVE
_DATETIME: Final = Kind.DATETIME
_DATE: Final = Kind.DATE
_FLAGS: Final = Kind.FLAGS
_EMPTY: Final[dict[Kind, object]] = {
    _TEXT: "",
    _UPPER: "",
    _LOWER: "",
    _NARRATIVE: "",
    _DATETIME: None,
    _DATE: None,
    _FLAGS: (),
}
_FLAT_PARTY_KEYS: Final = {
    role: (f"{role}_id", f"{role}_name", f"{role}_dob") for role in FLAT_PARTY_ROLES
}
_REFERENCE_LIMIT: Final = FIELDS["reference"].limit
_SOURCE_LIMIT: Final = FIELDS["source"].limit

# (cell index, column name, kind, limit) for each known column.
type Plan = list[tuple[int, str, Kind, int]]


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


class FeedReader:
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
        self.unknown_columns: list[str] = []
        self.rows = 0  # data records read so far, accepted or rejected
        self._latest = now + FUTURE_MARGIN
        self._latest_date = self._latest.astimezone(LONDON).date()
        self._decoder = FeedDecoder(stream)
        # hash((source, reference)) of every row whose key could be read. An int is half
        # the memory of the key string; a false duplicate needs a 64-bit hash collision,
        # about 1 in 3.7e7 for a 1M-row file, and shows up as a reported rejection.
        self._seen: set[int] = set()
        self._notices: list[RowError] = []
        self._started = False
        # JSON Lines: known before reading. CSV: set once the header is read.
        self._signature = _layout_signature(fmt, source) if fmt == "jsonl" else None
        self._signature_hasher: hashlib.blake2b | None = None

    @property
    def encoding(self) -> str | None:
        """The decided encoding ("utf-8", "utf-8-sig", "cp1252"); None while all ASCII."""
        return self._decoder.encoding

    @property
    def layout_signature(self) -> bytes:
        """What every digest of this file starts from: the digest version, the format, the
        default source and, for CSV, the normalised column names in order. Known for CSV
        once the header has been read (raises RuntimeError before)."""
        if self._signature is None:
            raise RuntimeError("the CSV header has not been read yet")
        return self._signature

    def __iter__(self) -> Iterator[ParsedRecord | RowError]:
        self._start()
        return self._iter_csv() if self.fmt == "csv" else self._iter_jsonl()

    def raw_batches(self, batch_size: int) -> Iterator[RawBatch]:
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
        """
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        self._start()
        return self._raw_csv(batch_size) if self.fmt == "csv" else self._raw_jsonl(batch_size)

    def convert(self, raw: RawRecord) -> ParsedRecord | list[RowError]:
        """Stage two: exactly what the one-pass API gives for the row of `raw`, one of this
        reader's records: its ParsedRecord, or the list of RowErrors that reject it.

        May be called at any time after raw_batches() produced `raw`, for any subset of
        the records, in any order; the duplicate rule was already applied in stage one.
        """
        data = raw.data
        if type(data) is str:
            cells = _record_cells(data)
            return self._convert(
                raw.row, cells, raw.layout, [], None, self._decoder.saw_nul, check_duplicate=False
            )
        return self._convert_json(
            raw.row, cast(dict[str, object], data), raw.layout, check_duplicate=False
        )

    def _start(self) -> None:
        if self._started:
            raise RuntimeError("a FeedReader can be read only once")
        self._started = True

    # --- CSV ---------------------------------------------------------------------------

    def _open_csv(self) -> tuple[Iterator[str], int, Layout]:
        """The file's lines after the header, the header's width and its layout."""
        if csv.field_size_limit() < CSV_FIELD_SIZE:
            csv.field_size_limit(CSV_FIELD_SIZE)
        lines = self._decoder.lines()
        # csv.reader reads no further than the record it returns: the data rows are
        # split from the same iterator by _csv_records.
        header = _read_header(csv.reader(lines, strict=True))
        return lines, len(header), self._csv_layout(header)

    def _iter_csv(self) -> Iterator[ParsedRecord | RowError]:
        lines, width, layout = self._open_csv()
        yield from self._drain_notices()
        convert = self._convert
        decoder = self._decoder
        row = 0
        for _, cells in _csv_records(lines):
            if not isinstance(cells, list):
                row += 1
                self.rows = row
                yield RowError(row, None, f"the row is not valid CSV ({cells})")
                continue
            if not any(cells):  # a blank line, or a row of empty cells: not a record
                continue
            row += 1
            self.rows = row
            if len(cells) != width and (len(cells) < width or any(cells[width:])):
                yield _width_error(row, len(cells), width)
                continue
            result = convert(row, cells, layout, [], None, decoder.saw_nul)
            if isinstance(result, list):
                yield from result
            else:
                yield result

    def _raw_csv(self, batch_size: int) -> Iterator[RawBatch]:
        lines, width, layout = self._open_csv()
        reference_at = cast(int, layout.reference)  # a required column
        source_at = layout.source
        # The fast path reads the key from a row's first `lead` cells. With the key in the
        # last column it never applies (no line has -1 commas).
        lead = max(reference_at, -1 if source_at is None else source_at) + 1
        commas = width - 1 if lead < width else -1
        default_source = self.default_source
        seen = self._seen
        decoder = self._decoder
        # Names the loop below uses per row, bound locally.
        new_hasher, raw_record, quoted_lead, has_nul = (
            self._hasher().copy,
            RawRecord,
            _quoted_lead,
            _has_nul,
        )
        line_limit, reference_limit, source_limit = (
            CSV_FIELD_SIZE,
            _REFERENCE_LIMIT,
            _SOURCE_LIMIT,
        )
        records: list[RawRecord] = []
        errors = self._drain_notices()
        room = batch_size - len(errors)  # records that still fit in this batch
        row = 0
        try:
            for line in lines:
                # The fast path, taken by most rows of a real feed: a row on one line, of
                # `width` values, whose key is in the cells before its first quote, can be
                # read and is new (an inlined _new_key). It is not cut into all its cells.
                text = line
                if len(line) <= line_limit:
                    quote = line.find('"')
                    if quote < 0:
                        head = line.split(",", lead) if line.count(",") == commas else None
                    else:
                        cut = quoted_lead(line, quote, commas, lead, lines)
                        if type(cut) is tuple:
                            text, head = cut
                        else:
                            text, head = cast(str, cut), None
                    if head is not None:
                        reference = head[reference_at].strip()
                        source = head[source_at].strip() if source_at is not None else ""
                        if (
                            reference
                            and len(reference) <= reference_limit
                            and len(source) <= source_limit
                            and not (decoder.saw_nul and has_nul(reference, source))
                        ):
                            source = source.lower() or default_source
                            key = hash((source, reference))
                            if key not in seen:
                                seen.add(key)
                                row += 1
                                hasher = new_hasher()
                                hasher.update(text.encode())
                                records.append(
                                    raw_record(
                                        row, source, reference, hasher.digest(), text, layout
                                    )
                                )
                                if len(records) < room:
                                    continue
                                self.rows = row
                                yield RawBatch(records, errors, row)
                                records, errors, room = [], [], batch_size
                                continue
                # Any other row is cut in full, as the one-pass API does.
                if text is line:
                    text, cells = _csv_record(line, lines)
                else:  # the fast path read more lines of this record
                    text, cells = _read_record(split_lines(text), lines)
                if not isinstance(cells, list):
                    row += 1
                    errors.append(RowError(row, None, f"the row is not valid CSV ({cells})"))
                elif not any(cells):  # a blank line, or a row of empty cells: not a record
                    continue
                else:
                    row += 1
                    count = len(cells)
                    if count != width and (count < width or any(cells[width:])):
                        errors.append(_width_error(row, count, width))
                    else:
                        raw = self._raw_cells(row, text, cells, layout)
                        if isinstance(raw, list):
                            errors.extend(raw)
                        else:
                            records.append(raw)
                room = batch_size - len(errors)
                if len(records) >= room:
                    self.rows = row
                    yield RawBatch(records, errors, row)
                    records, errors, room = [], [], batch_size
        finally:
            self.rows = row
        if records or errors:
            yield RawBatch(records, errors, row)

    def _raw_cells(
        self, row: int, text: str, cells: list[str], layout: Layout
    ) -> RawRecord | list[RowError]:
        """Stage one for a CSV row cut in full: a RawRecord, or every error of a row
        rejected here."""
        reference = cells[cast(int, layout.reference)].strip()
        source = cells[layout.source].strip() if layout.source is not None else ""
        checked = self._new_key(reference, source, self._decoder.saw_nul)
        if checked is not None:
            return RawRecord(row, checked, reference, self._digest(text), text, layout)
        return _rejected(self._convert(row, cells, layout, [], None, self._decoder.saw_nul))

    def _new_key(self, reference: str, source: str, check_nul: bool) -> str | None:
        """The normalised source of a row whose stripped reference and source can be read
        and are not on an earlier row (the key is then noted); None otherwise. The same
        rules as _convert's, which then reports the reasons."""
        if (
            reference
            and len(reference) <= _REFERENCE_LIMIT
            and len(source) <= _SOURCE_LIMIT
            and not (check_nul and _has_nul(reference, source))
        ):
            source = source.lower() or self.default_source
            key = hash((source, reference))
            if key not in self._seen:
                self._seen.add(key)
                return source
        return None

    def _hasher(self) -> hashlib.blake2b:
        """A BLAKE2b-128 hasher fed the layout signature: copy it for each record."""
        if self._signature_hasher is None:
            self._signature_hasher = hashlib.blake2b(self.layout_signature, digest_size=DIGEST_SIZE)
        return self._signature_hasher

    def _digest(self, text: str) -> bytes:
        """BLAKE2b-128 over the layout signature and a raw record's text."""
        hasher = self._hasher().copy()
        hasher.update(text.encode())
        return hasher.digest()

    def _csv_layout(self, header: list[str]) -> Layout:
        names = [cell.replace("\ufeff", "").strip().lower() for cell in header]
        plan: Plan = []
        for index, name in enumerate(names):
            spec = FIELDS.get(name)
            if spec is None:
                self._unknown(name or f"(column {index + 1} has no name)")
            elif any(entry[1] == name for entry in plan):
                raise FeedUnreadable(f"the column {name!r} appears more than once")
            else:
                plan.append((index, name, spec.kind, spec.limit))
        present = frozenset(entry[1] for entry in plan)
        for required in REQUIRED_COLUMNS:
            if required not in present:
                raise FeedUnreadable(_missing_column_message(required, names))
        self._signature = _layout_signature("csv", self.default_source, names)
        return Layout(
            plan,
            present,
            _flat_roles(present),
            reference=_position(plan, "reference"),
            source=_position(plan, "source"),
        )

    # --- JSON Lines ----------------------------------------------------------------------

    def _iter_jsonl(self) -> Iterator[ParsedRecord | RowError]:
        layouts: dict[tuple[str, ...], Layout] = {}
        held: list[RowError] = []  # errors kept back until a line proves this is JSON Lines
        first_line = ""
        proven = False
        row = 0
        for line in self._decoder.lines():
            text = line.strip()
            if not text:
                continue
            row += 1
            self.rows = row
            obj = json_object(row, text)
            if isinstance(obj, dict):
                layout = self._layout_of(obj, layouts)
                if layout.duplicate is not None:
                    result: ParsedRecord | list[RowError] = [_key_twice(row, layout.duplicate)]
                else:
                    result = self._convert_json(row, obj, layout)
                if not proven:
                    proven = True
                    yield from held
                    held.clear()
                yield from self._drain_notices()
                if isinstance(result, list):
                    yield from result
                else:
                    yield result
                continue
            error = obj
            if proven:
                yield error
                continue
            first_line = first_line or text
            held.append(error)
            if len(held) >= JSONL_SNIFF_LINES:
                break
        if held:
            raise FeedUnreadable(not_jsonl_message(first_line, len(held)))

    def _raw_jsonl(self, batch_size: int) -> Iterator[RawBatch]:
        layouts: dict[tuple[str, ...], Layout] = {}
        held: list[RowError] = []  # errors kept back until a line proves this is JSON Lines
        first_line = ""
        proven = False
        records: list[RawRecord] = []
        errors: list[RowError] = []
        row = 0
        try:
            for line in self._decoder.lines():
                text = line.strip()
                if not text:
                    continue
                row += 1
                obj = json_object(row, text)
                if not isinstance(obj, dict):
                    if proven:
                        errors.append(obj)
                    else:
                        first_line = first_line or text
                        held.append(obj)
                        if len(held) >= JSONL_SNIFF_LINES:
                            break
                        continue
                else:
                    layout = self._layout_of(obj, layouts)
                    if not proven:
                        proven = True
                        errors.extend(held)
                        held.clear()
                    raw = self._raw_json(row, obj, layout, text)
                    if self._notices:  # first found on this row: before its errors
                        errors.extend(self._drain_notices())
                    if isinstance(raw, list):
                        errors.extend(raw)
                    else:
                        records.append(raw)
                if len(records) + len(errors) >= batch_size:
                    self.rows = row
                    yield RawBatch(records, errors, row)
                    records, errors = [], []
        finally:
            self.rows = row
        if held:
            raise FeedUnreadable(not_jsonl_message(first_line, len(held)))
        if records or errors:
            yield RawBatch(records, errors, row)

    def _raw_json(
        self, row: int, obj: dict[str, object], layout: Layout, text: str
    ) -> RawRecord | list[RowError]:
        """Stage one for an object: a RawRecord, or every error of a row rejected here."""
        if layout.duplicate is not None:
            return [_key_twice(row, layout.duplicate)]
        keys = layout.keys
        reference: str | None = ""
        source: str | None = ""
        if layout.reference is not None:
            reference = _json_text(obj[keys[layout.reference]])
        if layout.source is not None:
            source = _json_text(obj[keys[layout.source]])
        if reference is not None and source is not None:
            checked = self._new_key(reference, source, True)
            if checked is not None:
                if layout.parties_index is not None:
                    # Unknown keys inside `parties` are notices that the one-pass API finds
                    # while converting; find them now, whether the row is converted or not.
                    note_party_keys(obj[keys[layout.parties_index]], self._unknown)
                return RawRecord(row, checked, reference, self._digest(text), obj, layout)
        return _rejected(self._convert_json(row, obj, layout))

    def _layout_of(self, obj: dict[str, object], layouts: dict[tuple[str, ...], Layout]) -> Layout:
        keys = tuple(obj)
        layout = layouts.get(keys)
        if layout is None:
            if len(layouts) > 1000:  # a feed with ever-changing key orders: stay bounded
                layouts.clear()
            layout = layouts[keys] = self._json_layout(keys)
        return layout

    def _convert_json(
        self, row: int, obj: dict[str, object], layout: Layout, *, check_duplicate: bool = True
    ) -> ParsedRecord | list[RowError]:
        """One object (whose layout has no key given twice) to a record, or to the list of
        reasons it is rejected."""
        values = list(obj.values())
        errors: list[RowError] = []
        for index, name, kind, _ in layout.plan:
            value = values[index]
            if type(value) is str:
                continue
            if value is None:
                values[index] = ""
            elif type(value) is int or type(value) is float:
                values[index] = str(value)
            elif kind is _FLAGS and type(value) is list and all(type(t) is str for t in value):
                values[index] = ";".join(value)
            else:
                values[index] = ""
                errors.append(RowError(row, name, f"{name} must be a string"))
        parties = None
        if layout.parties_index is not None:
            parties = parse_parties(
                row, values[layout.parties_index], errors, clean=self._clean, unknown=self._unknown
            )
        # Every cell the plan reads is a str now. Always look for NUL: JSON can carry one as
        # "\u0000" in otherwise clean text.
        return self._convert(
            row,
            cast(list[str], values),
            layout,
            errors,
            parties,
            True,
            check_duplicate=check_duplicate,
        )

    def _json_layout(self, keys: tuple[str, ...]) -> Layout:
        plan: Plan = []
        seen: set[str] = set()
        parties_index = None
        duplicate = None
        for index, key in enumerate(keys):
            name = key.strip().lower()
            if name in seen:
                duplicate = name
            seen.add(name)
            spec = FIELDS.get(name)
            if spec is not None:
                plan.append((index, name, spec.kind, spec.limit))
            elif name == "parties":
                parties_index = index
            else:
                self._unknown(name)
        present = frozenset(entry[1] for entry in plan)
        roles = _flat_roles(present)
        if parties_index is not None:
            present |= {"parties"}
            roles = PARTY_ROLES
        return Layout(
            plan,
            present,
            roles,
            parties_index,
            duplicate,
            reference=_position(plan, "reference"),
            source=_position(plan, "source"),
            keys=keys,
        )

    # --- shared --------------------------------------------------------------------------

    def _convert(
        self,
        row: int,
        cells: Sequence[str],
        layout: Layout,
        errors: list[RowError],
        extra_parties: list[Party] | None,
        check_nul: bool,
        *,
        check_duplicate: bool = True,
    ) -> ParsedRecord | list[RowError]:
        """One row's cells to a record, or to the list of reasons it is rejected.

        `check_duplicate` False: stage one already applied the duplicate rule to the row.
        """
        values: dict[str, object] = {}
        # The loop runs for every cell of a million-row file: the plain-text kinds are
        # handled inline, with names bound locally; dates and flags go to _value.
        empty, narrative, text_kind, upper = _EMPTY, _NARRATIVE, _TEXT, _UPPER
        for index, name, kind, limit in layout.plan:
            text = cells[index].strip()
            if not text:
                values[name] = empty[kind]
                continue
            if check_nul and "\x00" in text:
                errors.append(RowError(row, name, f"{name} contains a NUL byte"))
                continue
            if kind is narrative and "\r" in text:
                text = text.replace("\r\n", "\n").replace("\r", "\n")
            if len(text) > limit:
                errors.append(RowError(row, name, _too_long(name, len(text), limit)))
            elif kind is text_kind or kind is narrative:
                values[name] = text
            elif kind is upper:
                values[name] = text.upper()
            else:
                try:
                    values[name] = self._value(name, kind, text)
                except CellRejected as exc:
                    errors.append(RowError(row, name, str(exc)))
        bad = {error.column for error in errors} if errors else set()

        reference = str(values.pop("reference", ""))
        source = str(values.pop("source", "")) or self.default_source
        if not reference:
            if "reference" not in bad:
                errors.append(RowError(row, "reference", "reference is missing"))
        elif check_duplicate and "source" not in bad:
            key = hash((source, reference))
            if key in self._seen:
                errors.append(
                    RowError(
                        row, "reference", "the same source and reference appear on an earlier row"
                    )
                )
            else:
                self._seen.add(key)
        if values.get("recorded_at") is None and "recorded_at" not in bad:
            errors.append(RowError(row, "recorded_at", "recorded_at is missing"))

        parties: list[Party] = []
        for role in FLAT_PARTY_ROLES:
            if role not in layout.party_roles:
                continue
            id_key, name_key, dob_key = _FLAT_PARTY_KEYS[role]
            source_id = str(values.pop(id_key, ""))
            party_name = str(values.pop(name_key, ""))
            dob = values.pop(dob_key, None)
            if source_id or party_name:
                parties.append(
                    Party(role, source_id, party_name, dob if isinstance(dob, date) else None, "")
                )
            elif dob is not None:
                errors.append(
                    RowError(row, dob_key, f"{dob_key} is given without {id_key} or {name_key}")
                )
        if extra_parties:
            parties.extend(extra_parties)

        if errors:
            return errors
        return ParsedRecord(
            row,
            source,
            reference,
            values,
            layout.present,
            tuple(parties) if layout.party_roles else None,
            layout.party_roles,
        )

    def _clean(self, name: str, kind: Kind, limit: int, raw: str) -> object:
        """The normalised value of one cell; raises CellRejected with the reason.

        _convert inlines the same steps for speed; keep the two in step.
        """
        text = raw.strip()
        if not text:
            return _EMPTY[kind]
        if "\x00" in text:
            raise CellRejected(f"{name} contains a NUL byte")
        if kind is _NARRATIVE and "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        if len(text) > limit:
            raise CellRejected(_too_long(name, len(text), limit))
        if kind is _TEXT or kind is _NARRATIVE:
            return text
        if kind is _UPPER:
            return text.upper()
        return self._value(name, kind, text)

    def _value(self, name: str, kind: Kind, text: str) -> object:
        """A date, flags or lower-cased value from checked, non-empty text."""
        if kind is _DATETIME:
            try:
                moment = parse_datetime(text)
            except ValueError:
                raise CellRejected(f"{name} is not a valid date or time; {DATE_FORMS}") from None
            if moment > self._latest:
                raise CellRejected(f"{name} is in the future")
            return moment
        if kind is _DATE:
            try:
                day = parse_date(text)
            except ValueError:
                raise CellRejected(f"{name} is not a valid date; {DATE_FORMS}") from None
            if day > self._latest_date:
                raise CellRejected(f"{name} is in the future")
            return day
        if kind is _FLAGS:
            return _split_flags(name, text)
        return text.lower()

    def _unknown(self, name: str) -> None:
        if name not in self.unknown_columns:
            self.unknown_columns.append(name)
            self._notices.append(RowError(None, name, f"unknown column {name!r} ignored"))

    def _drain_notices(self) -> list[RowError]:
        if not self._notices:
            return self._notices
        notices, self._notices = self._notices, []
        return notices


def _too_long(name: str, length: int, limit: int) -> str:
    return f"{name} is {length:,} characters long; the limit is {limit:,}"


def _split_flags(name: str, text: str) -> tuple[str, ...]:
    """`"stalking; DA,stalking"` -> `("STALKING", "DA")`: upper-case, de-duplicated, in order."""
    tags = dict.fromkeys(tag.strip().upper() for tag in text.replace(",", ";").split(";"))
    tags.pop("", None)
    for tag in tags:
        if len(tag) > FLAG_LIMIT:
            raise CellRejected(f"a tag in {name} is longer than {FLAG_LIMIT} characters")
    return tuple(tags)


def _flat_roles(present: frozenset[str]) -> frozenset[str]:
    return frozenset(
        role for role, keys in _FLAT_PARTY_KEYS.items() if any(key in present for key in keys)
    )


def _read_header(reader: Iterator[list[str]]) -> list[str]:
    for cells in _header_candidates(reader):
        if any(cell.strip() for cell in cells):
            return cells
    raise FeedUnreadable("the file is empty: there is no header row")


def _header_candidates(reader: Iterator[list[str]]) -> Iterator[list[str]]:
    while True:
        try:
            yield next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise FeedUnreadable(f"the header row is not valid CSV ({exc})") from None


def _missing_column_message(required: str, names: list[str]) -> str:
    message = f"the file has no {required!r} column"
    if len(names) == 1 and (";" in names[0] or "\t" in names[0]):
        return f"{message}: it looks separated by ';' or tabs, and a feed must use commas"
    near = [name for name in names if name.replace(" ", "_").replace("-", "_") == required]
    if near:
        return f"{message} (found {near[0]!r}: write column names with underscores)"
    return f"{message}; the columns found are: {', '.join(repr(name) for name in names)}"


def _csv_records(lines: Iterator[str]) -> Iterator[tuple[str, list[str] | csv.Error]]:
    """The records of `lines` as `csv.reader(lines, strict=True)` reads them, each with its
    text; see _csv_record."""
    for line in lines:
        yield _csv_record(line, lines)


def _csv_record(line: str, lines: Iterator[str]) -> tuple[str, list[str] | csv.Error]:
    """The record starting at `line`, as `csv.reader(lines, strict=True)` would read it
    there, with its text (all its lines); the csv.Error in its place if that reader would
    raise one (reading goes on with the next line, as csv.reader's does).

    csv.reader's state machine costs about 5 ns a character. A record on one line with no
    quote, or whose quotes only open and close values, is cut with str.split instead, in
    a third of the time; any other line goes to csv.reader, with the lines after it that
    its record takes (a value holding a line break).
    """
    if len(line) <= CSV_FIELD_SIZE:  # no value on a shorter line trips csv's size limit
        if '"' not in line:
            cells = line.split(",")
            last = cells[-1] = cells[-1].rstrip("\r\n")
            if not last and len(cells) == 1:
                return line, []  # a blank line
            return line, cells
        quoted = _split_quoted(line)
        if quoted is not None:
            return line, quoted
    return _read_record([line], lines)


def _read_record(taken: list[str], lines: Iterator[str]) -> tuple[str, list[str] | csv.Error]:
    """csv.reader's record from the lines already `taken` (all of them part of it), then as
    many of `lines` as it needs (appended to `taken`); see _csv_record."""
    try:
        record = next(csv.reader(chain(taken, _noting(lines, taken)), strict=True), None)
    except csv.Error as exc:
        return taken[0], exc
    if record is None:  # pragma: no cover - csv.reader returns a record for any line
        raise AssertionError("csv.reader returned no record for a line")
    return "".join(taken), record


def _noting(lines: Iterator[str], taken: list[str]) -> Iterator[str]:
    """`lines`, each appended to `taken` as it is read."""
    for line in lines:
        taken.append(line)
        yield line


def _split_quoted(line: str) -> list[str] | None:
    """The cells of a one-line record whose quotes all open and close values, as csv.reader
    gives them; None for csv.reader to decide (a value that goes on to the next line, a
    quote inside an unquoted value, or broken quoting)."""
    parts = line.split('"')
    last = len(parts) - 1  # parts alternate: outside quotes (even index), inside (odd)
    if last % 2:
        return None
    parts[last] = parts[last].rstrip("\r\n")
    head = parts[0]
    if not head:
        cells = []
    elif head[-1] == ",":
        cells = head[:-1].split(",")
    else:
        return None  # a quote inside an unquoted value
    index = 1
    while True:
        value = parts[index]
        index += 1
        while not parts[index] and index < last:  # `""` inside a quoted value
            value += '"' + parts[index + 1]
            index += 2
        cells.append(value)
        between = parts[index]  # after a closing quote: "", or "," and more values
        if index == last:
            if not between:
                return cells
            if between[0] != ",":
                return None
            cells.extend(between[1:].split(","))
            return cells
        if between != ",":
            if len(between) < 2 or between[0] != "," or between[-1] != ",":
                return None
            cells.extend(between[1:-1].split(","))
        index += 1


def _quoted_lead(
    line: str, quote: int, commas: int, lead: int, lines: Iterator[str]
) -> tuple[str, list[str]] | str:
    """For stage one's fast path: a record with quoted values, starting at `line` whose
    first quote is at `quote`. Returns the record's text and its first `lead` cells (then
    the rest of the text), as _csv_record would cut them, when those cells come before that
    quote, every quote opens a value (after a comma) or closes one (before a comma or the
    line's end) or is a `""` inside one, and the record has `commas` + 1 values.

    Otherwise returns the text read so far, for _read_record to cut in full: `line`, and
    the lines read after it while a value was still open at a line's end (csv.reader reads
    those too, so they belong to this record).
    """
    found = line.count(",", 0, quote)
    if found < lead or line[quote - 1] != ",":  # a quote must open a value
        return line
    text = line
    while True:
        close = text.find('"', quote + 1)
        while close >= 0 and text.startswith('"', close + 1):  # `""` inside the value
            close = text.find('"', close + 2)
        while close < 0:  # the value goes on to the next line
            more = next(lines, None) if len(text) <= CSV_FIELD_SIZE else None
            if more is None:
                return text  # csv.reader raises on it: a value left open, or too long
            start = len(text)
            text += more
            close = text.find('"', start)
            while close >= 0 and text.startswith('"', close + 1):
                close = text.find('"', close + 2)
        after = close + 1
        quote = text.find('"', after)
        if quote < 0:
            # After the last value: the line's end (or nothing), or "," and more values.
            if text[after : after + 1] not in ("", ",", "\r", "\n"):
                return text
            found += text.count(",", after)
            break
        # Between two quoted values: "," and perhaps more values, then ",".
        if text[after] != "," or text[quote - 1] != ",":
            return text
        found += text.count(",", after, quote)
    if found != commas or len(text) > CSV_FIELD_SIZE:
        return text
    return text, text.split(",", lead)


def _record_cells(text: str) -> list[str]:
    """The cells of a record's text, split again exactly as stage one split it."""
    for _, cells in _csv_records(iter(split_lines(text))):
        if isinstance(cells, list):
            return cells
        break
    raise AssertionError("a record's text no longer splits as it did")


def _layout_signature(fmt: Format, default_source: str, columns: list[str] | None = None) -> bytes:
    """The bytes every digest of a file starts with. JSON with ASCII escapes holds no raw
    line break, so the final one ends it: no signature is a prefix of another."""
    described: list[object] = ["stalking-hub-feed", DIGEST_VERSION, fmt, default_source]
    if columns is not None:
        described.append(columns)
    return json.dumps(described, separators=(",", ":")).encode() + b"\n"


def _position(plan: Plan, column: str) -> int | None:
    return next((index for index, name, _, _ in plan if name == column), None)


def _has_nul(reference: str, source: str) -> bool:
    return "\x00" in reference or "\x00" in source


def _json_text(value: object) -> str | None:
    """A JSON value as _convert_json turns it into text, stripped; None if it rejects it."""
    if type(value) is str:
        return value.strip()
    if value is None:
        return ""
    if type(value) is int or type(value) is float:
        return str(value).strip()
    return None


def _rejected(result: ParsedRecord | list[RowError]) -> list[RowError]:
    """The errors of a row that stage one rejected; converting it must agree."""
    if isinstance(result, ParsedRecord):
        raise AssertionError(f"row {result.row}: stage one rejected a row that converts")
    return result


def _width_error(row: int, count: int, width: int) -> RowError:
    return RowError(row, None, f"the row has {count} values but the header has {width}")


def _key_twice(row: int, name: str) -> RowError:
    return RowError(row, name, f"{name} is given twice (keys are case-insensitive)")

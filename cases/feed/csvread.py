"""Reading CSV feeds: the header, records (quoted values across lines), raw rows and layouts."""

import csv
import json
import tempfile
from collections.abc import Iterable, Iterator
from itertools import chain
from typing import IO, cast

from cases.feed.convert import (
    _REFERENCE_LIMIT,
    _SOURCE_LIMIT,
    CSV_FIELD_SIZE,
    DIGEST_VERSION,
    MAX_RECORD,
    Plan,
    RecordConverter,
    _flat_roles,
    _has_nul,
    _position,
    _rejected,
    _width_error,
)
from cases.feed.decoding import split_lines
from cases.feed.schema import (
    FIELDS,
    MAX_COLUMNS,
    REQUIRED_COLUMNS,
    FeedUnreadable,
    Format,
    Layout,
    ParsedRecord,
    RawBatch,
    RawItem,
    RawRecord,
    RowError,
)


class CsvReading(RecordConverter):
    """The CSV half of FeedReader."""

    # --- CSV ---------------------------------------------------------------------------

    def _open_csv(self) -> tuple[Iterator[str], int, Layout]:
        """The file's lines after the header, the header's width and its layout."""
        if csv.field_size_limit() < CSV_FIELD_SIZE:
            csv.field_size_limit(CSV_FIELD_SIZE)
        lines = Lines(self._decoder.lines())
        # csv.reader reads no further than the record it returns: the data rows are
        # split from the same iterator by _csv_records.
        header = _read_header(csv.reader(lines, strict=True))
        if len(header) > MAX_COLUMNS:
            raise FeedUnreadable(
                f"the header has {len(header):,} columns; a feed has at most {MAX_COLUMNS}"
            )
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
        new_hasher, quoted_lead, has_nul = (self._hasher().copy, _quoted_lead, _has_nul)
        line_limit, reference_limit, source_limit = (
            CSV_FIELD_SIZE,
            _REFERENCE_LIMIT,
            _SOURCE_LIMIT,
        )
        # Each record as a tuple; RawBatch makes RawRecords of those asked for.
        records: list[RawItem] = []
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
                            if seen.add_new(key):
                                row += 1
                                hasher = new_hasher()
                                hasher.update(text.encode())
                                records.append((row, source, reference, hasher.digest(), text))
                                if len(records) < room:
                                    continue
                                self.rows = row
                                yield RawBatch(None, errors, row, items=records, layout=layout)
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
                            records.append((raw.row, raw.source, raw.reference, raw.digest, text))
                room = batch_size - len(errors)
                if len(records) >= room:
                    self.rows = row
                    yield RawBatch(None, errors, row, items=records, layout=layout)
                    records, errors, room = [], [], batch_size
        finally:
            self.rows = row
        if records or errors:
            yield RawBatch(None, errors, row, items=records, layout=layout)

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


class Lines:
    """A file's lines, read once, except those given back (a record given up) to be read
    again as the next rows."""

    __slots__ = ("_source",)

    def __init__(self, source: Iterator[str]) -> None:
        self._source = source

    def __iter__(self) -> "Lines":
        return self

    def __next__(self) -> str:
        return next(self._source)

    def give_back(self, lines: Iterable[str]) -> None:
        self._source = chain(lines, self._source)


class _Taking:
    """The lines after a record's first, noted as csv.reader takes them, until the record
    passes MAX_RECORD characters or the file ends."""

    def __init__(self, lines: Iterator[str], taken: list[str]) -> None:
        self.lines = lines
        self.taken = taken
        self.size = sum(map(len, taken))
        self.stopped = False  # csv.reader wanted more: the record is still open here

    def __iter__(self) -> Iterator[str]:
        if self.size > MAX_RECORD:
            self.stopped = True
            return
        for line in self.lines:
            self.taken.append(line)
            self.size += len(line)
            yield line
            if self.size > MAX_RECORD:
                break
        self.stopped = True


def _read_record(taken: list[str], lines: Iterator[str]) -> tuple[str, list[str] | csv.Error]:
    """csv.reader's record from the lines already `taken` (all of them part of it), then as
    many of `lines` as it needs (appended to `taken`); see _csv_record.

    A quoted value still open when the file ends, or when the record passes MAX_RECORD
    characters, gives one error for the whole record (docs/log-feed.md): a value never
    closed gives back the lines after its first (they are read again as the next rows); a
    long value that does close is skipped to the line where it closes.
    """
    taking = _Taking(lines, taken)
    try:
        record = next(csv.reader(chain(taken, taking), strict=True), None)
    except csv.Error as exc:
        if len(taken) == 1 and not taking.stopped:  # broken on its one line
            return taken[0], exc
        if not isinstance(lines, Lines):  # nothing can be given back: as csv.reader does
            return taken[0], exc
        if taking.stopped:
            return taken[0], _give_up(taking, lines)
        # Broken after a line break inside a quoted value: the quote most likely never
        # closed where it should have, so the lines after this row's first are rows again.
        lines.give_back(taken[1:])
        return taken[0], csv.Error(f"a quoted value that opens on this row does not close ({exc})")
    if record is None:  # pragma: no cover - csv.reader returns a record for any line
        raise AssertionError("csv.reader returned no record for a line")
    return "".join(taken), record


def _give_up(taking: _Taking, lines: Lines) -> csv.Error:
    """The error for a record still open where _Taking stopped; reading resumes after it."""
    taken = taking.taken
    # Odd: inside a quoted value ("" inside one counts two, so changes nothing).
    inside = sum(line.count('"') for line in taken) % 2
    spool: IO[str] | None = None
    if taking.size > MAX_RECORD:
        # Read on to where the value closes; keep what is read (on disk) in case it never does.
        spool = tempfile.TemporaryFile("w+", encoding="utf-8", newline="")  # noqa: SIM115
        for line in lines:
            spool.write(line)
            inside ^= line.count('"') % 2
            if not inside:
                spool.close()
                return csv.Error(
                    f"a quoted value that opens on this row runs past {MAX_RECORD:,} characters"
                )
    again: Iterable[str] = taken[1:]
    if spool is not None:
        spool.seek(0)
        again = chain(again, _spooled(spool))
    lines.give_back(again)
    return csv.Error("a quoted value that opens on this row is never closed")


def _spooled(spool: IO[str]) -> Iterator[str]:
    with spool:
        yield from spool


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
            more = next(lines, None) if len(text) <= MAX_RECORD else None
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
    for _, cells in _csv_records(Lines(iter(split_lines(text)))):
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

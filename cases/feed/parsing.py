"""Streaming parser for the crime-log feed: CSV or JSON Lines in, ParsedRecord/RowError out.

The contract is docs/log-feed.md. The parser holds no rows: memory is one line (or one
quoted CSV record) plus one small int per (source, reference) seen, for the duplicate rule.
"""

import csv
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from os import PathLike
from pathlib import Path
from typing import BinaryIO, Final, Literal, cast

from cases.feed.dates import LONDON, parse_date, parse_datetime
from cases.feed.decoding import FeedDecoder
from cases.feed.jsonl import json_object, not_jsonl_message, parse_parties
from cases.feed.schema import (
    FIELDS,
    FLAG_LIMIT,
    FLAT_PARTY_ROLES,
    PARTY_ROLES,
    REQUIRED_COLUMNS,
    CellRejected,
    FeedUnreadable,
    Kind,
    ParsedRecord,
    Party,
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

# (cell index, column name, kind, limit) for each known column.
type Plan = list[tuple[int, str, Kind, int]]


@dataclass(frozen=True, slots=True)
class _Layout:
    """What a header (CSV) or a key sequence (JSON Lines) means, worked out once."""

    plan: Plan
    present: frozenset[str]
    party_roles: frozenset[str]
    parties_index: int | None = None
    duplicate: str | None = None


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

    Iterating raises FeedUnreadable when the file cannot be read at all; that can happen
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

    @property
    def encoding(self) -> str | None:
        """The decided encoding ("utf-8", "utf-8-sig", "cp1252"); None while all ASCII."""
        return self._decoder.encoding

    def __iter__(self) -> Iterator[ParsedRecord | RowError]:
        if self._started:
            raise RuntimeError("a FeedReader can be iterated only once")
        self._started = True
        return self._iter_csv() if self.fmt == "csv" else self._iter_jsonl()

    # --- CSV ---------------------------------------------------------------------------

    def _iter_csv(self) -> Iterator[ParsedRecord | RowError]:
        if csv.field_size_limit() < CSV_FIELD_SIZE:
            csv.field_size_limit(CSV_FIELD_SIZE)
        reader = csv.reader(self._decoder.lines(), strict=True)
        header = _read_header(reader)
        layout = self._csv_layout(header)
        yield from self._drain_notices()
        width = len(header)
        convert = self._convert
        decoder = self._decoder
        row = 0
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                row += 1
                self.rows = row
                yield RowError(row, None, f"the row is not valid CSV ({exc})")
                continue
            if not any(cells):  # a blank line, or a row of empty cells: not a record
                continue
            row += 1
            self.rows = row
            if len(cells) != width and (len(cells) < width or any(cells[width:])):
                yield RowError(
                    row, None, f"the row has {len(cells)} values but the header has {width}"
                )
                continue
            result = convert(row, cells, layout, [], None, decoder.saw_nul)
            if isinstance(result, list):
                yield from result
            else:
                yield result

    def _csv_layout(self, header: list[str]) -> _Layout:
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
        return _Layout(plan, present, _flat_roles(present))

    # --- JSON Lines ----------------------------------------------------------------------

    def _iter_jsonl(self) -> Iterator[ParsedRecord | RowError]:
        layouts: dict[tuple[str, ...], _Layout] = {}
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
                result = self._convert_json(row, obj, layouts)
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

    def _convert_json(
        self, row: int, obj: dict[str, object], layouts: dict[tuple[str, ...], _Layout]
    ) -> ParsedRecord | list[RowError]:
        keys = tuple(obj)
        layout = layouts.get(keys)
        if layout is None:
            if len(layouts) > 1000:  # a feed with ever-changing key orders: stay bounded
                layouts.clear()
            layout = layouts[keys] = self._json_layout(keys)
        if layout.duplicate is not None:
            name = layout.duplicate
            return [RowError(row, name, f"{name} is given twice (keys are case-insensitive)")]
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
        return self._convert(row, cast(list[str], values), layout, errors, parties, True)

    def _json_layout(self, keys: tuple[str, ...]) -> _Layout:
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
        return _Layout(plan, present, roles, parties_index, duplicate)

    # --- shared --------------------------------------------------------------------------

    def _convert(
        self,
        row: int,
        cells: Sequence[str],
        layout: _Layout,
        errors: list[RowError],
        extra_parties: list[Party] | None,
        check_nul: bool,
    ) -> ParsedRecord | list[RowError]:
        """One row's cells to a record, or to the list of reasons it is rejected."""
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
        elif "source" not in bad:
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

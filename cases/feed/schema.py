"""The crime-log feed's fields, their size limits, and what the parser hands back.

The contract is written up for forces in docs/log-feed.md; keep the two in step.
"""

from dataclasses import dataclass
from datetime import date
from enum import IntEnum
from typing import Final, Literal, cast

# The two feed formats (docs/log-feed.md).
type Format = Literal["csv", "jsonl"]


class FeedUnreadable(Exception):
    """The whole file is refused: wrong encoding, no header, required column missing, not JSON.

    The message is meant for the person who supplied the file and never contains record data.
    """


class CellRejected(Exception):
    """A value breaks a rule; the message is the reason shown to the user (cases.feed only)."""


class Kind(IntEnum):
    """How a column's text is normalised."""

    TEXT = 1  # stripped
    UPPER = 2  # stripped, upper-cased (codes: offence_code, area)
    LOWER = 3  # stripped, lower-cased (source)
    NARRATIVE = 4  # stripped, line endings made "\n"
    DATETIME = 5  # aware UTC datetime
    DATE = 6  # calendar date
    FLAGS = 7  # tuple of upper-case tags
    OUTCOME = 8  # a Home Office crime outcome type, upper-cased ("1", "1A" ... "22")


@dataclass(frozen=True, slots=True)
class FieldSpec:
    kind: Kind
    limit: int  # characters, after normalisation


# Limits are in characters. They match (or are below) the CrimeLog/Person column sizes, and
# are generous for what a records system produces; the narrative limit is the contract's.
FIELDS: Final[dict[str, FieldSpec]] = {
    "reference": FieldSpec(Kind.TEXT, 64),
    "source": FieldSpec(Kind.LOWER, 32),
    "recorded_at": FieldSpec(Kind.DATETIME, 40),
    "occurred_from": FieldSpec(Kind.DATETIME, 40),
    "occurred_to": FieldSpec(Kind.DATETIME, 40),
    "offence_code": FieldSpec(Kind.UPPER, 16),
    "offence": FieldSpec(Kind.TEXT, 255),
    "flags": FieldSpec(Kind.FLAGS, 500),
    "area": FieldSpec(Kind.UPPER, 64),
    "officer": FieldSpec(Kind.TEXT, 254),
    "victim_id": FieldSpec(Kind.TEXT, 64),
    "victim_name": FieldSpec(Kind.TEXT, 200),
    "victim_dob": FieldSpec(Kind.DATE, 40),
    "suspect_id": FieldSpec(Kind.TEXT, 64),
    "suspect_name": FieldSpec(Kind.TEXT, 200),
    "suspect_dob": FieldSpec(Kind.DATE, 40),
    "relationship": FieldSpec(Kind.TEXT, 100),
    "narrative": FieldSpec(Kind.NARRATIVE, 100_000),
    "status": FieldSpec(Kind.TEXT, 64),
    "outcome": FieldSpec(Kind.OUTCOME, 16),
    "outcome_date": FieldSpec(Kind.DATE, 40),
}
FLAG_LIMIT: Final = 50  # one tag, after splitting
PARTY_ROLES: Final = frozenset({"victim", "suspect", "witness"})
FLAT_PARTY_ROLES: Final = ("victim", "suspect")  # roles with victim_* / suspect_* columns
PARTY_FIELDS: Final[dict[str, FieldSpec]] = {
    "id": FIELDS["victim_id"],
    "name": FIELDS["victim_name"],
    "dob": FIELDS["victim_dob"],
    "area": FIELDS["area"],
}
MAX_PARTIES: Final = 50  # per record
# A CSV header wider than this refuses the file, and a JSON object with more keys rejects its
# line: the feed has 22 columns, and a million-column header must not be read cell by cell.
MAX_COLUMNS: Final = 200
REQUIRED_COLUMNS: Final = ("reference", "recorded_at")
# Normalised fields of the log itself, as found in ParsedRecord.fields.
LOG_FIELDS: Final = (
    frozenset(FIELDS)
    - {"reference", "source"}
    - {f"{role}_{part}" for role in FLAT_PARTY_ROLES for part in ("id", "name", "dob")}
)


# Party and ParsedRecord are made once per row of a million-row feed, and a frozen dataclass
# costs four times as much to build (object.__setattr__ per field): treat them as read-only.
@dataclass(slots=True)
class Party:
    """A person named on a record. Empty strings / None mean "not given", never "clear"."""

    role: str  # "victim" | "suspect" | "witness"
    source_id: str
    name: str
    dob: date | None
    area: str


@dataclass(slots=True)
class ParsedRecord:
    """One accepted record.

    `fields` holds the log's own normalised fields (see LOG_FIELDS) that were present in the
    row: "" / None / () for a present but empty value, which clears the stored value.
    `present` names every known column present for this row, so a field absent from
    `fields` is one the feed does not carry (leave the stored value alone).
    `parties` is None when the record carries no party columns; otherwise it replaces the
    log's parties for the roles in `party_roles` and no others.
    """

    row: int
    source: str
    reference: str
    fields: dict[str, object]
    present: frozenset[str]
    parties: tuple[Party, ...] | None
    party_roles: frozenset[str]


@dataclass(frozen=True, slots=True)
class RowError:
    """Why a row was rejected (row >= 1), or a file-level notice such as an unknown column
    (row None). `column` is the normalised column name, or None for the whole row."""

    row: int | None
    column: str | None
    message: str


# --- the two-stage API (docs/log-feed.md, "How re-imports stay fast") ---------------------


@dataclass(frozen=True, slots=True)
class Layout:
    """What a CSV header or a JSON Lines key sequence means, worked out once per layout.

    Internal to the parser (cases.feed.parsing); a RawRecord carries it so that the record
    can be converted later. `plan` is (position, column, kind, limit) for each known column;
    `reference` / `source` are the positions of those columns, None when absent. Positions
    index the CSV cells, or `keys` (the JSON object's own keys, in order).
    """

    plan: list[tuple[int, str, Kind, int]]
    present: frozenset[str]
    party_roles: frozenset[str]
    parties_index: int | None = None
    duplicate: str | None = None
    reference: int | None = None
    source: int | None = None
    keys: tuple[str, ...] = ()


@dataclass(slots=True)
class RawRecord:
    """A row as split by the first stage: its key and a digest, not yet converted.

    `source` and `reference` are normalised as in ParsedRecord. `digest` is 16 bytes of
    BLAKE2b over the reader's layout signature and the raw record: equal digests mean the
    same raw record under the same layout, so the same ParsedRecord. Pass the record to
    FeedReader.convert() (of the reader that made it) to convert it. Treat it as read-only.
    """

    row: int
    source: str
    reference: str
    digest: bytes
    data: str | dict[str, object]  # the CSV record's text, or the decoded JSON object
    layout: Layout


# A CSV record of stage one before it is made a RawRecord: row, source, reference, digest,
# text (the layout is the batch's).
RawItem = tuple[int, str, str, bytes, str]


class RawBatch:
    """One batch of the first stage, covering the rows after the previous batch's
    `last_row` up to its own `last_row`: each such row is in `records` (its key could be
    read and is not a duplicate) or in `errors` (rejected already, with every reason the
    one-pass API gives for it). `errors` also holds the file-level notices (row None)
    first found in those rows. Both lists are in row order.

    The CSV reader hands its records over as plain tuples (`items`, with the batch's
    `layout`) and `records` makes them RawRecords when first asked: a re-import asks only
    for the few whose digest it does not know (`digests`, `pick`), and making a RawRecord
    of every row was a fifth of stage one's time."""

    __slots__ = ("_items", "_layout", "_records", "errors", "last_row")

    def __init__(
        self,
        records: list[RawRecord] | None,
        errors: list[RowError],
        last_row: int,
        *,
        items: list[RawItem] | None = None,
        layout: Layout | None = None,
    ) -> None:
        self._records = records
        self._items = items or []
        self._layout = layout
        self.errors = errors
        self.last_row = last_row

    @property
    def records(self) -> list[RawRecord]:
        if self._records is None:
            layout = cast(Layout, self._layout)
            self._records = [RawRecord(*item, layout) for item in self._items]
        return self._records

    def __len__(self) -> int:
        """How many records."""
        return len(self._items) if self._records is None else len(self._records)

    @property
    def rows(self) -> list[int]:
        if self._records is None:
            return [item[0] for item in self._items]
        return [raw.row for raw in self._records]

    @property
    def digests(self) -> list[bytes]:
        if self._records is None:
            return [item[3] for item in self._items]
        return [raw.digest for raw in self._records]

    @property
    def keys(self) -> list[int]:
        """The duplicate rule's key of each record, in order: hash((source, reference)), as
        the reader that made the batch computed it (in this process)."""
        if self._records is None:
            return [hash((item[1], item[2])) for item in self._items]
        return [hash((raw.source, raw.reference)) for raw in self._records]

    def pick(self, indexes: list[int]) -> list[RawRecord]:
        """The records at these positions (made RawRecords only now, for a CSV batch)."""
        if self._records is not None:
            return [self._records[index] for index in indexes]
        layout = cast(Layout, self._layout)
        return [RawRecord(*self._items[index], layout) for index in indexes]

"""Converting and validating one feed record: the checks every column goes through, the
duplicate-key rule and the record digest. The base of the CSV and JSON Lines readers
(docs/log-feed.md has the rules)."""

import hashlib
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Final

from cases.feed.dates import LONDON, BeforeMinYear, parse_date, parse_datetime
from cases.feed.decoding import FeedDecoder
from cases.feed.keyset import KeySet
from cases.feed.schema import (
    FIELDS,
    FLAG_LIMIT,
    FLAT_PARTY_ROLES,
    CellRejected,
    Kind,
    Layout,
    ParsedRecord,
    Party,
    RowError,
)
from cases.outcomes import OUTCOME_CODES

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
DIGEST_VERSION: Final = 2  # 2: the outcome and outcome_date columns became known
DIGEST_SIZE: Final = 16
# Unknown columns are listed one notice each up to this many, then summed up in one notice.
MAX_UNKNOWN_NOTICES: Final = 20
# A CSV record spanning several lines (a quoted value with line breaks) is given up past this
# many characters: no accepted record is near it (the narrative's limit is 100,000).
MAX_RECORD: Final = 1 << 20

_TEXT: Final = Kind.TEXT
_UPPER: Final = Kind.UPPER
_LOWER: Final = Kind.LOWER
_NARRATIVE: Final = Kind.NARRATIVE
_DATETIME: Final = Kind.DATETIME
_DATE: Final = Kind.DATE
_FLAGS: Final = Kind.FLAGS
_OUTCOME: Final = Kind.OUTCOME
_EMPTY: Final[dict[Kind, object]] = {
    _TEXT: "",
    _UPPER: "",
    _LOWER: "",
    _NARRATIVE: "",
    _DATETIME: None,
    _DATE: None,
    _FLAGS: (),
    _OUTCOME: "",
}
_FLAT_PARTY_KEYS: Final = {
    role: (f"{role}_id", f"{role}_name", f"{role}_dob") for role in FLAT_PARTY_ROLES
}
_REFERENCE_LIMIT: Final = FIELDS["reference"].limit
_SOURCE_LIMIT: Final = FIELDS["source"].limit

# (cell index, column name, kind, limit) for each known column.
type Plan = list[tuple[int, str, Kind, int]]


class RecordConverter:
    """What both readers share: the state of one read, key rules, digests, conversion."""

    default_source: str
    now: datetime
    unknown_columns: list[str]
    unknown_more: int
    _unknown_seen: set[str]
    rows: int
    _latest: datetime
    _latest_date: date
    _decoder: FeedDecoder
    _seen: KeySet
    _notices: list[RowError]
    _signature: bytes | None
    _signature_hasher: hashlib.blake2b | None

    @property
    def layout_signature(self) -> bytes:
        """What every digest of this file starts from: the digest version, the format, the
        default source and, for CSV, the normalised column names in order. Known for CSV
        once the header has been read (raises RuntimeError before)."""
        if self._signature is None:
            raise RuntimeError("the CSV header has not been read yet")
        return self._signature

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
            if self._seen.add_new(hash((source, reference))):
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
        known_duplicate: bool = False,
    ) -> ParsedRecord | list[RowError]:
        """One row's cells to a record, or to the list of reasons it is rejected.

        `check_duplicate` False: stage one already applied the duplicate rule to the row.
        `known_duplicate`: the caller found its key on an earlier row (a readable key).
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
        elif known_duplicate and "source" not in bad:
            errors.append(_duplicate_error(row))
        elif check_duplicate and "source" not in bad:
            key = hash((source, reference))
            if key in self._seen:
                errors.append(_duplicate_error(row))
            else:
                self._seen.add(key)
        if values.get("recorded_at") is None and "recorded_at" not in bad:
            errors.append(RowError(row, "recorded_at", "recorded_at is missing"))
        began, ended = values.get("occurred_from"), values.get("occurred_to")
        if isinstance(began, datetime) and isinstance(ended, datetime) and ended < began:
            # docs/log-feed.md: an offence cannot end before it began; the row is rejected.
            errors.append(RowError(row, "occurred_to", "occurred_to is before occurred_from"))
        if "outcome_date" in values:
            _check_outcome_date(row, values, errors)

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
            except BeforeMinYear:
                raise CellRejected(f"{name} is before 1900") from None
            except ValueError:
                raise CellRejected(f"{name} is not a valid date or time; {DATE_FORMS}") from None
            if moment > self._latest:
                raise CellRejected(f"{name} is in the future")
            return moment
        if kind is _DATE:
            try:
                day = parse_date(text)
            except BeforeMinYear:
                raise CellRejected(f"{name} is before 1900") from None
            except ValueError:
                raise CellRejected(f"{name} is not a valid date; {DATE_FORMS}") from None
            if day > self._latest_date:
                raise CellRejected(f"{name} is in the future")
            return day
        if kind is _FLAGS:
            return _split_flags(name, text)
        if kind is _OUTCOME:
            code = text.upper()
            if code not in OUTCOME_CODES:
                raise CellRejected(
                    f"{name} is not a Home Office crime outcome type (1, 1A, 2 to 22)"
                )
            return code
        return text.lower()

    def _unknown(self, name: str) -> None:
        """Note an unknown column once: a notice each for the first MAX_UNKNOWN_NOTICES, then
        one notice that more were found, and only a count of the rest (unknown_more)."""
        if name in self._unknown_seen:
            return
        self._unknown_seen.add(name)
        if len(self.unknown_columns) < MAX_UNKNOWN_NOTICES:
            self.unknown_columns.append(name)
            self._notices.append(RowError(None, name, f"unknown column {name!r} ignored"))
            return
        if not self.unknown_more:
            self._notices.append(
                RowError(
                    None,
                    None,
                    f"more than {MAX_UNKNOWN_NOTICES} unknown columns; the others are ignored "
                    "without a notice each",
                )
            )
        self.unknown_more += 1

    def _drain_notices(self) -> list[RowError]:
        if not self._notices:
            return self._notices
        notices, self._notices = self._notices, []
        return notices


def _check_outcome_date(row: int, values: dict[str, object], errors: list[RowError]) -> None:
    """An outcome date needs an outcome, and cannot come before the crime was recorded (both
    read as UK dates)."""
    day = values["outcome_date"]
    if not isinstance(day, date):
        return
    if "outcome" in values and not values["outcome"]:
        errors.append(RowError(row, "outcome_date", "outcome_date is given without outcome"))
    recorded = values.get("recorded_at")
    if isinstance(recorded, datetime) and day < recorded.astimezone(LONDON).date():
        errors.append(
            RowError(row, "outcome_date", "outcome_date is before the date the crime was recorded")
        )


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


def _duplicate_error(row: int) -> RowError:
    return RowError(row, "reference", "the same source and reference appear on an earlier row")

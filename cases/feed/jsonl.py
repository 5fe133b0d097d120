"""JSON Lines specifics of the feed: reading one line, and a record's `parties` list."""

import json
import math
from collections.abc import Callable
from datetime import date

from cases.feed.schema import (
    MAX_COLUMNS,
    MAX_PARTIES,
    PARTY_FIELDS,
    PARTY_ROLES,
    CellRejected,
    Kind,
    Party,
    RowError,
)

# FeedReader._clean: (column, kind, limit, raw text) -> value, raising CellRejected.
type Clean = Callable[[str, Kind, int, str], object]
# FeedReader._unknown: note an unknown column once.
type Unknown = Callable[[str], None]


class _NotJson(ValueError):
    """What Python's json module accepts but JSON (RFC 8259) does not."""


def _constant(name: str) -> object:
    raise _NotJson(f"{name} is not a JSON number")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):  # 1e999: Python reads it as inf
        raise _NotJson("a number too large for a JSON number")
    return value


class _RepeatedKey(Exception):
    def __init__(self, key: str) -> None:
        self.key = key


def _pairs(pairs: list[tuple[str, object]]) -> dict[str, object]:
    obj = dict(pairs)
    if len(obj) != len(pairs):  # the same key twice, spelled alike: JSON would keep the last
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _RepeatedKey(key)
            seen.add(key)
    return obj


def _has_lone_surrogate(value: object) -> bool:
    """True if a decoded string (key or value, at any depth) holds a surrogate: json.loads
    joins a correct pair into one character, so any left is an escape without its pair."""
    if type(value) is str:
        try:
            value.encode()
        except UnicodeEncodeError:
            return True
        return False
    if type(value) is dict:
        return any(_has_lone_surrogate(k) or _has_lone_surrogate(v) for k, v in value.items())
    if type(value) is list:
        return any(_has_lone_surrogate(item) for item in value)
    return False


def json_object(row: int, text: str) -> dict[str, object] | RowError:
    """The object on a non-blank line, or why the line is rejected.

    Stricter than json.loads (docs/log-feed.md): NaN, Infinity and a number that overflows are
    not JSON; a `\\u` escape of half a surrogate pair is not text (PostgreSQL refuses it);
    a key given twice in one object is refused, not read last-wins.
    """
    try:
        value = json.loads(
            text, parse_constant=_constant, parse_float=_finite, object_pairs_hook=_pairs
        )
    except json.JSONDecodeError as exc:
        return RowError(row, None, f"the line is not valid JSON ({exc.msg} at column {exc.colno})")
    except _NotJson as exc:
        return RowError(row, None, f"the line is not valid JSON ({exc})")
    except _RepeatedKey as exc:
        name = exc.key.strip().lower()[:100]
        return RowError(row, name or None, f"{name or 'a key'} is given twice in one object")
    except (ValueError, RecursionError):  # e.g. nesting deeper than the interpreter allows
        return RowError(row, None, "the line is not valid JSON")
    if not isinstance(value, dict):
        return RowError(row, None, "the line is not a JSON object")
    if ("\\ud" in text or "\\uD" in text) and _has_lone_surrogate(value):
        return RowError(
            row, None, "the line is not valid JSON text (a \\u escape is half a surrogate pair)"
        )
    if len(value) > MAX_COLUMNS:
        return RowError(row, None, f"the object has more than {MAX_COLUMNS} keys")
    return value


def not_jsonl_message(first_line: str, count: int) -> str:
    if first_line.startswith("["):
        return "the file is a JSON array; a feed must be JSON Lines, one object per line"
    return (
        f"none of the first {count} non-blank lines is a JSON object: this is not a JSON Lines file"
    )


def parse_parties(
    row: int, raw: object, errors: list[RowError], *, clean: Clean, unknown: Unknown
) -> list[Party]:
    """The people in a record's `parties` value; problems are appended to `errors`."""
    if raw is None:  # present but empty: the record has no parties
        return []
    if type(raw) is not list:
        errors.append(RowError(row, "parties", "parties must be a list of objects"))
        return []
    if len(raw) > MAX_PARTIES:
        errors.append(RowError(row, "parties", f"more than {MAX_PARTIES} parties"))
        return []
    parties = []
    for position, item in enumerate(raw):
        where = f"parties[{position}]"
        if type(item) is not dict:
            errors.append(RowError(row, where, f"{where} must be an object"))
            continue
        party = _party(row, where, item, errors, clean, unknown)
        if party is not None:
            parties.append(party)
    return parties


def note_party_keys(raw: object, unknown: Unknown) -> None:
    """Report the unknown keys in a record's `parties` value, in the order parse_parties
    does, without converting anything (the first stage of a two-stage read). Keep the two
    in step."""
    if type(raw) is not list or len(raw) > MAX_PARTIES:
        return
    for item in raw:
        if type(item) is dict:
            for key in item:
                name = str(key).strip().lower()
                if name != "role" and name not in PARTY_FIELDS:
                    unknown(f"parties.{name}")


def _party(
    row: int,
    where: str,
    item: dict[str, object],
    errors: list[RowError],
    clean: Clean,
    unknown: Unknown,
) -> Party | None:
    given = {str(key).strip().lower(): value for key, value in item.items()}
    role = given.pop("role", None)
    role = role.strip().lower() if type(role) is str else None
    count = len(errors)
    if role not in PARTY_ROLES:
        errors.append(RowError(row, f"{where}.role", "role must be victim, suspect or witness"))
    cleaned: dict[str, object] = {}
    for key, value in given.items():
        spec = PARTY_FIELDS.get(key)
        column = f"{where}.{key}"
        if spec is None:
            unknown(f"parties.{key}")  # note_party_keys finds the same
            continue
        if value is None:
            value = ""
        elif type(value) is int:
            value = str(value)
        elif type(value) is not str:
            errors.append(RowError(row, column, f"{column} must be a string"))
            continue
        try:
            cleaned[key] = clean(column, spec.kind, spec.limit, value)
        except CellRejected as exc:
            errors.append(RowError(row, column, str(exc)))
    source_id = str(cleaned.get("id") or "")
    name = str(cleaned.get("name") or "")
    if len(errors) == count and not source_id and not name:
        errors.append(RowError(row, where, f"{where} needs an id or a name"))
    if len(errors) > count or role is None:
        return None
    dob = cleaned.get("dob")
    return Party(
        role,
        source_id,
        name,
        dob if isinstance(dob, date) else None,
        str(cleaned.get("area") or ""),
    )

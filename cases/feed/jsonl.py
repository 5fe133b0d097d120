"""JSON Lines specifics of the feed: reading one line, and a record's `parties` list."""

import json
from collections.abc import Callable
from datetime import date

from cases.feed.schema import (
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


def json_object(row: int, text: str) -> dict[str, object] | RowError:
    """The object on a non-blank line, or why the line is rejected."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        return RowError(row, None, f"the line is not valid JSON ({exc.msg} at column {exc.colno})")
    except (ValueError, RecursionError):  # e.g. nesting deeper than the interpreter allows
        return RowError(row, None, "the line is not valid JSON")
    if not isinstance(value, dict):
        return RowError(row, None, "the line is not a JSON object")
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

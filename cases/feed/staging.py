"""Set-based upsert of one batch of parsed feed rows (COPY into temp tables, then SQL).

Semantics (docs/log-feed.md): a column present with an empty cell clears the stored value; a
column absent leaves it. Each staged row carries a bitmask of the optional columns present.
An existing log is updated only when a value really differs (IS DISTINCT FROM), so an
unchanged re-import writes nothing to the logs and fires no history trigger.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any, Final

from cases.feed.schema import ParsedRecord, RawRecord
from cases.names import normalise_name
from cases.phases import phase
from cases.services import people
from cases.signals.database import int_array

# Optional log columns, in bitmask order. recorded_at is required, so always present.
OPTIONAL: Final = (
    "occurred_from",
    "occurred_to",
    "offence_code",
    "offence",
    "flags",
    "area",
    "officer",
    "relationship",
    "narrative",
    "status",
    "outcome",
    "outcome_date",
)
BIT: Final = {name: 1 << index for index, name in enumerate(OPTIONAL)}
_EMPTY: Final[dict[str, object]] = {
    "occurred_from": None,
    "occurred_to": None,
    "flags": "{}",
    "outcome_date": None,
}

STAGE_SQL: Final = """
CREATE TEMP TABLE IF NOT EXISTS feed_stage (
    row integer PRIMARY KEY,
    source varchar NOT NULL,
    reference varchar NOT NULL,
    recorded_at timestamptz NOT NULL,
    occurred_from timestamptz,
    occurred_to timestamptz,
    offence_code varchar NOT NULL,
    offence varchar NOT NULL,
    flags varchar[] NOT NULL,
    area varchar NOT NULL,
    officer varchar NOT NULL,
    relationship varchar NOT NULL,
    narrative varchar NOT NULL,
    status varchar NOT NULL,
    outcome varchar NOT NULL,
    outcome_date date,
    present integer NOT NULL,
    party_roles text[] NOT NULL,
    feed_digest bytea NOT NULL,
    log_id bigint,
    is_new boolean NOT NULL DEFAULT false,
    is_changed boolean NOT NULL DEFAULT false
);
CREATE TEMP TABLE IF NOT EXISTS feed_keys (
    row integer NOT NULL,
    source varchar NOT NULL,
    reference varchar NOT NULL,
    feed_digest bytea NOT NULL
);
CREATE TEMP TABLE IF NOT EXISTS feed_stage_party (
    seq integer NOT NULL,
    row integer NOT NULL,
    role varchar NOT NULL,
    position smallint NOT NULL,
    source_id varchar NOT NULL,
    name varchar NOT NULL,
    name_normalised varchar NOT NULL,
    date_of_birth date,
    area varchar NOT NULL
);
TRUNCATE feed_keys, feed_stage, feed_stage_party;
-- Each batch is recorded with its progress in one transaction, so a crash loses at most whole
-- batches, which the resumed import redoes: the durability of each commit is not needed.
SET LOCAL synchronous_commit = off;
-- The batch's statements are short set-based plans: JIT compiling them (~0.3-1.5 s each once
-- the row estimates pass jit_above_cost) costs more than it saves; the sorts and hashes of a
-- batch fit in 64 MB (the same settings as cases.signals.database.bulk_session).
SET LOCAL jit = off;
SET LOCAL work_mem = '64MB';
"""

STAGE_COLUMNS: Final = (
    "row, source, reference, recorded_at, occurred_from, occurred_to, offence_code, offence, "
    "flags, area, officer, relationship, narrative, status, outcome, outcome_date, present, "
    "party_roles, feed_digest"
)
PARTY_COLUMNS: Final = (
    "seq, row, role, position, source_id, name, name_normalised, date_of_birth, area"
)


def _coalesce_field(name: str) -> str:
    """The value a row leaves in `name`: its own when the column is present, else the stored."""
    return f"CASE WHEN s.present & {BIT[name]} <> 0 THEN s.{name} ELSE t.{name} END"


_LOG_VALUES: Final = ", ".join(["s.recorded_at", *(_coalesce_field(name) for name in OPTIONAL)])
_LOG_COLUMNS: Final = ", ".join(["t.recorded_at", *(f"t.{name}" for name in OPTIONAL)])

# Built only from the constant column names above, never from input.
UPSERT_SQL: Final = f"""
-- Which staged rows are logs we already hold? (A correlated lookup: one index probe per
-- staged row; a join lets the planner hash the whole crime-log table for one batch.)
UPDATE feed_stage s SET log_id = (
  SELECT t.id FROM cases_crimelog t WHERE t.source = s.source AND t.reference = s.reference);

-- New logs. The advisory lock (per batch transaction) serialises concurrent imports so two
-- sweeps of the same file cannot both insert one key.
WITH ins AS (
  INSERT INTO cases_crimelog (
      source, reference, recorded_at, occurred_from, occurred_to, offence_code, offence,
      flags, area, officer, relationship, narrative, status, outcome, outcome_date,
      created_by_import_id, changed_by_import_id, created_at, updated_at,
      signal_kinds, is_high_risk, review_state, feed_digest)
  SELECT source, reference, recorded_at, occurred_from, occurred_to, offence_code, offence,
         flags, area, officer, relationship, narrative, status, outcome, outcome_date,
         %(import_id)s, %(import_id)s, %(now)s, %(now)s, '{{}}', false, 'not_flagged',
         feed_digest
    FROM feed_stage WHERE log_id IS NULL
   ORDER BY row  -- ids in the feed's order: a re-import follows the stored digests in it
  ON CONFLICT (source, reference) DO NOTHING
  RETURNING id, source, reference)
UPDATE feed_stage s SET log_id = ins.id, is_new = true
  FROM ins WHERE s.source = ins.source AND s.reference = ins.reference;

-- Existing logs whose values differ.
WITH upd AS (
  UPDATE cases_crimelog t SET
      recorded_at = s.recorded_at,
      {", ".join(f"{name} = {_coalesce_field(name)}" for name in OPTIONAL)},
      updated_at = %(now)s,
      changed_by_import_id = %(import_id)s,
      feed_digest = s.feed_digest
    FROM feed_stage s
   WHERE t.id = s.log_id AND NOT s.is_new
     AND ({_LOG_COLUMNS}) IS DISTINCT FROM ({_LOG_VALUES})
  RETURNING t.id)
UPDATE feed_stage s SET is_changed = true FROM upd WHERE s.log_id = upd.id;

-- Parties of existing logs: for each (log, role) the row names, replace the stored parties
-- where they differ.
CREATE TEMP TABLE IF NOT EXISTS feed_party_change (log_id bigint, role varchar);
TRUNCATE feed_party_change;
INSERT INTO feed_party_change (log_id, role)
SELECT s.log_id, r.role
  FROM feed_stage s
 CROSS JOIN LATERAL unnest(s.party_roles) AS r(role)
  LEFT JOIN (SELECT p.row, p.role,
                    array_agg(ROW(p.source_id, p.name, p.date_of_birth, p.area)
                              ORDER BY p.position) AS parties
               FROM feed_stage_party p GROUP BY p.row, p.role) staged
         ON staged.row = s.row AND staged.role = r.role
  LEFT JOIN (SELECT l.log_id, l.role,
                    array_agg(ROW(l.source_id, l.name, l.date_of_birth, l.area)
                              ORDER BY l.position) AS parties
               FROM cases_logparty l
               JOIN feed_stage x ON x.log_id = l.log_id AND NOT x.is_new
              GROUP BY l.log_id, l.role) stored
         ON stored.log_id = s.log_id AND stored.role = r.role
 WHERE s.log_id IS NOT NULL AND NOT s.is_new
   AND staged.parties IS DISTINCT FROM stored.parties;

DELETE FROM cases_logparty l USING feed_party_change c
 WHERE l.log_id = c.log_id AND l.role = c.role;

"""  # noqa: S608

# The parties the batch inserts (those of new logs, and the replaced ones of changed logs), to
# be resolved to persons before they are inserted (cases.services.people.resolve_work): the
# same rules as linking afterwards, without writing person_id to the parties a second time.
PEOPLE_SQL: Final = """
INSERT INTO person_link_work (party_id, source, source_id, name, name_normalised, date_of_birth)
SELECT p.seq, s.source, p.source_id, p.name, p.name_normalised, p.date_of_birth
  FROM feed_stage_party p JOIN feed_stage s ON s.row = p.row
 WHERE (p.source_id <> '' OR p.name_normalised <> '')
   AND (s.is_new OR EXISTS (SELECT FROM feed_party_change c
                             WHERE c.log_id = s.log_id AND c.role = p.role))
"""

INSERT_SQL: Final = """
-- Parties of new logs: inserted as they come, each with its person.
INSERT INTO cases_logparty (log_id, role, position, source_id, name, name_normalised,
                            date_of_birth, area, person_id)
SELECT s.log_id, p.role, p.position, p.source_id, p.name, p.name_normalised, p.date_of_birth,
       p.area, w.person_id
  FROM feed_stage_party p JOIN feed_stage s ON s.row = p.row
  LEFT JOIN person_link_work w ON w.party_id = p.seq
 WHERE s.is_new;

INSERT INTO cases_logparty (log_id, role, position, source_id, name, name_normalised,
                            date_of_birth, area, person_id)
SELECT s.log_id, p.role, p.position, p.source_id, p.name, p.name_normalised, p.date_of_birth,
       p.area, w.person_id
  FROM feed_stage_party p
  JOIN feed_stage s ON s.row = p.row
  JOIN feed_party_change c ON c.log_id = s.log_id AND c.role = p.role
  LEFT JOIN person_link_work w ON w.party_id = p.seq;

-- A log whose parties alone changed is a changed log too (its history records the change).
WITH party_only AS (
  UPDATE cases_crimelog t SET updated_at = %(now)s, changed_by_import_id = %(import_id)s
    FROM (SELECT DISTINCT c.log_id FROM feed_party_change c
            JOIN feed_stage s ON s.log_id = c.log_id
           WHERE NOT s.is_changed) x
   WHERE t.id = x.log_id
  RETURNING t.id)
UPDATE feed_stage s SET is_changed = true FROM party_only WHERE s.log_id = party_only.id;

-- Rows written differently but meaning the same: keep their digest, so the next import of
-- the same raw record skips them without converting (a derived column: no history).
UPDATE cases_crimelog t SET feed_digest = s.feed_digest
  FROM feed_stage s
 WHERE t.id = s.log_id AND NOT s.is_new
   AND t.feed_digest IS DISTINCT FROM s.feed_digest;
"""


def _statements(sql: str) -> tuple[str, ...]:
    """psycopg sends parameterised SQL one statement at a time."""
    return tuple(statement.strip() for statement in re.split(r";\s*\n", sql) if statement.strip())


UPSERT_STATEMENTS: Final = _statements(UPSERT_SQL)
INSERT_STATEMENTS: Final = _statements(INSERT_SQL)

RESULT_SQL: Final = """
SELECT count(*) FILTER (WHERE is_new),
       count(*) FILTER (WHERE is_changed AND NOT is_new),
       count(*) FILTER (WHERE log_id IS NOT NULL AND NOT is_new AND NOT is_changed),
       coalesce(array_agg(log_id) FILTER (WHERE is_new OR is_changed), '{}')
  FROM feed_stage
"""


@dataclass(frozen=True)
class UpsertOutcome:
    created: int
    updated: int
    unchanged: int
    changed_ids: list[int]


@lru_cache(maxsize=4096)
def array_literal(items: tuple[str, ...]) -> str:
    """A Postgres array literal for COPY: adapting Python lists costs more than the rest of
    the row, and a feed repeats the same few flag sets and party roles endlessly."""
    if not items:
        return "{}"
    quoted = (item.replace("\\", "\\\\").replace('"', '\\"') for item in items)
    return "{" + ",".join(f'"{item}"' for item in quoted) + "}"


def _log_row(record: ParsedRecord, digest: bytes) -> tuple[Any, ...]:
    fields = record.fields
    present = 0
    values: list[object] = []
    for name in OPTIONAL:
        if name in fields:
            present |= BIT[name]
            value = fields[name]
            if name == "flags":
                value = array_literal(value)
            values.append(value)
        else:
            values.append(_EMPTY.get(name, ""))
    return (
        record.row,
        record.source,
        record.reference,
        fields["recorded_at"],
        *values,
        present,
        array_literal(tuple(sorted(record.party_roles))),
        digest,
    )


def changed_rows(cursor: Any, records: Sequence[RawRecord]) -> set[int]:
    """Row numbers of the records that are new, or whose raw digest differs from the one
    stored for their key: only those need converting and writing."""
    if not records:
        return set()
    # One text block in COPY's own format: write_row's per-value adaptation was half of the
    # check's time in a re-import (the reader thread holds the interpreter meanwhile).
    text = "".join(
        [
            f"{raw.row}\t{_copy_text(raw.source)}\t{_copy_text(raw.reference)}"
            f"\t\\\\x{raw.digest.hex()}\n"
            for raw in records
        ]
    )
    with cursor.copy("COPY feed_keys (row, source, reference, feed_digest) FROM STDIN") as copy:
        copy.write(text)
    cursor.execute(CHANGED_ROWS_SQL)
    return {row for (row,) in cursor.fetchall()}


_COPY_SPECIAL: Final = re.compile(r"[\\\t\n\r]")
_COPY_ESCAPES: Final = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(value: str) -> str:
    """A value for COPY's text format (its backslash, tab and line breaks escaped)."""
    return value.translate(_COPY_ESCAPES) if _COPY_SPECIAL.search(value) else value


# One index probe per key (LATERAL ... LIMIT 1): a plain join lets the planner hash the whole
# crime-log table, which at a million logs costs more than the rest of the batch. (A plain
# nested loop, with the other joins switched off around it, probes faster in Postgres but
# needs two more round trips, which cost as much while the reader thread runs.)
CHANGED_ROWS_SQL: Final = """
SELECT k.row FROM feed_keys k
  LEFT JOIN LATERAL (
    SELECT t.feed_digest FROM cases_crimelog t
     WHERE t.source = k.source AND t.reference = k.reference LIMIT 1) t ON true
 WHERE t.feed_digest IS DISTINCT FROM k.feed_digest
"""


def stage_batch(cursor: Any, records: Sequence[tuple[ParsedRecord, bytes]]) -> None:
    """COPY a batch of parsed records (with their digests) and parties into staging tables."""
    if not records:
        return
    with cursor.copy(f"COPY feed_stage ({STAGE_COLUMNS}) FROM STDIN") as copy:
        for record, digest in records:
            copy.write_row(_log_row(record, digest))
    seq = 0  # the party's place in the batch: the first party of a person names them
    with cursor.copy(f"COPY feed_stage_party ({PARTY_COLUMNS}) FROM STDIN") as copy:
        for record, _ in records:
            if not record.parties:
                continue
            positions: dict[str, int] = {}
            for party in record.parties:
                position = positions.get(party.role, 0)
                positions[party.role] = position + 1
                seq += 1
                copy.write_row(
                    (
                        seq,
                        record.row,
                        party.role,
                        position,
                        party.source_id,
                        party.name,
                        normalise_name(party.name) if party.name else "",
                        party.dob,
                        party.area,
                    )
                )


def upsert_staged(
    cursor: Any,
    *,
    import_id: int,
    now: datetime,
    staged: int,
    before_rewrite: Callable[[], None] | None = None,
) -> UpsertOutcome:
    """Apply the staged rows (see the module docstring); returns the counts and changed ids.

    `before_rewrite` is called before the first statement that may write to logs already
    stored, when the batch holds any (the import waits there for its running evaluation)."""
    if not staged:
        return UpsertOutcome(created=0, updated=0, unchanged=0, changed_ids=[])
    # Temporary tables are never auto-analysed; without statistics the planner guesses
    # nested loops over a whole batch.
    # Only the columns the statements join on: sampling the narratives costs more than the rest.
    cursor.execute(
        "ANALYZE feed_stage (row, source, reference, log_id, is_new, is_changed), "
        "feed_stage_party (row, role)"
    )
    cursor.execute("SELECT pg_advisory_xact_lock(hashtext('stalking_hub.feed_import'))")
    params = {"import_id": import_id, "now": now}
    for index, statement in enumerate(UPSERT_STATEMENTS):
        cursor.execute(statement, params if "%(" in statement else None)
        if index == 0 and before_rewrite is not None:
            # After the lookup of the logs already held (the first statement writes only to
            # the staging table); new logs alone are inserted without waiting.
            cursor.execute("SELECT EXISTS (SELECT FROM feed_stage WHERE log_id IS NOT NULL)")
            if cursor.fetchone()[0]:
                before_rewrite()
    with phase("people"):
        cursor.execute(people.WORK_TABLE)
        cursor.execute(PEOPLE_SQL)
        # No second ANALYZE of the work table after resolving (linking afterwards needs one):
        # the inserts below join it on party_id only, whose statistics did not change.
        if cursor.rowcount:
            people.resolve_work(cursor)
    for statement in INSERT_STATEMENTS:
        cursor.execute(statement, params if "%(" in statement else None)
    cursor.execute(RESULT_SQL)
    created, updated, unchanged, changed_ids = cursor.fetchone()
    return UpsertOutcome(
        created=created, updated=updated, unchanged=unchanged, changed_ids=list(changed_ids)
    )


# The keys of the batches before the current one, for an import that keeps only the current
# batch's in memory (FeedReader.raw_batches(keys="batch")): one temporary table, emptied when
# an import starts on the connection (a pooled connection outlives its borrower).
EARLIER_KEYS_SQL: Final = """
CREATE TEMP TABLE IF NOT EXISTS feed_earlier_key (key bigint PRIMARY KEY);
TRUNCATE feed_earlier_key
"""

# Adds a batch's keys; returns those an earlier batch added. A batch's keys are distinct (its
# reader applied the duplicate rule within it).
EARLIER_KEYS_ADD_SQL: Final = """
WITH batch(key) AS (SELECT unnest(%s::bigint[])),
added AS (
  INSERT INTO feed_earlier_key (key) SELECT key FROM batch ON CONFLICT DO NOTHING RETURNING key)
SELECT key FROM batch EXCEPT SELECT key FROM added
"""


def start_earlier_keys(cursor: Any) -> None:
    """Hold the duplicate-key rule across an import's batches in Postgres instead of the
    import's memory (FeedReader.raw_batches(keys="batch")): a first import of a million rows
    held 16 MB of keys in a KeySet, the one part of its peak that grew with the file
    (bench/README.md). Into a table without logs every row is converted and written anyway,
    and one more statement a batch (~60 ms for 10,000 keys, on the reader thread) hides
    behind the writing; a re-import, which skips its unchanged rows without a round trip,
    keeps the whole file's keys in memory. The keys are the reader's 64-bit hashes, so the
    rule is the same, and the rows found are rejected with the same errors
    (FeedReader.convert(duplicate=True))."""
    cursor.execute(EARLIER_KEYS_SQL)


def keys_met_before(cursor: Any, keys: list[int]) -> set[int]:
    """Add one batch's keys (of every row whose key could be read, new within the batch);
    return those an earlier batch of the import had added."""
    if not keys:
        return set()
    cursor.execute(EARLIER_KEYS_ADD_SQL, [int_array(keys)])
    return {key for (key,) in cursor.fetchall()}

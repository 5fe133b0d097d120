"""Reading logs for the rules and writing their signals, in bulk (DESIGN.md §6).

Reads go in chunks of 10,000 ids through a server-side cursor, so a chunk of long narratives
never sits in memory at once. Writes compare with what is stored and send only the changes:
they are COPied into temporary tables and applied by at most three statements. Unchanged
signals keep their row and `detected_at`, so evaluating twice writes nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection

from cases.models import CrimeLog
from cases.signals.database import int_array
from cases.signals.rules import LogFacts, RuleSet, classify

CHUNK = 10_000
FETCH = 5_000

_FACTS_SQL = """
SELECT id, extract(epoch FROM recorded_at)::float8, offence_code, flags, area, relationship,
       narrative, review_state, high_risk_notified_at IS NOT NULL, signal_kinds, is_high_risk,
       offence
FROM cases_crimelog
WHERE id = ANY(%(ids)s::bigint[])
"""

_PARTY_AREAS_SQL = """
SELECT log_id, area FROM cases_logparty WHERE log_id = ANY(%(ids)s::bigint[]) AND area <> ''
"""

_STORED_SIGNALS_SQL = """
SELECT log_id, kind, reason, high_risk, victim_id, suspect_id, related_log_ids
FROM cases_logsignal
WHERE log_id = ANY(%(ids)s::bigint[])
"""

_WORK_SQL = """
CREATE TEMP TABLE IF NOT EXISTS signal_work (
    log_id bigint NOT NULL, kind varchar NOT NULL, reason varchar NOT NULL,
    high_risk boolean NOT NULL, victim_id bigint, suspect_id bigint, related bigint[] NOT NULL
);
CREATE TEMP TABLE IF NOT EXISTS signal_stale (log_id bigint NOT NULL, kind varchar NOT NULL);
CREATE TEMP TABLE IF NOT EXISTS signal_log_work (
    id bigint NOT NULL, kinds varchar[] NOT NULL, high boolean NOT NULL
);
TRUNCATE signal_work, signal_stale, signal_log_work;
"""

_DELETE_STALE_SQL = """
DELETE FROM cases_logsignal s USING signal_stale x WHERE s.log_id = x.log_id AND s.kind = x.kind
"""

_UPSERT_SQL = """
INSERT INTO cases_logsignal
    (log_id, kind, reason, high_risk, victim_id, suspect_id, related_log_ids, detected_at)
SELECT log_id, kind, reason, high_risk, victim_id, suspect_id, related, %(now)s
FROM signal_work
ORDER BY log_id, kind
ON CONFLICT (log_id, kind) DO UPDATE SET
    reason = EXCLUDED.reason, high_risk = EXCLUDED.high_risk, victim_id = EXCLUDED.victim_id,
    suspect_id = EXCLUDED.suspect_id, related_log_ids = EXCLUDED.related_log_ids
"""

# review_state: a reviewed log stays reviewed whatever its signals (the reviewer's decision
# stands) -- checked here too, in case a review lands while we evaluate; otherwise a log awaits
# review exactly while it has a signal. These columns are derived, so they stay out of the
# log's change history (cases.models.DERIVED_LOG_COLUMNS).
_UPDATE_LOGS_SQL = """
UPDATE cases_crimelog c
SET signal_kinds = n.kinds,
    is_high_risk = n.high,
    review_state = CASE WHEN c.review_state = 'reviewed' THEN 'reviewed'
                        WHEN cardinality(n.kinds) > 0 THEN 'awaiting'
                        ELSE 'not_flagged' END
FROM signal_log_work n
WHERE c.id = n.id
"""


@dataclass(slots=True)
class Signal:
    kind: str
    reason: str
    high_risk: bool = False
    victim_id: int | None = None
    suspect_id: int | None = None
    related: list[int] = field(default_factory=list)

    def row(self) -> tuple[str, bool, int | None, int | None, list[int]]:
        return (self.reason, self.high_risk, self.victim_id, self.suspect_id, self.related)


# What is stored for a log: kind -> (reason, high_risk, victim_id, suspect_id, related ids).
type Stored = dict[int, dict[str, tuple[str, bool, int | None, int | None, list[int]]]]


def chunks(ids: Sequence[int], size: int = CHUNK) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def read_facts(
    rules: RuleSet, ids: Sequence[int], scope: set[int]
) -> tuple[dict[int, LogFacts], Stored]:
    """Classify these logs; also return the signals stored for those in scope."""
    facts: dict[int, LogFacts] = {}
    stored: Stored = defaultdict(dict)
    for chunk in chunks(ids):
        params = {"ids": int_array(chunk)}
        areas: dict[int, list[str]] = defaultdict(list)
        with connection.cursor() as cursor:
            cursor.execute(_PARTY_AREAS_SQL, params)
            for log_id, area in cursor.fetchall():
                areas[log_id].append(area)
            cursor.execute(_STORED_SIGNALS_SQL, params)
            for log_id, kind, *row in cursor.fetchall():
                stored[log_id][kind] = (row[0], row[1], row[2], row[3], list(row[4]))
        with connection.chunked_cursor() as cursor:
            cursor.execute(_FACTS_SQL, params)
            while rows := cursor.fetchmany(FETCH):
                for row in rows:
                    log_id = row[0]
                    facts[log_id] = classify(
                        rules,
                        log_id=log_id,
                        recorded_epoch=row[1],
                        offence_code=row[2],
                        offence=row[11],
                        flags=row[3],
                        area=row[4],
                        party_areas=areas.get(log_id, []),
                        relationship=row[5],
                        narrative=row[6],
                        review_state=row[7],
                        notified=row[8],
                        stored_kinds=row[9],
                        stored_high_risk=row[10],
                        in_scope=log_id in scope,
                    )
    return facts, stored


def _state(current: str, kinds: list[str]) -> str:
    if current == CrimeLog.ReviewState.REVIEWED:
        return current
    return CrimeLog.ReviewState.AWAITING if kinds else CrimeLog.ReviewState.NOT_FLAGGED


def write(
    scope: Sequence[int],
    signals: dict[int, list[Signal]],
    facts: dict[int, LogFacts],
    stored: Stored,
    now: datetime,
) -> None:
    """Store the scope's signals and log columns, sending only what changed."""
    changed: list[tuple[int, Signal]] = []
    stale: list[tuple[int, str]] = []
    logs: list[tuple[int, str, bool]] = []
    for log_id in scope:
        found = signals[log_id]
        before = stored.get(log_id, {})
        changed += [(log_id, s) for s in found if before.get(s.kind) != s.row()]
        kinds = sorted(s.kind for s in found)
        stale += [(log_id, kind) for kind in before if kind not in kinds]
        high = any(s.high_risk for s in found)
        log = facts[log_id]
        if (log.stored_kinds, log.stored_high_risk) != (kinds, high) or _state(
            log.review_state, kinds
        ) != log.review_state:
            logs.append((log_id, "{" + ",".join(kinds) + "}", high))
    if not (changed or stale or logs):
        return
    with connection.cursor() as cursor:
        cursor.execute(_WORK_SQL)
        raw = cursor.cursor  # psycopg's own cursor, for COPY
        if stale:
            with raw.copy("COPY signal_stale FROM STDIN") as copy:
                for log_id, kind in stale:
                    copy.write_row((log_id, kind))
            cursor.execute("ANALYZE signal_stale")  # temp tables have no statistics
            cursor.execute(_DELETE_STALE_SQL)
        if changed:
            with raw.copy("COPY signal_work FROM STDIN") as copy:
                for log_id, s in changed:
                    copy.write_row(
                        (
                            log_id,
                            str(s.kind),
                            s.reason,
                            s.high_risk,
                            s.victim_id,
                            s.suspect_id,
                            int_array(s.related),
                        )
                    )
            cursor.execute(_UPSERT_SQL, {"now": now})
        if logs:
            with raw.copy("COPY signal_log_work FROM STDIN") as copy:
                for row in logs:
                    copy.write_row(row)
            cursor.execute("ANALYZE signal_log_work")
            cursor.execute(_UPDATE_LOGS_SQL)

"""Evaluate the signal rules for a batch of crime logs, set-based (DESIGN.md §3, §6).

The import calls `evaluate_logs` with every new or changed log of a batch (10,000-50,000 ids).
A new log can turn earlier ones into a course of conduct, so the scope is widened to every log
that shares a (victim person, suspect person) pair with them. For those logs:

1. one SQL statement finds the scope and the pair rows (`cases_logparty` joined to itself);
2. the logs are read in chunks through a server-side cursor and classified in Python (offence
   codes, flags, areas and one trie regex over each lowered narrative); the narratives are not
   kept, so memory stays flat;
3. courses of conduct are found per pair with a sliding window over `recorded_at`;
4. the signals are COPied into temporary tables and applied with one DELETE of the stale
   kinds, one INSERT ... ON CONFLICT and one UPDATE of the denormalised columns on
   `cases_crimelog`.

Rows that did not change are not rewritten, so evaluating twice changes nothing.
"""

from __future__ import annotations

import bisect
from collections import Counter, defaultdict
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import connection, transaction

from cases.models import PartyRole, SignalKind
from cases.signals import reasons
from cases.signals.database import bulk_session, int_array
from cases.signals.notify import alert_coordinators
from cases.signals.rules import LogFacts, RuleSet, classify

CHUNK = 10_000
FETCH = 5_000

# The victims and suspects named on some logs (persons only: unlinked parties pair no one).
_PARTIES_SQL = """
SELECT log_id, role, person_id
FROM cases_logparty
WHERE log_id = ANY(%(ids)s::bigint[]) AND role IN ('victim', 'suspect')
"""

# Every log of some (victim, suspect) pairs: cases_logparty joined to itself. Each join is an
# equality on an indexed column, so the plan holds even when the statistics are stale (as
# they are right after a big import).
_PAIR_LOGS_SQL = """
SELECT v.log_id, p.victim_id, p.suspect_id
FROM unnest(%(victims)s::bigint[], %(suspects)s::bigint[]) AS p(victim_id, suspect_id)
JOIN cases_logparty v ON v.person_id = p.victim_id AND v.role = 'victim'
JOIN cases_logparty s
  ON s.log_id = v.log_id AND s.role = 'suspect' AND s.person_id = p.suspect_id
"""

_FACTS_SQL = """
SELECT id, recorded_at, offence_code, flags, area, relationship, narrative, review_state,
       high_risk_notified_at IS NOT NULL
FROM cases_crimelog
WHERE id = ANY(%(ids)s::bigint[])
"""

_PARTY_AREAS_SQL = """
SELECT log_id, area FROM cases_logparty WHERE log_id = ANY(%(ids)s::bigint[]) AND area <> ''
"""

# The new signals are COPied into temporary tables, then applied with three statements.
_WORK_SQL = """
CREATE TEMP TABLE IF NOT EXISTS signal_work (
    log_id bigint NOT NULL, kind varchar NOT NULL, reason varchar NOT NULL,
    high_risk boolean NOT NULL, victim_id bigint, suspect_id bigint, related bigint[] NOT NULL
);
CREATE TEMP TABLE IF NOT EXISTS signal_log_work (
    id bigint NOT NULL, kinds varchar[] NOT NULL, high boolean NOT NULL
);
TRUNCATE signal_work, signal_log_work;
"""

_APPLY_SQL = """
DELETE FROM cases_logsignal s
USING signal_log_work l
WHERE s.log_id = l.id
  AND NOT EXISTS (SELECT 1 FROM signal_work n WHERE n.log_id = s.log_id AND n.kind = s.kind);

-- Unchanged signals are left as they are (same row, same detected_at).
INSERT INTO cases_logsignal
    (log_id, kind, reason, high_risk, victim_id, suspect_id, related_log_ids, detected_at)
SELECT log_id, kind, reason, high_risk, victim_id, suspect_id, related, %(now)s
FROM signal_work
ORDER BY log_id, kind
ON CONFLICT (log_id, kind) DO UPDATE SET
    reason = EXCLUDED.reason, high_risk = EXCLUDED.high_risk, victim_id = EXCLUDED.victim_id,
    suspect_id = EXCLUDED.suspect_id, related_log_ids = EXCLUDED.related_log_ids
WHERE (cases_logsignal.reason, cases_logsignal.high_risk, cases_logsignal.victim_id,
       cases_logsignal.suspect_id, cases_logsignal.related_log_ids)
      IS DISTINCT FROM (EXCLUDED.reason, EXCLUDED.high_risk, EXCLUDED.victim_id,
                        EXCLUDED.suspect_id, EXCLUDED.related_log_ids);

-- review_state: a reviewed log stays reviewed whatever its signals (the reviewer's decision
-- stands); otherwise it awaits review exactly while it has a signal. These columns are
-- derived, so they stay out of the log's change history (cases.models.DERIVED_LOG_COLUMNS).
WITH target AS (
    SELECT c.id, n.kinds, n.high,
           CASE WHEN c.review_state = 'reviewed' THEN 'reviewed'
                WHEN cardinality(n.kinds) > 0 THEN 'awaiting'
                ELSE 'not_flagged' END AS state
    FROM cases_crimelog c JOIN signal_log_work n ON n.id = c.id
)
UPDATE cases_crimelog c
SET signal_kinds = t.kinds, is_high_risk = t.high, review_state = t.state
FROM target t
WHERE c.id = t.id
  AND (c.signal_kinds, c.is_high_risk, c.review_state) IS DISTINCT FROM (t.kinds, t.high, t.state);
"""

# Claims the alert: only one evaluation can set the marker, so each log alerts exactly once.
_CLAIM_ALERT_SQL = """
UPDATE cases_crimelog SET high_risk_notified_at = %(now)s
WHERE id = ANY(%(ids)s::bigint[]) AND is_high_risk AND high_risk_notified_at IS NULL
RETURNING id
"""


@dataclass(frozen=True)
class EvaluationResult:
    """What one evaluation did. `counts` is signals per kind over the evaluated logs."""

    evaluated: int = 0
    flagged: int = 0
    high_risk: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    # Logs that became high risk and alerted the coordinators in this evaluation.
    newly_high_risk: list[int] = field(default_factory=list)


@dataclass(slots=True)
class _Signal:
    kind: str
    reason: str
    high_risk: bool = False
    victim_id: int | None = None
    suspect_id: int | None = None
    related: list[int] = field(default_factory=list)


@dataclass(slots=True)
class _Pair:
    victim_id: int
    suspect_id: int
    log_ids: set[int] = field(default_factory=set)
    # (recorded_at, log id) in time order, once the logs' facts are read.
    logs: list[tuple[datetime, int]] = field(default_factory=list)


def _chunks(ids: Sequence[int], size: int = CHUNK) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _pairs_on(log_ids: Collection[int]) -> set[tuple[int, int]]:
    """The (victim person, suspect person) pairs named on these logs."""
    named: dict[int, tuple[list[int], list[int]]] = defaultdict(lambda: ([], []))
    with connection.cursor() as cursor:
        cursor.execute(_PARTIES_SQL, {"ids": int_array(log_ids)})
        for log_id, role, person_id in cursor.fetchall():
            if person_id is not None:
                named[log_id][0 if role == PartyRole.VICTIM else 1].append(person_id)
    return {(v, s) for victims, suspects in named.values() for v in victims for s in suspects}


def _add_pair_logs(pairs: dict[tuple[int, int], _Pair], keys: set[tuple[int, int]]) -> None:
    if not keys:
        return
    ordered = sorted(keys)
    with connection.cursor() as cursor:
        cursor.execute(
            _PAIR_LOGS_SQL,
            {
                "victims": int_array(v for v, _ in ordered),
                "suspects": int_array(s for _, s in ordered),
            },
        )
        for log_id, victim_id, suspect_id in cursor.fetchall():
            key = (victim_id, suspect_id)
            if key not in pairs:
                pairs[key] = _Pair(victim_id, suspect_id)
            pairs[key].log_ids.add(log_id)


def _scope(log_ids: Collection[int]) -> tuple[list[int], dict[tuple[int, int], _Pair]]:
    """The logs to evaluate (sorted), and every pair they are on with all the pair's logs.

    The scope is the given logs plus every log sharing a pair with them. Logs in the scope may
    name further pairs (a log with two victims); those pairs' logs are read too, for context,
    so each log in the scope is judged on all of its pairs. Four queries whatever the size.
    """
    seeds = set(log_ids)
    pairs: dict[tuple[int, int], _Pair] = {}
    _add_pair_logs(pairs, _pairs_on(seeds))
    scope = seeds.union(*(pair.log_ids for pair in pairs.values()))
    more = scope - seeds
    if more:
        _add_pair_logs(pairs, _pairs_on(more) - pairs.keys())
    return sorted(scope), pairs


def _read_facts(rules: RuleSet, ids: Sequence[int], scope: set[int]) -> dict[int, LogFacts]:
    facts: dict[int, LogFacts] = {}
    for chunk in _chunks(ids):
        params = {"ids": int_array(chunk)}
        areas: dict[int, list[str]] = defaultdict(list)
        with connection.cursor() as cursor:
            cursor.execute(_PARTY_AREAS_SQL, params)
            for log_id, area in cursor.fetchall():
                areas[log_id].append(area)
        # A server-side cursor: a chunk of long narratives never sits in memory at once.
        with connection.chunked_cursor() as cursor:
            cursor.execute(_FACTS_SQL, params)
            while rows := cursor.fetchmany(FETCH):
                for log_id, at, code, flags, area, relationship, narrative, state, notified in rows:
                    facts[log_id] = classify(
                        rules,
                        log_id=log_id,
                        recorded_at=at,
                        offence_code=code,
                        flags=flags,
                        area=area,
                        party_areas=areas.get(log_id, []),
                        relationship=relationship,
                        narrative=narrative,
                        review_state=state,
                        notified=notified,
                        in_scope=log_id in scope,
                    )
    return facts


@dataclass(slots=True)
class _Cluster:
    """A pair's logs recorded within the window of one another: a possible course of conduct.

    Logs close in time share the same cluster, so its facts and reasons are worked out once.
    """

    pair: _Pair
    logs: list[LogFacts]
    tagged: bool = field(init=False)
    threats: list[str] = field(init=False)
    former_partner: bool = field(init=False)
    _reasons: dict[str, str] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self.tagged = any(log.stalking_mark for log in self.logs)
        self.threats = reasons.threats_words(self.logs)
        self.former_partner = any(log.former_partner for log in self.logs) and any(
            log.harassment for log in self.logs
        )

    def reason(self, kind: str, rules: RuleSet) -> str:
        if kind not in self._reasons:
            if kind == SignalKind.COURSE_OF_CONDUCT:
                text = reasons.course_of_conduct(rules, self.logs)
            elif kind == SignalKind.FORMER_PARTNER:
                text = reasons.former_partner(rules, self.logs)
            else:
                text = reasons.pattern_words(rules, self.logs)
            self._reasons[kind] = text
        return self._reasons[kind]

    def signal(self, kind: str, rules: RuleSet, log_id: int) -> _Signal:
        return _Signal(
            kind,
            self.reason(kind, rules),
            high_risk=bool(self.threats),
            victim_id=self.pair.victim_id,
            suspect_id=self.pair.suspect_id,
            related=[log.id for log in self.logs if log.id != log_id],
        )


def _clusters(
    rules: RuleSet, pairs: dict[tuple[int, int], _Pair], facts: dict[int, LogFacts]
) -> dict[int, list[_Cluster]]:
    """For each log in scope: per pair, the pair's logs recorded within the window of it."""
    window = timedelta(days=rules.window_days)
    found: dict[int, list[_Cluster]] = defaultdict(list)
    for pair in pairs.values():
        # A log deleted since the scope was read has no facts: it no longer counts.
        pair.logs = sorted(
            (facts[log_id].recorded_at, log_id) for log_id in pair.log_ids if log_id in facts
        )
        if len(pair.logs) < rules.min_logs:
            continue
        times = [at for at, _ in pair.logs]
        made: dict[tuple[int, int], _Cluster] = {}
        for at, log_id in pair.logs:
            if not facts[log_id].in_scope:
                continue
            low = bisect.bisect_left(times, at - window)
            high = bisect.bisect_right(times, at + window)
            if high - low < rules.min_logs:
                continue
            cluster = made.get((low, high))
            if cluster is None:
                members = [facts[other] for _, other in pair.logs[low:high]]
                cluster = made[(low, high)] = _Cluster(pair, members)
            found[log_id].append(cluster)
    return found


def _signals_for(rules: RuleSet, log: LogFacts, clusters: list[_Cluster]) -> list[_Signal]:
    signals: list[_Signal] = []
    # Clusters where no log is recorded as stalking; the largest speaks for the log.
    untagged = sorted((c for c in clusters if not c.tagged), key=lambda c: -len(c.logs))

    if log.stalking_mark:
        # Recorded as stalking already; high risk when part of a pattern with threats.
        threatening = [c for c in clusters if c.threats]
        pattern = max(threatening, key=lambda c: len(c.logs)) if threatening else None
        signals.append(
            _Signal(
                SignalKind.TAGGED_STALKING,
                reasons.tagged(
                    log,
                    pattern.reason("pattern", rules) if pattern else "",
                    pattern.threats if pattern else [],
                ),
                high_risk=pattern is not None,
            )
        )
    elif log.behaviours:
        # Only for logs not recorded as stalking: the point is the stalking nobody tagged.
        signals.append(_Signal(SignalKind.STALKING_INDICATORS, reasons.indicators(log)))

    if untagged:
        signals.append(untagged[0].signal(SignalKind.COURSE_OF_CONDUCT, rules, log.id))
    former = [c for c in untagged if c.former_partner]
    if former:
        signals.append(former[0].signal(SignalKind.FORMER_PARTNER, rules, log.id))
    if log.breach_mark:
        signals.append(_Signal(SignalKind.ORDER_BREACH, reasons.order_breach(log), high_risk=True))
    if log.outside_areas:
        signals.append(_Signal(SignalKind.CROSS_BORDER, reasons.cross_border(log)))
    return signals


def _write(scope: Sequence[int], signals: dict[int, list[_Signal]], now: datetime) -> None:
    """Replace the scope's signals and update its logs' columns: COPY, then three statements."""
    with connection.cursor() as cursor:
        cursor.execute(_WORK_SQL)
        raw = cursor.cursor  # psycopg's own cursor, for COPY
        with raw.copy("COPY signal_work FROM STDIN") as copy:
            for log_id in scope:
                for signal in signals[log_id]:
                    copy.write_row(
                        (
                            log_id,
                            str(signal.kind),
                            signal.reason,
                            signal.high_risk,
                            signal.victim_id,
                            signal.suspect_id,
                            int_array(signal.related),
                        )
                    )
        with raw.copy("COPY signal_log_work FROM STDIN") as copy:
            for log_id in scope:
                found = signals[log_id]
                kinds = "{" + ",".join(sorted(str(s.kind) for s in found)) + "}"
                copy.write_row((log_id, kinds, any(s.high_risk for s in found)))
        cursor.execute(_APPLY_SQL, {"now": now})


@transaction.atomic
def evaluate_logs(*, log_ids: Collection[int], now: datetime) -> EvaluationResult:
    """(Re)evaluate the signal rules for these logs and every log sharing a pair with them.

    Replaces their LogSignal rows, keeps `signal_kinds`, `is_high_risk` and `review_state` on
    each log in step (never undoing a review), and alerts the coordinators once per log that
    is newly high risk (through the outbox, in this transaction).
    """
    if not log_ids:
        return EvaluationResult()
    rules = RuleSet.load()
    with bulk_session():
        return _evaluate(rules, log_ids, now)


def _evaluate(rules: RuleSet, log_ids: Collection[int], now: datetime) -> EvaluationResult:
    scope, pairs = _scope(log_ids)
    scope_set = set(scope)
    context = sorted(scope_set.union(log_id for pair in pairs.values() for log_id in pair.log_ids))
    facts = _read_facts(rules, context, scope_set)
    clusters = _clusters(rules, pairs, facts)

    scope = [log_id for log_id in scope if log_id in facts]
    signals = {
        log_id: _signals_for(rules, facts[log_id], clusters.get(log_id, [])) for log_id in scope
    }
    counts: Counter[str] = Counter(str(s.kind) for found in signals.values() for s in found)
    high_risk = [log_id for log_id in scope if any(s.high_risk for s in signals[log_id])]

    _write(scope, signals, now)
    newly: list[int] = []
    candidates = [log_id for log_id in high_risk if not facts[log_id].notified]
    if candidates:
        with connection.cursor() as cursor:
            cursor.execute(_CLAIM_ALERT_SQL, {"ids": int_array(candidates), "now": now})
            newly = sorted(row[0] for row in cursor.fetchall())
    if newly:
        alert_coordinators(log_ids=newly)
    return EvaluationResult(
        evaluated=len(scope),
        flagged=sum(1 for found in signals.values() if found),
        high_risk=len(high_risk),
        counts=dict(counts),
        newly_high_risk=newly,
    )

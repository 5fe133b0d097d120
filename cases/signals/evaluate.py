"""Evaluate the signal rules for a batch of crime logs, set-based (DESIGN.md §3, §6).

The import calls `evaluate_logs` with every new or changed log of a batch (10,000-50,000 ids).
A new log can turn earlier ones into a course of conduct, so the scope is widened to every log
that shares a (victim person, suspect person) pair with them (`pairs.scope_of`: cases_logparty
joined to itself). Then:

1. the logs are read in chunks and classified in Python (offence codes, flags, areas and one
   trie regex over each lowered narrative); narratives are not kept (`store.read_facts`);
2. courses of conduct are found per pair with a sliding window over `recorded_at`;
3. each log's signals are decided, with their reasons;
4. only what changed is written: COPY into temporary tables, then at most three statements
   (`store.write`).

Evaluating twice writes nothing the second time.
"""

from __future__ import annotations

import bisect
from collections import Counter, defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection, transaction

from cases.models import SignalKind
from cases.phases import phase
from cases.signals import reasons
from cases.signals.database import bulk_session, int_array
from cases.signals.notify import alert_coordinators
from cases.signals.pairs import Pair, scope_of
from cases.signals.rules import LogFacts, RuleSet
from cases.signals.store import Signal, read_facts, write

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
class _Cluster:
    """A pair's logs recorded within the window of one another: a possible course of conduct.

    Logs close in time share the same cluster, so its facts and reasons are worked out once.
    """

    pair: Pair
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

    def signal(self, kind: str, rules: RuleSet, log_id: int) -> Signal:
        return Signal(
            kind,
            self.reason(kind, rules),
            high_risk=bool(self.threats),
            victim_id=self.pair.victim_id,
            suspect_id=self.pair.suspect_id,
            related=[log.id for log in self.logs if log.id != log_id],
        )


def _clusters(
    rules: RuleSet, pairs: dict[tuple[int, int], Pair], facts: dict[int, LogFacts]
) -> dict[int, list[_Cluster]]:
    """For each log in scope: per pair, the pair's logs recorded within the window of it."""
    window = rules.window_days * 86_400.0  # seconds, like the recorded times
    found: dict[int, list[_Cluster]] = defaultdict(list)
    for pair in pairs.values():
        # A log deleted since the scope was read has no facts: it no longer counts.
        pair.logs = sorted(
            (facts[log_id].recorded_epoch, log_id) for log_id in pair.log_ids if log_id in facts
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


def _signals_for(rules: RuleSet, log: LogFacts, clusters: list[_Cluster]) -> list[Signal]:
    signals: list[Signal] = []
    # Clusters where no log is recorded as stalking; the largest speaks for the log.
    untagged = [c for c in clusters if not c.tagged]
    if len(untagged) > 1:
        untagged.sort(key=lambda c: -len(c.logs))

    if log.stalking_mark:
        # Recorded as stalking already; high risk when part of a pattern with threats.
        threatening = [c for c in clusters if c.threats]
        pattern = max(threatening, key=lambda c: len(c.logs)) if threatening else None
        signals.append(
            Signal(
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
        signals.append(Signal(SignalKind.STALKING_INDICATORS, reasons.indicators(log)))

    if untagged:
        signals.append(untagged[0].signal(SignalKind.COURSE_OF_CONDUCT, rules, log.id))
    former = [c for c in untagged if c.former_partner]
    if former:
        signals.append(former[0].signal(SignalKind.FORMER_PARTNER, rules, log.id))
    if log.breach_mark:
        signals.append(Signal(SignalKind.ORDER_BREACH, reasons.order_breach(log), high_risk=True))
    if log.outside_areas:
        signals.append(Signal(SignalKind.CROSS_BORDER, reasons.cross_border(log)))
    return signals


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
    with phase("signals: scope"):
        scope, pairs = scope_of(log_ids)
    scope_set = set(scope)
    context = sorted(scope_set.union(log_id for pair in pairs.values() for log_id in pair.log_ids))
    with phase("signals: read and classify"):
        facts, stored = read_facts(rules, context, scope_set)
    with phase("signals: decide"):
        clusters = _clusters(rules, pairs, facts)
        scope = [log_id for log_id in scope if log_id in facts]
        signals = {
            log_id: _signals_for(rules, facts[log_id], clusters.get(log_id, [])) for log_id in scope
        }
    counts: Counter[str] = Counter(str(s.kind) for found in signals.values() for s in found)
    high_risk = [log_id for log_id in scope if any(s.high_risk for s in signals[log_id])]

    with phase("signals: write"):
        write(scope, signals, facts, stored, now)
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

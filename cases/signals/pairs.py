"""Which logs share a (victim person, suspect person) pair: the scope of an evaluation."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field

from django.db import connection

from cases.models import PartyRole
from cases.signals.database import int_array

# The victims and suspects named on some logs (persons only: unlinked parties pair no one).
# No "person_id IS NOT NULL" here: with the statistics a big import leaves stale, that
# condition tempts the planner into scanning the person index for every log.
_PARTIES_SQL = """
SELECT log_id, role, person_id
FROM cases_logparty
WHERE log_id = ANY(%(ids)s::bigint[]) AND role IN ('victim', 'suspect')
"""

# Every log of some pairs: cases_logparty joined to itself. Each join is an equality on an
# indexed column, so the plan holds whatever the statistics say.
_PAIR_LOGS_SQL = """
SELECT v.log_id, p.victim_id, p.suspect_id
FROM unnest(%(victims)s::bigint[], %(suspects)s::bigint[]) AS p(victim_id, suspect_id)
JOIN cases_logparty v ON v.person_id = p.victim_id AND v.role = 'victim'
JOIN cases_logparty s
  ON s.log_id = v.log_id AND s.role = 'suspect' AND s.person_id = p.suspect_id
"""


@dataclass(slots=True)
class Pair:
    victim_id: int
    suspect_id: int
    log_ids: set[int] = field(default_factory=set)
    # (recorded time in seconds since 1970, log id) in time order, once the facts are read.
    logs: list[tuple[float, int]] = field(default_factory=list)


def _pairs_on(log_ids: Collection[int]) -> set[tuple[int, int]]:
    """The (victim person, suspect person) pairs named on these logs."""
    named: dict[int, tuple[list[int], list[int]]] = defaultdict(lambda: ([], []))
    with connection.cursor() as cursor:
        cursor.execute(_PARTIES_SQL, {"ids": int_array(log_ids)})
        for log_id, role, person_id in cursor.fetchall():
            if person_id is not None:
                named[log_id][0 if role == PartyRole.VICTIM else 1].append(person_id)
    return {(v, s) for victims, suspects in named.values() for v in victims for s in suspects}


def _add_pair_logs(pairs: dict[tuple[int, int], Pair], keys: set[tuple[int, int]]) -> None:
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
                pairs[key] = Pair(victim_id, suspect_id)
            pairs[key].log_ids.add(log_id)


def scope_of(log_ids: Collection[int]) -> tuple[list[int], dict[tuple[int, int], Pair]]:
    """The logs to evaluate (sorted), and every pair they are on with all the pair's logs.

    The scope is the given logs plus every log sharing a pair with them. Logs in the scope may
    name further pairs (a log with two victims); those pairs' logs are read too, for context,
    so each log in the scope is judged on all of its pairs. Four queries whatever the size.
    """
    seeds = set(log_ids)
    pairs: dict[tuple[int, int], Pair] = {}
    _add_pair_logs(pairs, _pairs_on(seeds))
    scope = seeds.union(*(pair.log_ids for pair in pairs.values()))
    more = scope - seeds
    if more:
        _add_pair_logs(pairs, _pairs_on(more) - pairs.keys())
    return sorted(scope), pairs

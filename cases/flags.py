"""Case flags: short warnings on the case list and case page, fed by any app (DESIGN.md §2).

`cases` cannot import the apps above it, so they register a provider here in their
AppConfig.ready() ("no risk assessment after 7 days" from the risk module, "high risk, no SPO
considered" from `legal`...). A provider is batched: it is given a whole page of cases and must
answer with a bounded number of queries, so the case list stays flat however long it is.

The shape to use is a `FlagRule`: its rule is SQL (`flagged`: given a queryset of cases and
`now`, the flagged ones), so the dashboard and the case list can count and filter by any flag
without re-implementing it, and the page's labels derive from the same rule (one query per
rule per page). `cases_flagged(key, cases, now)` is the dashboard's entry point.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, Protocol

from django.db.models import F, Field, IntegerField, JSONField, QuerySet, Value
from django.db.models.functions import JSONObject

from cases.models import Case

Severity = Literal["info", "warning", "danger"]
_SEVERITY_ORDER: dict[str, int] = {"danger": 0, "warning": 1, "info": 2}


@dataclass(frozen=True)
class CaseFlag:
    key: str
    label: str
    # Read by the case owner: why the flag is raised, without personal data.
    reason: str
    severity: Severity


@dataclass(frozen=True)
class FlagRule:
    """One flag, defined once: the SQL rule, and the reason a reader sees on each case."""

    key: str
    label: str
    severity: Severity
    # The cases of the given queryset that carry the flag at `now` (may annotate them).
    flagged: Callable[[QuerySet[Case], datetime], QuerySet[Case]]
    # Why one flagged case (as `flagged` returned it) carries the flag, without personal data.
    reason: Callable[[Case, datetime], str]

    def __call__(self, *, cases: Sequence[Case], now: datetime) -> Mapping[int, list[CaseFlag]]:
        """The rule as a batched provider: one query for the page's cases."""
        if not cases:
            return {}
        candidates = Case.objects.filter(pk__in=[case.pk for case in cases])
        return {
            case.pk: [CaseFlag(self.key, self.label, self.reason(case, now), self.severity)]
            for case in self.flagged(candidates, now)
        }


class FlagProvider(Protocol):
    def __call__(self, *, cases: Sequence[Case], now: datetime) -> Mapping[int, list[CaseFlag]]: ...


_providers: list[FlagProvider] = []


def register_flag_provider(provider: FlagProvider) -> FlagProvider:
    """Add a provider (idempotent, so a double ready() does not show every flag twice)."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def unregister_flag_provider(provider: FlagProvider) -> None:
    if provider in _providers:
        _providers.remove(provider)


def flag_providers() -> tuple[FlagProvider, ...]:
    return tuple(_providers)


def flag_rules() -> dict[str, FlagRule]:
    """Every registered SQL-capable rule, by key (the dashboard counts these)."""
    return {provider.key: provider for provider in _providers if isinstance(provider, FlagRule)}


def cases_flagged(key: str, cases: QuerySet[Case], now: datetime) -> QuerySet[Case]:
    """The cases of `cases` that carry the flag `key` at `now`, as SQL. Raises KeyError for a
    flag no app registered."""
    return flag_rules()[key].flagged(cases, now)


def flags_for_cases(*, cases: Sequence[Case], now: datetime) -> dict[int, list[CaseFlag]]:
    """Every provider's flags for these cases, by case id; most severe first.

    The SQL rules are asked together, in one query (`_rules_at_once`); any other provider
    is called as it is."""
    found: dict[int, list[CaseFlag]] = {case.pk: [] for case in cases}
    if not cases:
        return found
    rules = [provider for provider in _providers if isinstance(provider, FlagRule)]
    # Each rule's answer, in the providers' order.
    answers = iter(_rules_at_once(rules, cases=cases, now=now))
    for provider in _providers:
        answered = (
            next(answers) if isinstance(provider, FlagRule) else provider(cases=cases, now=now)
        )
        for case_id, flags in answered.items():
            if case_id in found:
                found[case_id].extend(flags)
    for flags in found.values():
        flags.sort(key=lambda flag: _SEVERITY_ORDER.get(flag.severity, 3))
    return found


def _rules_at_once(
    rules: Sequence[FlagRule], *, cases: Sequence[Case], now: datetime
) -> list[dict[int, list[CaseFlag]]]:
    """Each rule's flags for these cases (by case id, in the rules' order), in one query: the
    rules' own SQL joined by UNION ALL, each part giving the flagged case's id, the rule's
    position and the values the rule annotated (as JSON, turned back into their fields' Python
    types). Each rule's `reason` then reads the case as given, with those values set on a copy
    of it, as when the rule is asked alone (`FlagRule.__call__`).

    Asked one by one, the ten rules cost the case page and the case list ten round trips to
    the database and a third of the case page's time (bench/README.md)."""
    found: list[dict[int, list[CaseFlag]]] = [{} for _ in rules]
    if not rules:
        return found
    given = {case.pk: case for case in cases}
    if any(case.get_deferred_fields() for case in cases):
        # A reason may read any column: never one query per case for a deferred one.
        given = Case.objects.in_bulk(list(given))
    candidates = Case.objects.filter(pk__in=list(given))
    parts: list[QuerySet[Case, tuple[Any, ...]]] = []
    annotated: list[dict[str, Field[Any, Any]]] = []
    for position, rule in enumerate(rules):
        flagged = rule.flagged(candidates, now)
        fields = {
            name: expression.output_field
            for name, expression in flagged.query.annotation_select.items()
        }
        annotated.append(fields)
        values = (
            JSONObject(**{name: F(name) for name in fields})
            if fields
            else Value(None, output_field=JSONField())
        )
        parts.append(
            flagged.order_by().values_list(
                "pk", Value(position, output_field=IntegerField()), values
            )
        )
    combined = parts[0].union(*parts[1:], all=True).order_by() if len(parts) > 1 else parts[0]
    for case_id, position, values in combined:
        rule = rules[position]
        case = copy.copy(given[case_id])
        for name, field in annotated[position].items():
            setattr(case, name, field.to_python((values or {}).get(name)))
        found[position].setdefault(case_id, []).append(
            CaseFlag(rule.key, rule.label, rule.reason(case, now), rule.severity)
        )
    return found


cross_border_flags = FlagRule(
    key="cross_border",
    label="Cross-border",
    severity="warning",
    # Cases with logs or parties in another force area need that force's co-operation.
    flagged=lambda cases, now: cases.exclude(cross_border_forces=[]),
    reason=lambda case, now: "Involves another force area: " + ", ".join(case.cross_border_forces),
)

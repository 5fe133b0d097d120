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

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

from django.db.models import QuerySet

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
    """Every provider's flags for these cases, by case id; most severe first."""
    found: dict[int, list[CaseFlag]] = {case.pk: [] for case in cases}
    if not cases:
        return found
    for provider in _providers:
        for case_id, flags in provider(cases=cases, now=now).items():
            if case_id in found:
                found[case_id].extend(flags)
    for flags in found.values():
        flags.sort(key=lambda flag: _SEVERITY_ORDER.get(flag.severity, 3))
    return found


cross_border_flags = FlagRule(
    key="cross_border",
    label="Cross-border",
    severity="warning",
    # Cases with logs or parties in another force area need that force's co-operation.
    flagged=lambda cases, now: cases.exclude(cross_border_forces=[]),
    reason=lambda case, now: "Involves another force area: " + ", ".join(case.cross_border_forces),
)

"""Case flags: short warnings on the case list and case page, fed by any app (DESIGN.md §2).

`cases` cannot import the apps above it, so they register a provider here in their
AppConfig.ready() ("no risk assessment after 7 days" from the risk module, "high risk, no SPO
considered" from `legal`...). A provider is batched: it is given a whole page of cases and must
answer with a bounded number of queries, so the case list stays flat however long it is.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

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


def cross_border_flags(*, cases: Sequence[Case], now: datetime) -> Mapping[int, list[CaseFlag]]:
    """Cases with logs or parties in another force area need that force's co-operation."""
    return {
        case.pk: [
            CaseFlag(
                key="cross_border",
                label="Cross-border",
                reason="Involves another force area: " + ", ".join(case.cross_border_forces),
                severity="warning",
            )
        ]
        for case in cases
        if case.cross_border_forces
    }

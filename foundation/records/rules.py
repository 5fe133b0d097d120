"""The rule in force for each record type: the data row, the registered default, a setting."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from foundation.records.models import RetentionRule
from foundation.records.registry import RecordType, record_types


@dataclass(frozen=True)
class RuleInForce:
    record_type: RecordType
    years: int | None
    basis: str
    from_setting: str = ""

    @property
    def description(self) -> str:
        if self.years is None:
            return f"{self.record_type.label}: no review date (set the rule's years)"
        unit = "year" if self.years == 1 else "years"
        setting = f" ({self.from_setting})" if self.from_setting else ""
        return f"{self.record_type.label}: review {self.years} {unit}{setting} {self.basis}"


def rules_in_force() -> list[RuleInForce]:
    """Every registered type with its rule (one query)."""
    rows = {rule.record_type: rule for rule in RetentionRule.objects.all()}
    found = []
    for record_type in record_types():
        default = record_type.rule
        if default.years_setting:
            found.append(
                RuleInForce(
                    record_type,
                    int(getattr(settings, default.years_setting)),
                    default.basis,
                    from_setting=default.years_setting,
                )
            )
            continue
        row = rows.get(record_type.key)
        years = row.years if row is not None else default.years
        basis = row.basis if row is not None and row.basis else default.basis
        found.append(RuleInForce(record_type, years, basis))
    return found

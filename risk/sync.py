"""Keep the Instrument table in step with the structure files (docs/risk-instruments.md).

Run by the data migration (so instruments exist after `migrate`) and by
`python manage.py sync_instruments` after a file changes. The checksum spots a change; a
changed checksum under an unchanged version is reported, because the version should have
been bumped (assessments keep the version they were completed against).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from risk.definitions import InstrumentDefinition, load_instruments
from risk.models import Instrument
from risk.parsing import parse_definition


@dataclass
class SyncReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    deactivated: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.deactivated)


def _raw_content(definition: InstrumentDefinition) -> Any:
    assert definition.source is not None  # loaded from a file by load_instruments
    return json.loads(definition.source.read_text(encoding="utf-8"))


@transaction.atomic
def sync_instruments(
    *,
    definitions: Mapping[str, InstrumentDefinition] | None = None,
    now: datetime | None = None,
    model: Any = Instrument,
) -> SyncReport:
    """Create, update or deactivate Instrument rows to match the definitions (default: the
    shipped files). Idempotent. ``model`` lets a data migration pass its historical model.

    Raises InstrumentFileError when a file is invalid (nothing is changed then).
    """
    definitions = load_instruments() if definitions is None else definitions
    now = timezone.now() if now is None else now
    report = SyncReport()
    existing = {row.key: row for row in model.objects.select_for_update().all()}
    for key, definition in sorted(definitions.items()):
        values = {
            "name": definition.name,
            "version": definition.version,
            "kind": definition.kind.value,
            "side": definition.side.value,
            "licensed": definition.licensed,
            "requires_trained_assessor": definition.requires_trained_assessor,
            "checksum": definition.checksum,
            "definition": _raw_content(definition),
            "is_active": True,
        }
        row = existing.get(key)
        if row is None:
            model.objects.create(key=key, synced_at=now, **values)
            report.created.append(key)
            continue
        if row.checksum == definition.checksum and row.is_active:
            report.unchanged.append(key)
            continue
        if row.checksum != definition.checksum and row.version == definition.version:
            report.warnings.append(
                f"{key}: the file changed but its version is still {row.version}; bump the "
                "version whenever items, answers or scoring change"
            )
        for name, value in values.items():
            setattr(row, name, value)
        row.synced_at = now
        row.save()
        report.updated.append(key)
    for key, row in sorted(existing.items()):
        if key not in definitions and row.is_active:
            # Kept for the assessments made with it; no longer offered for new ones.
            row.is_active = False
            row.synced_at = now
            row.save(update_fields=["is_active", "synced_at"])
            report.deactivated.append(key)
    return report


# Parsed structures by (key, checksum): the checksum changes whenever the content does.
_parsed: dict[tuple[str, str], InstrumentDefinition] = {}


def definition_of(instrument: Instrument) -> InstrumentDefinition:
    """The validated structure stored on an Instrument row (parsed once per checksum).

    Raises InstrumentFileError if the stored content is not a valid structure.
    """
    cache_key = (instrument.key, instrument.checksum)
    definition = _parsed.get(cache_key)
    if definition is None:
        definition = parse_definition(instrument.definition, Path(f"{instrument.key}.json"))
        _parsed[cache_key] = definition
    return definition

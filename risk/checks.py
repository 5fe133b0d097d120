"""`manage.py check`: the structure files and the force's wording must load, so a broken or
misnumbered wording file fails at deploy rather than on an assessor's screen."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core import checks

from risk.definitions import InstrumentFileError, load_instruments
from risk.wording import WordingFileError, load_wording, missing_wording


def check_instrument_files(
    app_configs: Sequence[Any] | None = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    try:
        definitions = load_instruments()
    except InstrumentFileError as exc:
        return [checks.Error(str(exc), id="risk.E001")]
    wording_dir = settings.HUB_INSTRUMENT_WORDING_DIR
    if not wording_dir:
        return []
    messages: list[checks.CheckMessage] = []
    for definition in definitions.values():
        try:
            wording = load_wording(definition, wording_dir)
        except WordingFileError as exc:
            messages.append(checks.Error(str(exc), id="risk.E002"))
            continue
        messages.extend(checks.Warning(warning, id="risk.W001") for warning in wording.warnings)
        missing = missing_wording(definition, wording.items)
        if wording.source is not None and missing:
            messages.append(
                checks.Warning(
                    f"{wording.source}: no wording for {', '.join(missing)}",
                    hint="Those items show their key and a note instead of the question.",
                    id="risk.W002",
                )
            )
    return messages

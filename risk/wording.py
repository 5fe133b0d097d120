"""A force's local wording for instrument items, loaded at deploy time.

Licensed wording (S-DASH, DASH, SRP, SAM) is never in the repository. A force puts one
``<instrument_key>.json`` per instrument in the directory named by the setting
``HUB_INSTRUMENT_WORDING_DIR`` (the caller passes it in; no Django here). Format and example:
docs/risk-instruments.md. FOUR carries its own wording in its definition; a local file may
override it. An item without wording shows its key and ``NO_WORDING_NOTE``.
"""

import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from risk.definitions import AnswerType, InstrumentDefinition, ItemDefinition

logger = logging.getLogger(__name__)

NO_WORDING_NOTE = "Wording comes from the force's licensed copy"

_FILE_FIELDS = {"instrument", "version", "items", "sections"}
_ITEM_FIELDS = {"text", "help", "options"}


class WordingFileError(Exception):
    """A local wording file is unreadable or does not fit the instrument's structure."""

    def __init__(self, path: Path, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


@dataclass(frozen=True, slots=True)
class ItemWording:
    text: str
    help: str | None = None
    options: Mapping[str, str] = field(default_factory=dict)  # choice option key -> wording


@dataclass(frozen=True, slots=True)
class LocalWording:
    instrument: str
    items: dict[str, ItemWording]
    sections: dict[str, str]
    source: Path | None = None  # the local file, or None when there is none
    warnings: tuple[str, ...] = ()


def wording_path(defn: InstrumentDefinition, wording_dir: Path) -> Path:
    return wording_dir / f"{defn.key}.json"


def load_wording(defn: InstrumentDefinition, wording_dir: Path | str | None) -> LocalWording:
    """The wording for ``defn``: its own (open instruments), overlaid by the local file if any.

    A missing file means no local wording. Raises WordingFileError when ``wording_dir`` is set
    but is not a directory, or when the file is malformed or names unknown keys. A version
    different from the definition's is a warning (the item keys may have moved).
    """
    items = {
        item.key: ItemWording(text=item.text, help=item.help)
        for item in defn.items
        if item.text is not None
    }
    if not wording_dir:
        return LocalWording(instrument=defn.key, items=items, sections={})
    directory = Path(wording_dir)
    if not directory.is_dir():
        raise WordingFileError(directory, "the wording directory does not exist")
    path = wording_path(defn, directory)
    if not path.exists():
        return LocalWording(instrument=defn.key, items=items, sections={})
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise WordingFileError(path, f"cannot read file ({exc.strerror})") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise WordingFileError(path, f"not valid JSON ({exc})") from exc
    local, sections, warnings = _parse(defn, path, raw)
    return LocalWording(
        instrument=defn.key,
        items=items | local,
        sections=sections,
        source=path,
        warnings=tuple(warnings),
    )


def wording_for(
    defn: InstrumentDefinition, wording_dir: Path | str | None
) -> dict[str, ItemWording]:
    """Item key -> wording for ``defn``; items without wording are absent. Logs any warning.

    Raises WordingFileError (see ``load_wording``).
    """
    wording = load_wording(defn, wording_dir)
    for warning in wording.warnings:
        logger.warning("%s", warning)
    return wording.items


def display_text(item: ItemDefinition, wording: Mapping[str, ItemWording]) -> str:
    """The question to show for ``item``: its wording, or its key and where wording comes from."""
    if item.key in wording:
        return wording[item.key].text
    name = f"{item.label} ({item.key})" if item.label else item.key
    return f"{name} — {NO_WORDING_NOTE}"


ANSWER_TYPE_NAMES = {
    "yes_no_unknown": "answer yes, no or not known",
    "choice": "choose one option",
    "rating": "rate low, moderate or high",
    "text": "write a free-text answer",
}


def structure_label(defn: InstrumentDefinition, item: ItemDefinition) -> str:
    """An item without local wording, readable from its structure alone: its number, its
    domain (section) and what kind of answer it takes, e.g. "Item 3 of 27 · Domain: Current
    situation · answer yes, no or not known"."""
    number = defn.item_keys.index(item.key) + 1
    sections = {section.key: section.label for section in defn.sections}
    parts = [f"Item {number} of {len(defn.items)}"]
    if item.label:
        parts.append(item.label)
    if item.section:
        parts.append(f"Domain: {sections.get(item.section, item.section)}")
    parts.append(ANSWER_TYPE_NAMES.get(item.answer_type.value, item.answer_type.value))
    return " · ".join(parts)


def where_wording_goes(defn: InstrumentDefinition, item: ItemDefinition) -> str:
    """Help for an item without wording: its key, and where the force's wording is added."""
    return (
        f"Key {item.key}. Read the question from the force's licensed copy of {defn.name}. "
        f"To show it here, an administrator adds it to {defn.key}.json in the instrument "
        "wording folder (HUB_INSTRUMENT_WORDING_DIR; see the risk instruments guide, "
        '"Local wording").'
    )


def missing_wording(defn: InstrumentDefinition, wording: Mapping[str, ItemWording]) -> list[str]:
    """Keys of items that have no wording (for a deploy check)."""
    return [item.key for item in defn.items if item.key not in wording]


def _parse(
    defn: InstrumentDefinition, path: Path, raw: Any
) -> tuple[dict[str, ItemWording], dict[str, str], list[str]]:
    def fail(problem: str) -> WordingFileError:
        return WordingFileError(path, problem)

    if not isinstance(raw, dict):
        raise fail("the file must hold a JSON object")
    unknown_fields = sorted(set(raw) - _FILE_FIELDS)
    if unknown_fields:
        raise fail(f"unknown field(s): {', '.join(unknown_fields)}")
    if raw.get("instrument") != defn.key:
        raise fail(f"'instrument' must be {defn.key!r} to match the file name")

    warnings: list[str] = []
    version = raw.get("version")
    if version is None:
        warnings.append(
            f"{path}: no 'version'; cannot confirm the wording fits {defn.name} "
            f"version {defn.version}"
        )
    elif str(version) != defn.version:
        warnings.append(
            f"{path}: wording is for version {version}, but {defn.name} is version "
            f"{defn.version}; check that the item keys still match"
        )

    entries = raw.get("items")
    if not isinstance(entries, dict):
        raise fail("'items' must be an object of item key -> wording")
    known = {item.key: item for item in defn.items}
    unknown = sorted(set(entries) - set(known))
    if unknown:
        raise fail(f"unknown item key(s) for {defn.name}: {', '.join(unknown)}")
    items = {key: _item(fail, known[key], entry) for key, entry in entries.items()}

    sections = raw.get("sections", {})
    section_keys = {section.key for section in defn.sections}
    if not isinstance(sections, dict) or not all(
        isinstance(text, str) and text.strip() for text in sections.values()
    ):
        raise fail("'sections' must be an object of section key -> heading text")
    unknown = sorted(set(sections) - section_keys)
    if unknown:
        raise fail(f"unknown section key(s) for {defn.name}: {', '.join(unknown)}")
    return items, dict(sections), warnings


def _item(fail: Callable[[str], WordingFileError], item: ItemDefinition, entry: Any) -> ItemWording:
    where = f"item {item.key!r}"
    if isinstance(entry, str):  # shorthand: just the question text
        entry = {"text": entry}
    if not isinstance(entry, dict):
        raise fail(f"{where} must be the question text or an object with 'text'")
    unknown_fields = sorted(set(entry) - _ITEM_FIELDS)
    if unknown_fields:
        raise fail(f"{where} has unknown field(s): {', '.join(unknown_fields)}")
    text, help_text = entry.get("text"), entry.get("help")
    if not isinstance(text, str) or not text.strip():
        raise fail(f"{where} needs a non-empty 'text'")
    if help_text is not None and not isinstance(help_text, str):
        raise fail(f"{where} 'help' must be text")
    options = entry.get("options", {})
    if options and item.answer_type is not AnswerType.CHOICE:
        raise fail(f"{where} is not a choice item, so it takes no 'options'")
    if not isinstance(options, dict) or not all(isinstance(v, str) for v in options.values()):
        raise fail(f"{where} 'options' must be an object of option key -> text")
    unknown = sorted(set(options) - {option.key for option in item.options})
    if unknown:
        raise fail(f"{where} has unknown option key(s): {', '.join(unknown)}")
    return ItemWording(text=text, help=help_text or None, options=dict(options))

"""Validation of instrument structure files: parsed JSON in, ``InstrumentDefinition`` out.

Every rule of docs/risk-instruments.md ("Definition file format") is checked here, and the
first problem raises InstrumentFileError naming the file and what is wrong, so a typo fails
loudly at deploy rather than changing a score. Pure Python: no Django here.
"""

import hashlib
import json
import re
from collections.abc import Mapping
from enum import StrEnum
from pathlib import Path
from typing import Any

from risk.definitions import (
    AnswerType,
    AppliesWhen,
    Band,
    Condition,
    CountBandsRule,
    CountOnlyRule,
    InstrumentDefinition,
    InstrumentFileError,
    ItemDefinition,
    Kind,
    Level,
    Option,
    ScoringRule,
    Section,
    Side,
    SpjRule,
    Uplift,
)

_KEY_RE = re.compile(r"^[a-z][a-z0-9_]*$")


def parse_definition(raw: Any, path: Path) -> InstrumentDefinition:
    """Validate parsed file content (``path`` names it in errors). Raises InstrumentFileError."""
    return _Parser(path).instrument(raw)


def checksum_of(raw: Any) -> str:
    """sha256 of the canonical JSON form (sorted keys, no whitespace) of parsed file content."""
    canonical = json.dumps(raw, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


_TOP_LEVEL_FIELDS = {
    "key",
    "name",
    "version",
    "kind",
    "side",
    "licensed",
    "requires_trained_assessor",
    "description",
    "applies_when",
    "sections",
    "items",
    "scoring",
}
_ITEM_FIELDS = {"key", "answer", "required", "section", "label", "options", "text", "help"}


class _Parser:
    """Turns parsed JSON into definitions, raising InstrumentFileError at the first problem."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, problem: str) -> InstrumentFileError:
        return InstrumentFileError(self.path, problem)

    # -- primitive readers -------------------------------------------------------------

    def obj(self, value: Any, where: str, allowed: set[str]) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(f"{where} must be an object")
        unknown = sorted(set(value) - allowed)
        if unknown:
            raise self.fail(f"{where} has unknown field(s): {', '.join(unknown)}")
        return value

    def text(self, data: Mapping[str, Any], name: str, where: str) -> str:
        value = data.get(name)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(f"{where}.{name} must be a non-empty string")
        return value

    def optional_text(self, data: Mapping[str, Any], name: str, where: str) -> str | None:
        if data.get(name) is None:
            return None
        return self.text(data, name, where)

    def flag(self, data: Mapping[str, Any], name: str, where: str, default: bool | None) -> bool:
        value = data.get(name, default)
        if not isinstance(value, bool):
            raise self.fail(f"{where}.{name} must be true or false")
        return value

    def key(self, data: Mapping[str, Any], where: str) -> str:
        value = self.text(data, "key", where)
        if not _KEY_RE.fullmatch(value):
            raise self.fail(
                f"{where}.key {value!r} must be lower case letters, digits and underscores"
            )
        return value

    def choice[E: StrEnum](self, enum: type[E], value: Any, where: str) -> E:
        try:
            return enum(value)
        except ValueError:
            allowed = ", ".join(member.value for member in enum)
            raise self.fail(f"{where}: {value!r} is not one of {allowed}") from None

    def list_of(self, value: Any, where: str, *, non_empty: bool = True) -> list[Any]:
        if not isinstance(value, list) or (non_empty and not value):
            raise self.fail(f"{where} must be a {'non-empty ' if non_empty else ''}list")
        return value

    def count(self, value: Any, where: str) -> int:
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise self.fail(f"{where} must be a whole number, 0 or more")
        return value

    # -- structure ---------------------------------------------------------------------

    def instrument(self, raw: Any) -> InstrumentDefinition:
        data = self.obj(raw, "the file", _TOP_LEVEL_FIELDS)
        for required in ("key", "name", "version", "kind", "side", "licensed", "items"):
            if required not in data:
                raise self.fail(f"missing required field {required!r}")
        if "scoring" not in data:
            raise self.fail("missing required field 'scoring'")
        key = self.key(data, "instrument")
        kind = self.choice(Kind, data["kind"], "kind")
        licensed = self.flag(data, "licensed", "instrument", None)
        sections = self.sections(data.get("sections", []))
        items = self.items(data["items"], sections, licensed=licensed)
        scoring = self.scoring(data["scoring"], items)
        if (kind is Kind.SPJ) != isinstance(scoring, SpjRule):
            raise self.fail(
                f"kind {kind.value!r} does not fit scoring type: structured professional "
                "judgement (kind 'spj') goes with scoring type 'spj', and only with it"
            )
        return InstrumentDefinition(
            key=key,
            name=self.text(data, "name", "instrument"),
            version=self.text(data, "version", "instrument"),
            kind=kind,
            side=self.choice(Side, data["side"], "side"),
            licensed=licensed,
            requires_trained_assessor=self.flag(
                data, "requires_trained_assessor", "instrument", False
            ),
            items=items,
            scoring=scoring,
            checksum=checksum_of(raw),
            sections=sections,
            description=self.optional_text(data, "description", "instrument") or "",
            applies_when=self.applies_when(data.get("applies_when")),
            source=self.path,
        )

    def applies_when(self, raw: Any) -> AppliesWhen | None:
        if raw is None:
            return None
        data = self.obj(raw, "applies_when", {"note", "match", "conditions"})
        match = data.get("match", "any")
        if match not in ("any", "all"):
            raise self.fail("applies_when.match must be 'any' or 'all'")
        conditions: list[Condition] = []
        for index, entry in enumerate(self.list_of(data.get("conditions"), "applies_when")):
            where = f"applies_when.conditions[{index}]"
            condition = self.obj(entry, where, {"key", "label"})
            conditions.append(
                Condition(
                    key=self.key(condition, where), label=self.text(condition, "label", where)
                )
            )
        self.unique([c.key for c in conditions], "applies_when condition")
        return AppliesWhen(
            note=self.text(data, "note", "applies_when"), match=match, conditions=tuple(conditions)
        )

    def sections(self, raw: Any) -> tuple[Section, ...]:
        sections: list[Section] = []
        for index, entry in enumerate(self.list_of(raw, "sections", non_empty=False)):
            where = f"sections[{index}]"
            data = self.obj(entry, where, {"key", "label"})
            sections.append(
                Section(key=self.key(data, where), label=self.text(data, "label", where))
            )
        self.unique([s.key for s in sections], "section")
        return tuple(sections)

    def items(
        self, raw: Any, sections: tuple[Section, ...], *, licensed: bool
    ) -> tuple[ItemDefinition, ...]:
        section_keys = {section.key for section in sections}
        items: list[ItemDefinition] = []
        for index, entry in enumerate(self.list_of(raw, "items")):
            where = f"items[{index}]"
            data = self.obj(entry, where, _ITEM_FIELDS)
            key = self.key(data, where)
            where = f"item {key!r}"
            answer_type = self.choice(AnswerType, data.get("answer"), f"{where} answer type")
            section = self.optional_text(data, "section", where)
            if section is not None and section not in section_keys:
                raise self.fail(f"{where} names section {section!r}, which is not declared")
            if licensed and (data.get("text") is not None or data.get("help") is not None):
                raise self.fail(
                    f"{where} carries wording, but the instrument is licensed: licensed "
                    "wording must never be in the repository (it is loaded locally)"
                )
            items.append(
                ItemDefinition(
                    key=key,
                    answer_type=answer_type,
                    required=self.flag(data, "required", where, True),
                    section=section,
                    label=self.optional_text(data, "label", where),
                    options=self.options(data.get("options"), answer_type, where),
                    text=self.optional_text(data, "text", where),
                    help=self.optional_text(data, "help", where),
                )
            )
        self.unique([item.key for item in items], "item")
        return tuple(items)

    def options(self, raw: Any, answer_type: AnswerType, where: str) -> tuple[Option, ...]:
        if answer_type is not AnswerType.CHOICE:
            if raw is not None:
                raise self.fail(f"{where} has options, but only 'choice' items take options")
            return ()
        options: list[Option] = []
        for index, entry in enumerate(self.list_of(raw, f"{where} options")):
            option_where = f"{where} options[{index}]"
            data = self.obj(entry, option_where, {"key", "label"})
            options.append(
                Option(
                    key=self.key(data, option_where), label=self.text(data, "label", option_where)
                )
            )
        self.unique([o.key for o in options], f"{where} option")
        return tuple(options)

    def unique(self, keys: list[str], what: str) -> None:
        seen: set[str] = set()
        for key in keys:
            if key in seen:
                raise self.fail(f"duplicate {what} key {key!r}")
            seen.add(key)

    # -- scoring -----------------------------------------------------------------------

    def scoring(self, raw: Any, items: tuple[ItemDefinition, ...]) -> ScoringRule:
        if not isinstance(raw, dict):
            raise self.fail("scoring must be an object")
        by_key = {item.key: item for item in items}
        match raw.get("type"):
            case "count_bands":
                data = self.obj(
                    raw, "scoring", {"type", "count_items", "bands", "uplifts", "no_downgrade_from"}
                )
                count_items = self.count_items(data.get("count_items"), by_key)
                downgrade = self.list_of(
                    data.get("no_downgrade_from", []), "scoring.no_downgrade_from", non_empty=False
                )
                return CountBandsRule(
                    count_items=count_items,
                    bands=self.bands(data.get("bands"), len(count_items)),
                    uplifts=self.uplifts(data.get("uplifts", []), by_key, len(count_items)),
                    no_downgrade_from=frozenset(
                        self.choice(Level, value, "scoring.no_downgrade_from")
                        for value in downgrade
                    ),
                )
            case "count_only":
                data = self.obj(raw, "scoring", {"type", "count_items"})
                return CountOnlyRule(count_items=self.count_items(data.get("count_items"), by_key))
            case "spj":
                data = self.obj(raw, "scoring", {"type", "rated_items"})
                rated = self.list_of(data.get("rated_items"), "scoring.rated_items")
                for key in rated:
                    self.item_of_type(key, by_key, AnswerType.RATING, "scoring.rated_items")
                self.unique(rated, "scoring.rated_items")
                return SpjRule(rated_items=tuple(rated))
            case other:
                raise self.fail(
                    f"scoring.type {other!r} is not one of count_bands, count_only, spj"
                )

    def item_of_type(
        self, key: Any, by_key: Mapping[str, ItemDefinition], answer_type: AnswerType, where: str
    ) -> str:
        if not isinstance(key, str) or key not in by_key:
            raise self.fail(f"{where} names unknown item {key!r}")
        if by_key[key].answer_type is not answer_type:
            raise self.fail(f"{where} item {key!r} must be a {answer_type.value!r} item")
        return key

    def count_items(self, raw: Any, by_key: Mapping[str, ItemDefinition]) -> tuple[str, ...]:
        if raw is None:  # default: every yes / no / not known item
            keys = [k for k, i in by_key.items() if i.answer_type is AnswerType.YES_NO_UNKNOWN]
            if not keys:
                raise self.fail(
                    "scoring counts 'yes' answers but there are no yes_no_unknown items"
                )
            return tuple(keys)
        keys = self.list_of(raw, "scoring.count_items")
        for key in keys:
            self.item_of_type(key, by_key, AnswerType.YES_NO_UNKNOWN, "scoring.count_items")
        self.unique(keys, "scoring.count_items")
        return tuple(keys)

    def bands(self, raw: Any, counted: int) -> tuple[Band, ...]:
        bands: list[Band] = []
        for index, entry in enumerate(self.list_of(raw, "scoring.bands")):
            where = f"scoring.bands[{index}]"
            data = self.obj(entry, where, {"min", "level", "label"})
            band = Band(
                min=self.count(data.get("min"), f"{where}.min"),
                level=self.choice(Level, data.get("level"), f"{where}.level"),
                label=self.optional_text(data, "label", where),
            )
            if band.min > counted:
                raise self.fail(f"{where}.min {band.min} exceeds the {counted} counted items")
            if not bands and band.min != 0:
                raise self.fail("scoring.bands must start at min 0 so every count has a band")
            if bands and band.min <= bands[-1].min:
                raise self.fail(f"{where}.min must be greater than the previous band's")
            if bands and band.level.rank < bands[-1].level.rank:
                raise self.fail(f"{where}.level may not be lower than the previous band's")
            bands.append(band)
        return tuple(bands)

    def uplifts(
        self, raw: Any, by_key: Mapping[str, ItemDefinition], counted: int
    ) -> tuple[Uplift, ...]:
        uplifts: list[Uplift] = []
        for index, entry in enumerate(self.list_of(raw, "scoring.uplifts", non_empty=False)):
            where = f"scoring.uplifts[{index}]"
            data = self.obj(entry, where, {"min_count", "any_yes", "level", "label"})
            min_count = self.count(data.get("min_count"), f"{where}.min_count")
            if min_count > counted:
                raise self.fail(
                    f"{where}.min_count {min_count} exceeds the {counted} counted items"
                )
            any_yes = self.list_of(data.get("any_yes"), f"{where}.any_yes")
            for key in any_yes:
                self.item_of_type(key, by_key, AnswerType.YES_NO_UNKNOWN, f"{where}.any_yes")
            uplifts.append(
                Uplift(
                    min_count=min_count,
                    any_yes=tuple(any_yes),
                    level=self.choice(Level, data.get("level"), f"{where}.level"),
                    label=self.text(data, "label", where),
                )
            )
        return tuple(uplifts)

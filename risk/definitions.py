"""Risk instrument structures: the types, and loading the versioned files in ``instruments/``.

Licensed tools (S-DASH, DASH, SRP, SAM) ship as structure only: neutral item keys, answer
types, sections and a scoring rule. Their wording never enters the repository; a force adds
it locally (see ``wording.py`` and docs/risk-instruments.md). The rules a file must follow are
checked in ``parsing.py``. Pure Python: no Django here.
"""

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

INSTRUMENTS_DIR = Path(__file__).resolve().parent / "instruments"


class Level(StrEnum):
    """The one scale every assessment ends on."""

    STANDARD = "standard"
    MEDIUM = "medium"
    HIGH = "high"

    @property
    def rank(self) -> int:
        return list(Level).index(self)


class Rating(StrEnum):
    """Answer scale of ``rating`` items (SPJ domain ratings and summary judgements)."""

    LOW = "low"
    MODERATE = "moderate"
    HIGH = "high"

    @property
    def level(self) -> Level:
        """The final-scale level a rating suggests: low→standard, moderate→medium, high→high."""
        return list(Level)[list(Rating).index(self)]


class YesNoUnknown(StrEnum):
    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"


ANSWER_LABELS: Mapping[str, str] = {
    YesNoUnknown.YES: "Yes",
    YesNoUnknown.NO: "No",
    YesNoUnknown.UNKNOWN: "Not known",
    Rating.LOW: "Low",
    Rating.MODERATE: "Moderate",
    Rating.HIGH: "High",
}


class AnswerType(StrEnum):
    YES_NO_UNKNOWN = "yes_no_unknown"
    CHOICE = "choice"
    RATING = "rating"
    TEXT = "text"


class Kind(StrEnum):
    SCREENING = "screening"
    CHECKLIST = "checklist"
    SPJ = "spj"  # structured professional judgement


class Side(StrEnum):
    VICTIM = "victim"
    PERPETRATOR = "perpetrator"


class InstrumentFileError(Exception):
    """An instrument file is unreadable or breaks the structure rules."""

    def __init__(self, path: Path, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


@dataclass(frozen=True, slots=True)
class Option:
    key: str
    label: str


@dataclass(frozen=True, slots=True)
class Section:
    key: str
    label: str


@dataclass(frozen=True, slots=True)
class ItemDefinition:
    key: str
    answer_type: AnswerType
    required: bool
    section: str | None = None
    # A neutral topic label, never the question. Licensed items normally have none.
    label: str | None = None
    options: tuple[Option, ...] = ()
    # Question wording and help: only openly worded (unlicensed) instruments carry these.
    text: str | None = None
    help: str | None = None

    @property
    def allowed_values(self) -> tuple[str, ...] | None:
        """The accepted answer values, or None for free text."""
        match self.answer_type:
            case AnswerType.YES_NO_UNKNOWN:
                return tuple(YesNoUnknown)
            case AnswerType.RATING:
                return tuple(Rating)
            case AnswerType.CHOICE:
                return tuple(option.key for option in self.options)
            case AnswerType.TEXT:
                return None

    def answer_label(self, value: str) -> str:
        """Display label of an answer value (choice option label, "Not known", ...)."""
        for option in self.options:
            if option.key == value:
                return option.label
        return ANSWER_LABELS.get(value, value)

    @property
    def display_name(self) -> str:
        return self.label or self.key


@dataclass(frozen=True, slots=True)
class Condition:
    key: str
    label: str


@dataclass(frozen=True, slots=True)
class AppliesWhen:
    """When the instrument should be completed (documentation plus checkable conditions)."""

    note: str
    match: str  # "any" or "all"
    conditions: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class Band:
    min: int
    level: Level
    label: str | None = None


@dataclass(frozen=True, slots=True)
class Uplift:
    """Raises the band to ``level`` when the count is at least ``min_count`` and any of
    ``any_yes`` is answered yes (FOUR: all four core items plus escalation or fear)."""

    min_count: int
    any_yes: tuple[str, ...]
    level: Level
    label: str


@dataclass(frozen=True, slots=True)
class CountBandsRule:
    """Count of "yes" over ``count_items``, mapped to a level by ``bands``."""

    count_items: tuple[str, ...]
    bands: tuple[Band, ...]
    uplifts: tuple[Uplift, ...] = ()
    # Computed levels that professional judgement may never lower (DASH: high, 14+).
    no_downgrade_from: frozenset[Level] = frozenset()


@dataclass(frozen=True, slots=True)
class CountOnlyRule:
    """Count of "yes" with no cut-off: the level is the assessor's judgement (S-DASH)."""

    count_items: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SpjRule:
    """Structured professional judgement: no total; ratings of ``rated_items`` suggest a level."""

    rated_items: tuple[str, ...]


type ScoringRule = CountBandsRule | CountOnlyRule | SpjRule


@dataclass(frozen=True, slots=True)
class InstrumentDefinition:
    key: str
    name: str
    version: str
    kind: Kind
    side: Side
    licensed: bool
    requires_trained_assessor: bool
    items: tuple[ItemDefinition, ...]
    scoring: ScoringRule
    # sha256 of the canonical JSON of the file: changes whenever the content does.
    checksum: str
    sections: tuple[Section, ...] = ()
    description: str = ""
    applies_when: AppliesWhen | None = None
    source: Path | None = field(default=None, compare=False)

    def item(self, key: str) -> ItemDefinition:
        """The item with this key; KeyError if there is none."""
        for item in self.items:
            if item.key == key:
                return item
        raise KeyError(key)

    @property
    def item_keys(self) -> tuple[str, ...]:
        return tuple(item.key for item in self.items)

    @property
    def has_band(self) -> bool:
        """Whether the computed result carries a count-based band."""
        return isinstance(self.scoring, CountBandsRule)


def load_instruments(directory: Path | None = None) -> dict[str, InstrumentDefinition]:
    """Load and validate every ``*.json`` instrument file, keyed by instrument key.

    Raises InstrumentFileError naming the file and the problem.
    """
    directory = INSTRUMENTS_DIR if directory is None else directory
    if not directory.is_dir():
        raise InstrumentFileError(directory, "instrument directory does not exist")
    definitions: dict[str, InstrumentDefinition] = {}
    for path in sorted(directory.glob("*.json")):
        definition = load_instrument(path)
        definitions[definition.key] = definition
    return definitions


def load_instrument(path: Path) -> InstrumentDefinition:
    """Load and validate one instrument file. Raises InstrumentFileError."""
    # parsing.py builds this module's types, so it is imported on use to keep imports acyclic.
    from risk.parsing import parse_definition

    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InstrumentFileError(path, f"cannot read file ({exc.strerror})") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InstrumentFileError(path, f"not valid JSON ({exc})") from exc
    definition = parse_definition(raw, path)
    if definition.key != path.stem:
        raise InstrumentFileError(
            path, f"instrument key {definition.key!r} must match the file name {path.stem!r}"
        )
    return definition

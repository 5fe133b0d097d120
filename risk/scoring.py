"""Compute an instrument's result from answers, and decide the final level.

Pure functions over ``InstrumentDefinition``; the service layer stores what they return.
Rules (docs/risk-instruments.md):
- count tools (DASH, FOUR) compute a band from the count of "yes"; judgement may raise it, or
  lower it with a reason, but never lower a band listed in ``no_downgrade_from`` (DASH 14+).
- S-DASH counts "yes" with no cut-off: the assessor sets the level and gives a reason.
- SPJ tools (SRP, SAM) have no total: the highest rating suggests a level, the assessor sets
  it, with a reason when it differs from the suggestion.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field

from risk.definitions import (
    AnswerType,
    Band,
    CountBandsRule,
    CountOnlyRule,
    InstrumentDefinition,
    Level,
    Rating,
    SpjRule,
    YesNoUnknown,
)


class InvalidAnswers(ValueError):
    """The answers do not fit the instrument; ``errors`` lists every problem."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


class JudgementRefused(Exception):
    """The assessor's final level breaks a judgement rule (no-downgrade, missing reason...)."""


@dataclass(frozen=True, slots=True)
class ComputedResult:
    instrument: str
    version: str
    # Count tools: the number of "yes" (and "not known") over the counted items; None for SPJ.
    yes_count: int | None
    unknown_count: int | None
    counted: int | None
    # The count-based band; None for SPJ tools and for S-DASH (no cut-off).
    band: Level | None
    band_rule: str | None  # e.g. "14+" or "4 core yes with escalation or fear"
    # SPJ: rating per rated item (domain or summary judgement), and choice answers.
    ratings: dict[str, str] = field(default_factory=dict)
    choices: dict[str, str] = field(default_factory=dict)
    # A helpful default for the assessor: the band, or the highest SPJ rating's level.
    suggested_level: Level | None = None
    summary: str = ""

    def as_dict(self) -> dict[str, object]:
        """JSON-ready form for storing with the assessment."""
        return {
            "instrument": self.instrument,
            "version": self.version,
            "yes_count": self.yes_count,
            "unknown_count": self.unknown_count,
            "counted": self.counted,
            "band": self.band.value if self.band else None,
            "band_rule": self.band_rule,
            "ratings": dict(self.ratings),
            "choices": dict(self.choices),
            "suggested_level": self.suggested_level.value if self.suggested_level else None,
            "summary": self.summary,
        }


def validate_answers(defn: InstrumentDefinition, answers: Mapping[str, str]) -> list[str]:
    """Every problem with ``answers``: unknown keys, missing required items, bad values.

    Messages name item keys and allowed values, never the submitted value (it may hold
    personal data).
    """
    errors: list[str] = []
    known = set(defn.item_keys)
    unknown = sorted(key for key in answers if key not in known)
    if unknown:
        errors.append(f"Unknown item key(s) for {defn.name}: {', '.join(unknown)}")
    for item in defn.items:
        value = answers.get(item.key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if item.required:
                errors.append(f"{item.key}: an answer is required")
            continue
        if not isinstance(value, str):
            errors.append(f"{item.key}: the answer must be text")
            continue
        allowed = item.allowed_values
        if allowed is not None and value not in allowed:
            errors.append(f"{item.key}: the answer must be one of {', '.join(allowed)}")
    return errors


def compute_result(defn: InstrumentDefinition, answers: Mapping[str, str]) -> ComputedResult:
    """The instrument's computed result. Raises InvalidAnswers if ``validate_answers`` fails."""
    errors = validate_answers(defn, answers)
    if errors:
        raise InvalidAnswers(errors)
    match defn.scoring:
        case CountBandsRule() as rule:
            return _count_bands_result(defn, rule, answers)
        case CountOnlyRule() as rule:
            yes, unknown = _count(rule.count_items, answers)
            return ComputedResult(
                instrument=defn.key,
                version=defn.version,
                yes_count=yes,
                unknown_count=unknown,
                counted=len(rule.count_items),
                band=None,
                band_rule=None,
                summary=(
                    f"{_count_text(yes, unknown, len(rule.count_items))} — no cut-off: "
                    "the assessor sets the level"
                ),
            )
        case SpjRule() as rule:
            return _spj_result(defn, rule, answers)


def decide_final_level(
    defn: InstrumentDefinition,
    computed: ComputedResult,
    assessor_level: Level | str | None,
    reason: str = "",
) -> Level:
    """The assessment's final level on the standard / medium / high scale.

    Count tools: the band unless the assessor sets another level with a reason; lowering a
    band in ``no_downgrade_from`` (DASH 14+ = high) is refused. No-band tools (S-DASH, SRP,
    SAM): the assessor must set the level; S-DASH always needs a reason, SPJ tools when the
    level differs from the suggested one. Raises JudgementRefused.
    """
    if computed.instrument != defn.key or computed.version != defn.version:
        raise ValueError("The computed result belongs to another instrument or version")
    level = Level(assessor_level) if assessor_level else None
    has_reason = bool(reason and reason.strip())
    rule = defn.scoring

    if isinstance(rule, CountBandsRule):
        band = computed.band
        assert band is not None  # a count-bands result always has a band
        if level is None or level is band:
            return band
        if level.rank < band.rank and band in rule.no_downgrade_from:
            raise JudgementRefused(
                f"{defn.name} computed {band.value} ({computed.band_rule}): professional "
                f"judgement may raise a count-based {band.value} but never lower it"
            )
        if not has_reason:
            direction = "raising" if level.rank > band.rank else "lowering"
            raise JudgementRefused(
                f"A reason is required for {direction} the level from the computed "
                f"{band.value} to {level.value}"
            )
        return level

    if level is None:
        suggestion = (
            f" (the ratings suggest {computed.suggested_level.value})"
            if computed.suggested_level
            else ""
        )
        raise JudgementRefused(
            f"{defn.name} has no score cut-off: the assessor must set the final level{suggestion}"
        )
    if isinstance(rule, CountOnlyRule) and not has_reason:
        raise JudgementRefused(
            f"{defn.name} has no score cut-off: a reason is required for the assessor's level"
        )
    if computed.suggested_level not in (None, level) and not has_reason:
        assert computed.suggested_level is not None
        raise JudgementRefused(
            f"A reason is required when the final level ({level.value}) differs from the "
            f"level the ratings suggest ({computed.suggested_level.value})"
        )
    return level


def applies(defn: InstrumentDefinition, facts: Mapping[str, bool]) -> bool:
    """Whether the instrument's ``applies_when`` conditions hold (True if it has none).

    ``facts`` maps condition keys (e.g. S-DASH ``two_or_more_incidents``) to whether they hold;
    a missing key counts as not holding. Raises ValueError for a key the instrument lacks.
    """
    if defn.applies_when is None:
        return True
    keys = {condition.key for condition in defn.applies_when.conditions}
    unknown = sorted(set(facts) - keys)
    if unknown:
        raise ValueError(f"Unknown condition(s) for {defn.name}: {', '.join(unknown)}")
    held = [facts.get(key, False) for key in keys]
    return any(held) if defn.applies_when.match == "any" else all(held)


def band_range(bands: tuple[Band, ...], index: int) -> str:
    """The count range of ``bands[index]``: "under 10", "10-13", "14+"."""
    low = bands[index].min
    if index + 1 == len(bands):
        return f"{low}+"
    high = bands[index + 1].min - 1
    if low == 0 and high > 0:
        return f"under {high + 1}"
    return str(low) if low == high else f"{low}-{high}"


def _count(keys: tuple[str, ...], answers: Mapping[str, str]) -> tuple[int, int]:
    yes = sum(1 for key in keys if answers.get(key) == YesNoUnknown.YES)
    unknown = sum(1 for key in keys if answers.get(key) == YesNoUnknown.UNKNOWN)
    return yes, unknown


def _count_text(yes: int, unknown: int, counted: int) -> str:
    text = f"{yes} of {counted} yes"
    return f"{text} ({unknown} not known)" if unknown else text


def _count_bands_result(
    defn: InstrumentDefinition, rule: CountBandsRule, answers: Mapping[str, str]
) -> ComputedResult:
    yes, unknown = _count(rule.count_items, answers)
    index = max(i for i, band in enumerate(rule.bands) if band.min <= yes)
    band = rule.bands[index]
    level = band.level
    band_rule = band_range(rule.bands, index)
    if band.label:
        band_rule = f"{band_rule}: {band.label}"
    for uplift in rule.uplifts:
        triggered = yes >= uplift.min_count and any(
            answers.get(key) == YesNoUnknown.YES for key in uplift.any_yes
        )
        if triggered and uplift.level.rank > level.rank:
            level = uplift.level
            band_rule = uplift.label
    return ComputedResult(
        instrument=defn.key,
        version=defn.version,
        yes_count=yes,
        unknown_count=unknown,
        counted=len(rule.count_items),
        band=level,
        band_rule=band_rule,
        suggested_level=level,
        summary=f"{_count_text(yes, unknown, len(rule.count_items))} — {level.value} ({band_rule})",
    )


def _spj_result(
    defn: InstrumentDefinition, rule: SpjRule, answers: Mapping[str, str]
) -> ComputedResult:
    ratings = {key: answers[key] for key in rule.rated_items if key in answers}
    choices = {
        item.key: answers[item.key]
        for item in defn.items
        if item.answer_type is AnswerType.CHOICE and answers.get(item.key)
    }
    levels = [Rating(value).level for value in ratings.values()]
    suggested = max(levels, key=lambda level: level.rank) if levels else None
    parts = [
        f"{defn.item(k).display_name}: {defn.item(k).answer_label(v)}" for k, v in choices.items()
    ]
    parts += [f"{defn.item(k).display_name} {v}" for k, v in ratings.items()]
    suggestion = f"suggested {suggested.value} (highest rating)" if suggested else "no ratings"
    return ComputedResult(
        instrument=defn.key,
        version=defn.version,
        yes_count=None,
        unknown_count=None,
        counted=None,
        band=None,
        band_rule=None,
        ratings=ratings,
        choices=choices,
        suggested_level=suggested,
        summary=f"{'; '.join(parts)} — {suggestion}; no total score",
    )

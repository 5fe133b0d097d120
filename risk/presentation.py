"""Stored results and answers turned into what the pages show (labels, not keys)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from risk.definitions import ANSWER_LABELS, AnswerType, InstrumentDefinition, Kind
from risk.wording import LocalWording, display_text, structure_label

LEVEL_LABELS = {"standard": "Standard", "medium": "Medium", "high": "High"}


@dataclass(frozen=True)
class ResultView:
    kind: str
    summary: str
    yes_count: int | None
    unknown_count: int | None
    counted: int | None
    band: str | None
    band_rule: str | None
    suggested_level: str | None
    # (item label, answer label): the stalker type and the like.
    choices: list[tuple[str, str]] = field(default_factory=list)
    # (item label, rating key, rating label): the SPJ domain ratings or summary judgements.
    ratings: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def is_spj(self) -> bool:
        return self.kind == Kind.SPJ


def result_view(definition: InstrumentDefinition, result: Mapping[str, Any]) -> ResultView:
    """A stored ``ComputedResult.as_dict()`` with item and rating labels (keys it no longer
    knows, after a structure change, are shown as keys)."""
    known = set(definition.item_keys)

    def label(key: str) -> str:
        return definition.item(key).display_name if key in known else key

    def answer(key: str, value: str) -> str:
        return definition.item(key).answer_label(value) if key in known else value

    return ResultView(
        kind=definition.kind.value,
        summary=str(result.get("summary", "")),
        yes_count=result.get("yes_count"),
        unknown_count=result.get("unknown_count"),
        counted=result.get("counted"),
        band=result.get("band"),
        band_rule=result.get("band_rule"),
        suggested_level=result.get("suggested_level"),
        choices=[(label(k), answer(k, v)) for k, v in dict(result.get("choices", {})).items()],
        ratings=[
            (label(k), v, ANSWER_LABELS.get(v, v))
            for k, v in dict(result.get("ratings", {})).items()
        ],
    )


@dataclass(frozen=True)
class AnsweredItem:
    key: str
    question: str
    answer: str
    is_text: bool


@dataclass(frozen=True)
class AnsweredGroup:
    heading: str
    items: list[AnsweredItem]


def answered_groups(
    definition: InstrumentDefinition, wording: LocalWording, answers: Mapping[str, str]
) -> list[AnsweredGroup]:
    """The answers in the instrument's order, grouped by section, with the force's wording."""
    labels = {section.key: section.label for section in definition.sections}
    groups: list[tuple[str, AnsweredGroup]] = []
    for item in definition.items:
        section = item.section or ""
        if not groups or groups[-1][0] != section:
            heading = wording.sections.get(section) or labels.get(section, "")
            groups.append((section, AnsweredGroup(heading=heading, items=[])))
        value = answers.get(item.key, "")
        own = wording.items.get(item.key)
        if own and value in own.options:
            shown = own.options[value]
        elif value:
            shown = item.answer_label(value)
        else:
            shown = "Not answered"
        groups[-1][1].items.append(
            AnsweredItem(
                key=item.key,
                question=(
                    display_text(item, wording.items)
                    if item.key in wording.items or item.text
                    else f"{structure_label(definition, item)} ({item.key})"
                ),
                answer=shown,
                is_text=item.answer_type is AnswerType.TEXT,
            )
        )
    return [group for _, group in groups]

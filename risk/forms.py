"""The assessment form, generated from the instrument's structure, and the judgement form."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django import forms

from cases.models import RiskLevel
from foundation.lib.dates import scheduled_date_field
from risk.definitions import (
    ANSWER_LABELS,
    AnswerType,
    InstrumentDefinition,
    ItemDefinition,
    Rating,
    YesNoUnknown,
)
from risk.wording import ItemWording, display_text, structure_label, where_wording_goes

TEXT_ANSWER_MAX = 5000


@dataclass(frozen=True)
class FieldGroup:
    """One section of the form: its heading and its fields, in the instrument's order."""

    key: str
    heading: str
    fields: list[forms.BoundField]


class AnswersForm(forms.Form):
    """One field per item: yes / no / not known and ratings as radios, choices as a select,
    text as a text area. Labels are the force's wording, or the key and where wording comes
    from (wording.display_text)."""

    def __init__(
        self,
        definition: InstrumentDefinition,
        wording: Mapping[str, ItemWording],
        section_headings: Mapping[str, str],
        *args: Any,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("prefix", "item")
        super().__init__(*args, **kwargs)
        self.definition = definition
        self.section_headings = section_headings
        for item in definition.items:
            self.fields[item.key] = _field_for(definition, item, wording)
        # Items shown by their structure alone (no local wording for them yet).
        self.unworded = [item.key for item in definition.items if item.key not in wording]

    def answers(self) -> dict[str, str]:
        """The cleaned answers, without unanswered optional items."""
        return {key: value for key, value in self.cleaned_data.items() if value}

    def groups(self) -> list[FieldGroup]:
        labels = {section.key: section.label for section in self.definition.sections}
        groups: list[FieldGroup] = []
        for item in self.definition.items:
            key = item.section or ""
            if not groups or groups[-1].key != key:
                heading = self.section_headings.get(key) or labels.get(key, "")
                groups.append(FieldGroup(key=key, heading=heading, fields=[]))
            groups[-1].fields.append(self[item.key])
        return groups


def _field_for(
    definition: InstrumentDefinition, item: ItemDefinition, wording: Mapping[str, ItemWording]
) -> forms.Field:
    own = wording.get(item.key)
    if own is not None or item.text:
        label, help_text = display_text(item, wording), own.help if own and own.help else ""
    else:
        # Licensed wording not loaded: number, domain and answer type, and where it goes.
        label = f"{structure_label(definition, item)} ({item.key})"
        help_text = where_wording_goes(definition, item)
    common: dict[str, Any] = {"label": label, "required": item.required, "help_text": help_text}
    match item.answer_type:
        case AnswerType.YES_NO_UNKNOWN:
            choices = [(value.value, ANSWER_LABELS[value]) for value in YesNoUnknown]
            return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
        case AnswerType.RATING:
            choices = [(value.value, ANSWER_LABELS[value]) for value in Rating]
            return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
        case AnswerType.CHOICE:
            options = own.options if own else {}
            choices = [("", "Choose…")] + [
                (option.key, options.get(option.key, option.label)) for option in item.options
            ]
            return forms.ChoiceField(choices=choices, **common)
        case AnswerType.TEXT:
            return forms.CharField(
                widget=forms.Textarea(attrs={"rows": 3}), max_length=TEXT_ANSWER_MAX, **common
            )


class JudgementForm(forms.Form):
    """The assessor's decision. The level rules are the service's (scoring.decide_final_level)."""

    final_level = forms.ChoiceField(
        label="Final level",
        choices=RiskLevel.choices,
        widget=forms.RadioSelect,
        required=False,
        help_text=(
            "Leave it unset to keep a computed band. Screening with no cut-off and structured "
            "professional judgement tools need your level."
        ),
    )
    reason = forms.CharField(
        label="Reason for the final level",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=TEXT_ANSWER_MAX,
        help_text="Required when your level differs from the computed or suggested one.",
    )
    rationale = forms.CharField(
        label="Rationale",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=TEXT_ANSWER_MAX,
        help_text="What the assessment rests on, for whoever reads it next.",
    )
    plan_note = forms.CharField(
        label="Risk management and safety plan",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=TEXT_ANSWER_MAX,
        help_text="The actions that manage this risk, or where the safety plan is recorded.",
    )
    # After today and at most five years ahead (docs/risk-instruments.md).
    review_date = scheduled_date_field(
        label="Review date",
        earliest="tomorrow",
        error_messages={"date_too_early": "The review date must be in the future."},
        help_text="When the risk must be assessed again. A reminder goes out on the day.",
    )

    def __init__(self, *args: Any, reason_always: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if reason_always:
            # A tool with no cut-off has no computed level to differ from: the assessor's
            # level always needs its reason (docs/risk-instruments.md).
            self.fields["reason"].label = "Reason for the final level (required)"
            self.fields[
                "reason"
            ].help_text = (
                "Required for this tool: it has no score cut-off, so say why you chose the level."
            )

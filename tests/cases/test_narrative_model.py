"""The narrative model (docs/signals.md, "The model"): it ships trained and regenerates to the
same file, decides with the phrases' reading, names a behaviour family and never a quote, and
is trained on the development splits only."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cases.models import IndicatorPhrase, LogSignal, SignalKind
from cases.signals import evaluate_logs, training
from cases.signals.model import (
    COUNTED,
    EMPTY_MODEL,
    EXCLUDED,
    MODEL_PATH,
    NEGATED,
    Example,
    NarrativeModel,
    fit,
    load_model,
    stem,
)
from cases.signals.narrative import NarrativeRule
from cases.signals.rules import RuleSet, narrative_rows
from tests.factories import CrimeLogFactory

from .test_narrative_rule import NOW

CORPUS = Path(__file__).resolve().parent.parent / "data" / "signal_corpus"


def test_stems_fold_word_endings() -> None:
    assert {stem(word) for word in ("followed", "follows", "following", "follow")} == {"follow"}
    assert stem("texting") == stem("texted") == stem("texts") == "text"
    assert stem("12") == "#"
    assert stem(".") == "<s>"
    assert stem(",") == ""


@pytest.mark.django_db
def test_the_shipped_model_is_what_the_corpus_and_seeded_phrases_train(tmp_path: Path) -> None:
    """Deterministic: training again writes the committed file byte for byte."""
    output = tmp_path / "model.json"
    call_command("train_signal_model", output=output)
    assert output.read_text(encoding="utf-8") == MODEL_PATH.read_text(encoding="utf-8")
    call_command("train_signal_model", check=True)
    output.write_text("{}", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("train_signal_model", check=True, output=output)


def test_training_never_reads_the_held_out_split() -> None:
    names = [path.stem for path in training.corpus_files(CORPUS)]
    assert "heldout" not in names
    assert {"dev", "dev_extra", "dev_more", "dev_model", "dev_boilerplate"} <= set(names)
    model = load_model()
    assert model is not None
    assert "heldout" not in model.trained_on
    rule = NarrativeRule.build([], EMPTY_MODEL)
    with pytest.raises(ValueError, match="held-out"):
        training.examples(rule, [CORPUS / "heldout.jsonl"])


def _rule_score(model: NarrativeModel, rule: NarrativeRule, text: str) -> tuple[float, float]:
    """The phrases' part of the score as the runtime computes it and as training names it."""
    words = text.lower()
    _, features = rule.features(words)
    found = rule._phrases(rule._split(words)[0])
    return found.judge(model)[0], model.rule_score(features)


@pytest.mark.django_db
def test_the_runtime_score_is_the_trained_features_score() -> None:
    """`read` sums weights without naming features; it must agree with what training saw."""
    rule = RuleSet.load().narrative
    model = rule.model
    assert model is not None
    with open(CORPUS / "dev_model.jsonl", encoding="utf-8") as lines:
        rows = [json.loads(line) for line in lines]
    for row in rows[:200]:
        fast, named = _rule_score(model, rule, row["text"])
        assert fast == pytest.approx(named), row["id"]
        sequence, features = rule.features(row["text"].lower())
        _, word_score, _ = rule._split(row["text"].lower())
        full = model.score(sequence, features)
        assert word_score + fast == pytest.approx(full), row["id"]
        flagged = bool(rule.read(row["text"].lower()).behaviours)
        assert flagged == (full > model.threshold), row["id"]


def _example(text: str, stalking: bool, rule_features: list[str] | None = None) -> Example:
    from cases.signals.model import stems
    from cases.signals.words import split_words

    return Example(stalking, "following" if stalking else "police_action",
                   stems(split_words(text.lower())), rule_features or [])  # fmt: skip


def test_fit_learns_words_and_the_phrases_reading_deterministically() -> None:
    examples = [
        _example("he keeps following her home", True, [COUNTED]),
        _example("her ex keeps following her", True, [COUNTED]),
        _example("ex keeps texting her after she blocked him", True, []),
        _example("officers followed the van", False, [COUNTED, EXCLUDED]),
        _example("he has not followed her", False, [NEGATED]),
        _example("burglary at the shop", False, []),
    ] * 3
    first = fit(examples, rounds=200, min_count=1)
    second = fit(examples, rounds=200, min_count=1)
    assert first.to_json() == second.to_json()
    assert first.words["keep"] > 0 > first.words["officer"]
    assert first.rule[EXCLUDED] < 0 < first.rule[COUNTED]
    assert NarrativeModel.from_json(first.to_json()).to_json() == first.to_json()


@pytest.mark.django_db
def test_the_model_flags_everyday_wording_the_phrases_miss_and_names_a_family() -> None:
    text = (
        "Caller says the man she dated once keeps appearing near her gym, her work and her "
        "bus stop, and has done so for weeks."
    )
    rule = RuleSet.load().narrative
    reading = rule.read(text.lower())
    assert reading.behaviours
    log = CrimeLogFactory(offence_code="195/94", narrative=text)
    evaluate_logs(log_ids=[log.pk], now=NOW)
    reason = LogSignal.objects.get(log=log, kind=SignalKind.STALKING_INDICATORS).reason
    assert reason.startswith("Narrative describes ")
    assert reason.endswith("but the log is not recorded as stalking")
    for word in ("gym", "bus stop", "dated"):  # the reason never quotes the narrative
        assert word not in reason


@pytest.mark.django_db
def test_an_admin_exclusion_still_cancels_through_the_model() -> None:
    """The phrases are the model's input: a new innocent context lowers the score of the
    narratives it is found in, and can unflag one."""
    text = "IP states the allotment committee keeps texting her about her plot again and again."
    before = RuleSet.load().narrative
    assert before.model is not None
    words = text.lower()
    found_before = before._phrases(before._split(words)[0]).judge(before.model)[0]
    IndicatorPhrase.objects.create(phrase="allotment", kind="exclusion", behaviour="")
    after = RuleSet.load().narrative
    assert after.model is not None
    found_after = after._phrases(after._split(words)[0]).judge(after.model)[0]
    # The innocent context's weight, and the behaviours it cancelled no longer count.
    assert found_after <= found_before + after.model.rule[EXCLUDED] + 1e-9


@pytest.mark.django_db
def test_violence_is_read_in_every_narrative_with_the_model() -> None:
    """A course of conduct's risk needs the threats of logs the model does not flag."""
    rule = RuleSet.load().narrative
    assert rule.model is not None
    reading = rule.read("burglary at the shop. the suspect had a knife.")
    assert not reading.behaviours
    assert reading.threats
    assert rule.read("he threatened to kill her and keeps following her home").threats


@pytest.mark.django_db
def test_without_the_model_file_the_phrases_decide(tmp_path: Path) -> None:
    assert load_model(tmp_path / "missing.json") is None
    rows = narrative_rows()
    plain = NarrativeRule.build(rows)
    assert plain.model is None
    assert plain.read("ex-partner followed her home from the station.").behaviours

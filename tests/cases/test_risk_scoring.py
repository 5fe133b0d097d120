"""Risk instrument structures, scoring, judgement rules and local wording (pure, no DB)."""

import json
import logging
import shutil
from pathlib import Path
from typing import Any

import pytest

from risk.definitions import (
    INSTRUMENTS_DIR,
    AnswerType,
    InstrumentDefinition,
    InstrumentFileError,
    Kind,
    Level,
    Side,
    load_instrument,
    load_instruments,
)
from risk.scoring import (
    InvalidAnswers,
    JudgementRefused,
    applies,
    compute_result,
    decide_final_level,
    validate_answers,
)
from risk.wording import (
    NO_WORDING_NOTE,
    WordingFileError,
    display_text,
    load_wording,
    missing_wording,
    wording_for,
)

FOUR_CORE = ["four_fixated", "four_obsessive", "four_unwanted", "four_repeated"]


@pytest.fixture(scope="module")
def instruments() -> dict[str, InstrumentDefinition]:
    return load_instruments()


def dash_answers(yes: int, unknown: int = 0) -> dict[str, str]:
    answers = {f"dash_{i:02d}": "no" for i in range(1, 25)}
    for i in range(1, yes + 1):
        answers[f"dash_{i:02d}"] = "yes"
    for i in range(yes + 1, yes + unknown + 1):
        answers[f"dash_{i:02d}"] = "unknown"
    return answers


def four_answers(core_yes: int, **context: str) -> dict[str, str]:
    answers = {key: "yes" if i < core_yes else "no" for i, key in enumerate(FOUR_CORE)}
    answers |= {"four_ex_partner": "no", "four_escalation": "no", "four_fear": "no"}
    answers |= {f"four_{key}": value for key, value in context.items()}
    return answers


def srp_answers(**ratings: str) -> dict[str, str]:
    answers = {"stalker_type": "rejected", "management_recommendations": "Plan text."}
    for domain in ("violence", "persistence", "recurrence", "psychosocial_damage"):
        answers[domain] = ratings.get(domain, "low")
        answers[f"{domain}_rationale"] = "Rationale text."
    return answers


def sam_answers(**judgements: str) -> dict[str, str]:
    answers = {
        f"sam_{section}_{i:02d}": "no" for section in ("ns", "pr", "vv") for i in range(1, 11)
    }
    for key in ("case_prioritisation", "continued_stalking", "violence"):
        answers[key] = judgements.get(key, "low")
    answers["rationale"] = "Rationale text."
    return answers


# -- the shipped structures -----------------------------------------------------------------


def test_shipped_instruments_have_the_documented_structure(instruments):
    assert set(instruments) == {"four", "sdash", "dash", "srp", "sam"}
    assert instruments["sdash"].item_keys == tuple(f"sdash_{i:02d}" for i in range(1, 12))
    assert instruments["dash"].item_keys == tuple(f"dash_{i:02d}" for i in range(1, 25))
    assert instruments["four"].item_keys == (
        *FOUR_CORE,
        "four_ex_partner",
        "four_escalation",
        "four_fear",
    )
    assert set(instruments["srp"].item_keys) == {
        "stalker_type",
        "violence",
        "violence_rationale",
        "persistence",
        "persistence_rationale",
        "recurrence",
        "recurrence_rationale",
        "psychosocial_damage",
        "psychosocial_damage_rationale",
        "management_recommendations",
    }
    sam = instruments["sam"]
    for section in (
        "nature_of_stalking",
        "perpetrator_risk_factors",
        "victim_vulnerability_factors",
    ):
        assert len([item for item in sam.items if item.section == section]) == 10
    assert {i.key for i in sam.items if i.answer_type is AnswerType.RATING} == {
        "case_prioritisation",
        "continued_stalking",
        "violence",
    }


def test_kinds_sides_licences_and_trained_assessor_flag(instruments):
    summary = {
        key: (d.kind, d.side, d.licensed, d.requires_trained_assessor)
        for key, d in instruments.items()
    }
    assert summary == {
        "four": (Kind.SCREENING, Side.VICTIM, False, False),
        "sdash": (Kind.CHECKLIST, Side.VICTIM, True, False),
        "dash": (Kind.CHECKLIST, Side.VICTIM, True, False),
        "srp": (Kind.SPJ, Side.PERPETRATOR, True, True),
        "sam": (Kind.SPJ, Side.PERPETRATOR, True, False),
    }


def test_licensed_instruments_carry_no_wording_and_four_carries_its_own(instruments):
    for definition in instruments.values():
        for item in definition.items:
            if definition.licensed:
                assert item.text is None
                assert item.help is None
            else:
                assert item.text
    numbered = ("sdash", "dash")
    assert all(item.label is None for key in numbered for item in instruments[key].items)


def test_checksum_is_sha256_of_content_not_layout(tmp_path, instruments):
    raw = json.loads((INSTRUMENTS_DIR / "dash.json").read_text())
    (tmp_path / "dash.json").write_text(json.dumps(raw, separators=(",", ":")))
    reformatted = load_instrument(tmp_path / "dash.json")
    assert reformatted.checksum == instruments["dash"].checksum
    assert len(reformatted.checksum) == 64

    raw["version"] = "2"
    (tmp_path / "dash.json").write_text(json.dumps(raw))
    assert load_instrument(tmp_path / "dash.json").checksum != instruments["dash"].checksum


# -- DASH: count with bands, no downgrade of a count-based high ------------------------------


@pytest.mark.parametrize(
    ("yes", "level"),
    [
        (0, Level.STANDARD),
        (9, Level.STANDARD),
        (10, Level.MEDIUM),
        (13, Level.MEDIUM),
        (14, Level.HIGH),
        (24, Level.HIGH),
    ],
)
def test_dash_band_boundaries(instruments, yes, level):
    result = compute_result(instruments["dash"], dash_answers(yes))
    assert result.yes_count == yes
    assert result.counted == 24
    assert result.band is level
    assert result.suggested_level is level


def test_dash_summary_reads_count_band_and_threshold(instruments):
    assert compute_result(instruments["dash"], dash_answers(14)).summary == (
        "14 of 24 yes — high (14+)"
    )
    assert compute_result(instruments["dash"], dash_answers(9)).summary == (
        "9 of 24 yes — standard (under 10)"
    )


def test_dash_not_known_answers_are_not_counted_as_yes(instruments):
    result = compute_result(instruments["dash"], dash_answers(13, unknown=5))
    assert result.yes_count == 13
    assert result.unknown_count == 5
    assert result.band is Level.MEDIUM
    assert result.summary == "13 of 24 yes (5 not known) — medium (10-13)"


@pytest.mark.parametrize("lower", [Level.MEDIUM, Level.STANDARD])
def test_judgement_may_not_lower_a_count_based_high(instruments, lower):
    dash = instruments["dash"]
    result = compute_result(dash, dash_answers(14))
    with pytest.raises(JudgementRefused, match="never lower"):
        decide_final_level(dash, result, lower, "Victim now lives elsewhere")


def test_count_based_high_stands_without_assessor_level(instruments):
    dash = instruments["dash"]
    result = compute_result(dash, dash_answers(15))
    assert decide_final_level(dash, result, None, "") is Level.HIGH
    assert decide_final_level(dash, result, Level.HIGH, "") is Level.HIGH


def test_lowering_medium_needs_a_reason(instruments):
    dash = instruments["dash"]
    result = compute_result(dash, dash_answers(10))
    with pytest.raises(JudgementRefused, match="reason is required for lowering"):
        decide_final_level(dash, result, Level.STANDARD, "  ")
    assert (
        decide_final_level(dash, result, Level.STANDARD, "Answers overstated; checked with OIC")
        is Level.STANDARD
    )


def test_raising_needs_a_reason(instruments):
    dash = instruments["dash"]
    result = compute_result(dash, dash_answers(3))
    with pytest.raises(JudgementRefused, match="reason is required for raising"):
        decide_final_level(dash, result, Level.HIGH, "")
    assert decide_final_level(dash, result, "high", "Recent threat to kill") is Level.HIGH


# -- S-DASH: count, no cut-off, the assessor decides -----------------------------------------


def test_sdash_counts_yes_without_a_band(instruments):
    sdash = instruments["sdash"]
    answers = {key: "yes" if i < 7 else "no" for i, key in enumerate(sdash.item_keys)}
    result = compute_result(sdash, answers)
    assert result.yes_count == 7
    assert result.counted == 11
    assert result.band is None
    assert result.suggested_level is None
    assert result.summary == "7 of 11 yes — no cut-off: the assessor sets the level"


def test_sdash_needs_an_assessor_level_with_reason(instruments):
    sdash = instruments["sdash"]
    result = compute_result(sdash, dict.fromkeys(sdash.item_keys, "yes"))
    with pytest.raises(JudgementRefused, match="must set the final level"):
        decide_final_level(sdash, result, None, "Many risk factors")
    with pytest.raises(JudgementRefused, match="reason is required"):
        decide_final_level(sdash, result, Level.HIGH, "")
    assert decide_final_level(sdash, result, Level.HIGH, "Many risk factors") is Level.HIGH


def test_sdash_applies_after_two_incidents_or_when_very_frightened(instruments):
    sdash = instruments["sdash"]
    assert applies(sdash, {"two_or_more_incidents": True})
    assert applies(sdash, {"victim_very_frightened": True, "two_or_more_incidents": False})
    assert not applies(sdash, {"two_or_more_incidents": False})
    with pytest.raises(ValueError, match="Unknown condition"):
        applies(sdash, {"made_up": True})
    assert applies(instruments["srp"], {})


# -- SRP and SAM: structured professional judgement, no total --------------------------------


def test_srp_has_ratings_per_domain_and_no_total(instruments):
    result = compute_result(
        instruments["srp"], srp_answers(violence="high", persistence="moderate")
    )
    assert result.yes_count is None
    assert result.counted is None
    assert result.band is None
    assert result.ratings == {
        "violence": "high",
        "persistence": "moderate",
        "recurrence": "low",
        "psychosocial_damage": "low",
    }
    assert result.choices == {"stalker_type": "rejected"}
    assert result.suggested_level is Level.HIGH
    assert "no total score" in result.summary
    assert "Stalker type: Rejected" in result.summary


@pytest.mark.parametrize(
    ("ratings", "suggested"),
    [
        ({}, Level.STANDARD),
        ({"recurrence": "moderate"}, Level.MEDIUM),
        ({"psychosocial_damage": "high", "persistence": "moderate"}, Level.HIGH),
    ],
)
def test_srp_suggested_level_is_the_highest_rating(instruments, ratings, suggested):
    assert compute_result(instruments["srp"], srp_answers(**ratings)).suggested_level is suggested


def test_srp_final_level_is_the_assessors(instruments):
    srp = instruments["srp"]
    result = compute_result(srp, srp_answers(persistence="high"))
    with pytest.raises(JudgementRefused, match="assessor must set the final level"):
        decide_final_level(srp, result, None, "")
    assert decide_final_level(srp, result, Level.HIGH, "") is Level.HIGH
    with pytest.raises(JudgementRefused, match="differs from the level the ratings suggest"):
        decide_final_level(srp, result, Level.MEDIUM, "")
    assert decide_final_level(srp, result, Level.MEDIUM, "Persistence only online") is (
        Level.MEDIUM
    )


def test_srp_requires_rationales_and_a_stalker_type(instruments):
    answers = srp_answers()
    del answers["violence_rationale"]
    answers["stalker_type"] = "jealous"
    errors = validate_answers(instruments["srp"], answers)
    assert "violence_rationale: an answer is required" in errors
    assert any(e.startswith("stalker_type: the answer must be one of rejected") for e in errors)


def test_sam_has_summary_judgements_and_no_total(instruments):
    sam = instruments["sam"]
    answers = sam_answers(continued_stalking="moderate")
    answers["sam_pr_03"] = "yes"
    result = compute_result(sam, answers)
    assert result.yes_count is None
    assert result.band is None
    assert result.ratings == {
        "case_prioritisation": "low",
        "continued_stalking": "moderate",
        "violence": "low",
    }
    assert result.suggested_level is Level.MEDIUM
    with pytest.raises(JudgementRefused):
        decide_final_level(sam, result, None, "")
    assert decide_final_level(sam, result, Level.MEDIUM, "") is Level.MEDIUM


# -- FOUR: the hub's own screening ------------------------------------------------------------


@pytest.mark.parametrize(
    ("core_yes", "context", "level"),
    [
        (0, {}, Level.STANDARD),
        (1, {"fear": "yes", "escalation": "yes"}, Level.STANDARD),
        (2, {}, Level.MEDIUM),
        (3, {"fear": "yes"}, Level.MEDIUM),
        (4, {}, Level.MEDIUM),
        (4, {"ex_partner": "yes"}, Level.MEDIUM),
        (4, {"fear": "unknown"}, Level.MEDIUM),
        (4, {"fear": "yes"}, Level.HIGH),
        (4, {"escalation": "yes"}, Level.HIGH),
    ],
)
def test_four_bands(instruments, core_yes, context, level):
    result = compute_result(instruments["four"], four_answers(core_yes, **context))
    assert result.yes_count == core_yes
    assert result.counted == 4
    assert result.band is level


def test_four_summaries_name_the_band(instruments):
    four = instruments["four"]
    assert compute_result(four, four_answers(4)).summary == (
        "4 of 4 yes — medium (4+: stalking indicated)"
    )
    assert compute_result(four, four_answers(4, fear="yes")).summary == (
        "4 of 4 yes — high (stalking indicated with escalation or fear)"
    )
    assert compute_result(four, four_answers(1)).summary == (
        "1 of 4 yes — standard (under 2: stalking not indicated)"
    )


def test_four_high_is_not_lowered_by_judgement(instruments):
    four = instruments["four"]
    result = compute_result(four, four_answers(4, escalation="yes"))
    with pytest.raises(JudgementRefused):
        decide_final_level(four, result, Level.MEDIUM, "Reason")


# -- answer validation -------------------------------------------------------------------------


def test_validation_reports_unknown_missing_and_bad_values(instruments):
    dash = instruments["dash"]
    answers = dash_answers(5)
    answers["dash_99"] = "yes"
    del answers["dash_07"]
    answers["dash_03"] = "maybe"
    errors = validate_answers(dash, answers)
    assert errors == [
        "Unknown item key(s) for DASH risk identification checklist: dash_99",
        "dash_03: the answer must be one of yes, no, unknown",
        "dash_07: an answer is required",
    ]
    assert not any("maybe" in error for error in errors)  # submitted values are never echoed
    with pytest.raises(InvalidAnswers) as excinfo:
        compute_result(dash, answers)
    assert excinfo.value.errors == errors


def test_blank_answer_to_a_required_item_is_missing(instruments):
    answers = srp_answers()
    answers["management_recommendations"] = "   "
    assert validate_answers(instruments["srp"], answers) == [
        "management_recommendations: an answer is required"
    ]


def test_optional_items_may_be_left_out(instruments):
    answers = sam_answers()
    assert "management_recommendations" not in answers
    assert validate_answers(instruments["sam"], answers) == []


def test_result_from_another_instrument_is_rejected(instruments):
    result = compute_result(instruments["dash"], dash_answers(2))
    with pytest.raises(ValueError, match="another instrument"):
        decide_final_level(instruments["sdash"], result, Level.HIGH, "reason")


def test_as_dict_is_json_ready(instruments):
    result = compute_result(instruments["dash"], dash_answers(14))
    data = json.loads(json.dumps(result.as_dict()))
    assert data["band"] == "high"
    assert data["yes_count"] == 14


# -- malformed definition files --------------------------------------------------------------


def write_dash(directory: Path, mutate: Any) -> Path:
    raw = json.loads((INSTRUMENTS_DIR / "dash.json").read_text())
    mutate(raw)
    path = directory / "dash.json"
    path.write_text(json.dumps(raw))
    return path


def _duplicate_item(raw: dict[str, Any]) -> None:
    raw["items"][1]["key"] = "dash_01"


def _bad_answer_type(raw: dict[str, Any]) -> None:
    raw["items"][0]["answer"] = "scale"


def _band_not_from_zero(raw: dict[str, Any]) -> None:
    raw["scoring"]["bands"][0]["min"] = 1


def _bands_descending(raw: dict[str, Any]) -> None:
    raw["scoring"]["bands"][2]["level"] = "standard"


def _unknown_count_item(raw: dict[str, Any]) -> None:
    raw["scoring"]["count_items"] = ["dash_01", "dash_77"]


def _unknown_scoring_type(raw: dict[str, Any]) -> None:
    raw["scoring"]["type"] = "weighted_sum"


def _licensed_wording(raw: dict[str, Any]) -> None:
    raw["items"][0]["text"] = "Placeholder question"


def _spj_kind_with_count(raw: dict[str, Any]) -> None:
    raw["kind"] = "spj"


def _typo_field(raw: dict[str, Any]) -> None:
    raw["items"][0]["requird"] = True


def _wrong_key(raw: dict[str, Any]) -> None:
    raw["key"] = "dash2"


@pytest.mark.parametrize(
    ("mutate", "problem"),
    [
        (_duplicate_item, "duplicate item key 'dash_01'"),
        (_bad_answer_type, "'scale' is not one of yes_no_unknown, choice, rating, text"),
        (_band_not_from_zero, "must start at min 0"),
        (_bands_descending, "may not be lower than the previous band"),
        (_unknown_count_item, "unknown item 'dash_77'"),
        (_unknown_scoring_type, "'weighted_sum' is not one of count_bands"),
        (_licensed_wording, "licensed wording must never be in the repository"),
        (_spj_kind_with_count, "does not fit scoring type"),
        (_typo_field, "unknown field(s): requird"),
        (_wrong_key, "must match the file name"),
    ],
)
def test_malformed_definition_is_rejected_naming_the_file(tmp_path, mutate, problem):
    path = write_dash(tmp_path, mutate)
    with pytest.raises(InstrumentFileError) as excinfo:
        load_instruments(tmp_path)
    assert excinfo.value.path == path
    assert str(excinfo.value).startswith(str(path))
    assert problem in excinfo.value.problem


def test_invalid_json_is_rejected_naming_the_file(tmp_path):
    shutil.copy(INSTRUMENTS_DIR / "four.json", tmp_path)
    (tmp_path / "sam.json").write_text('{"key": "sam",')
    with pytest.raises(InstrumentFileError, match=r"sam\.json: not valid JSON"):
        load_instruments(tmp_path)


# -- local wording ------------------------------------------------------------------------------


def write_wording(directory: Path, key: str, data: dict[str, Any]) -> None:
    (directory / f"{key}.json").write_text(json.dumps(data))


def test_wording_loaded_from_the_force_directory(tmp_path, instruments):
    dash = instruments["dash"]
    write_wording(
        tmp_path,
        "dash",
        {
            "instrument": "dash",
            "version": "1",
            "items": {
                "dash_01": {"text": "Placeholder question one", "help": "Placeholder help"},
                "dash_02": "Placeholder question two",
            },
        },
    )
    wording = wording_for(dash, tmp_path)
    assert wording["dash_01"].text == "Placeholder question one"
    assert wording["dash_01"].help == "Placeholder help"
    assert display_text(dash.item("dash_02"), wording) == "Placeholder question two"
    assert display_text(dash.item("dash_03"), wording) == f"dash_03 — {NO_WORDING_NOTE}"
    assert len(missing_wording(dash, wording)) == 22


def test_absent_wording_shows_keys_and_the_licensed_copy_note(tmp_path, instruments):
    srp = instruments["srp"]
    for directory in (None, tmp_path):
        wording = wording_for(srp, directory)
        assert wording == {}
        assert display_text(srp.item("violence"), wording) == (
            f"Risk of violence (violence) — {NO_WORDING_NOTE}"
        )


def test_four_carries_its_own_wording_which_a_force_may_override(tmp_path, instruments):
    four = instruments["four"]
    assert missing_wording(four, wording_for(four, None)) == []
    assert display_text(four.item("four_repeated"), wording_for(four, None)) == (
        "Has it happened more than once?"
    )
    write_wording(
        tmp_path,
        "four",
        {"instrument": "four", "version": "1", "items": {"four_fear": "Local placeholder"}},
    )
    wording = wording_for(four, tmp_path)
    assert wording["four_fear"].text == "Local placeholder"
    assert wording["four_repeated"].text == "Has it happened more than once?"


def test_wording_with_unknown_keys_is_rejected_listing_them(tmp_path, instruments):
    write_wording(
        tmp_path,
        "sdash",
        {"instrument": "sdash", "version": "1", "items": {"sdash_12": "x", "q1": "y"}},
    )
    with pytest.raises(WordingFileError, match=r"unknown item key\(s\).*: q1, sdash_12") as exc:
        wording_for(instruments["sdash"], tmp_path)
    assert exc.value.path == tmp_path / "sdash.json"


def test_wording_version_mismatch_is_a_warning(tmp_path, instruments, caplog):
    write_wording(
        tmp_path, "dash", {"instrument": "dash", "version": "0", "items": {"dash_01": "x"}}
    )
    loaded = load_wording(instruments["dash"], tmp_path)
    assert len(loaded.warnings) == 1
    assert "version 0" in loaded.warnings[0]
    with caplog.at_level(logging.WARNING, logger="risk.wording"):
        assert wording_for(instruments["dash"], tmp_path)["dash_01"].text == "x"
    assert "check that the item keys still match" in caplog.text


def test_wording_for_choice_options_and_sections(tmp_path, instruments):
    srp = instruments["srp"]
    data: dict[str, Any] = {
        "instrument": "srp",
        "version": "1",
        "sections": {"violence": "Placeholder heading"},
        "items": {"stalker_type": {"text": "Placeholder", "options": {"rejected": "Opt A"}}},
    }
    write_wording(tmp_path, "srp", data)
    loaded = load_wording(srp, tmp_path)
    assert loaded.items["stalker_type"].options == {"rejected": "Opt A"}
    assert loaded.sections == {"violence": "Placeholder heading"}

    data["items"]["stalker_type"]["options"] = {"jealous": "Opt X"}
    write_wording(tmp_path, "srp", data)
    with pytest.raises(WordingFileError, match="unknown option key"):
        load_wording(srp, tmp_path)


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ({"instrument": "sam", "version": "1", "items": {}}, "'instrument' must be 'dash'"),
        ({"instrument": "dash", "items": {"dash_01": {"help": "x"}}}, "needs a non-empty 'text'"),
        ({"instrument": "dash", "items": {}, "wording": {}}, "unknown field(s): wording"),
        (
            {"instrument": "dash", "items": {"dash_01": {"text": "x", "options": {"a": "b"}}}},
            "not a choice item",
        ),
    ],
)
def test_malformed_wording_file_is_rejected(tmp_path, instruments, data, problem):
    write_wording(tmp_path, "dash", data)
    with pytest.raises(WordingFileError) as excinfo:
        load_wording(instruments["dash"], tmp_path)
    assert problem in excinfo.value.problem


def test_missing_wording_directory_is_an_error(tmp_path, instruments):
    with pytest.raises(WordingFileError, match="does not exist"):
        wording_for(instruments["dash"], tmp_path / "nowhere")

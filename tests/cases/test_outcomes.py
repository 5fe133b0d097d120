"""Crime outcomes (docs/log-feed.md, docs/oversight.md): the feed's outcome columns row by row,
an outcome changed by a later import with its history, and the detection state derived for
every outcome type by the one rule in cases/outcomes.py, in Python and in SQL alike."""

from __future__ import annotations

import io
import json
from datetime import UTC, date, datetime

import pytest
from django.core.management import call_command

from cases.feed import ParsedRecord, RowError, iter_feed
from cases.models import Case, CrimeLog
from cases.outcomes import (
    CrimeOutcome,
    DetectionState,
    annotate_case_detection_state,
    case_detection_state,
    log_detection_state,
)
from tests.factories import CaseFactory, CrimeLogFactory

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)

# Written out independently of cases/outcomes.py: the Home Office types and the group each
# belongs to, as docs/oversight.md states them.
EXPECTED_GROUP = {
    "1": "charged",
    "1A": "charged",
    "2": "charged",
    "3": "out_of_court",
    "4": "out_of_court",
    "5": "other",
    "6": "out_of_court",
    "7": "out_of_court",
    "8": "out_of_court",
    "9": "other",
    "10": "other",
    "11": "other",
    "12": "other",
    "13": "other",
    "14": "evidential_unsupportive",
    "15": "evidential_supports",
    "16": "evidential_unsupportive",
    "17": "other",
    "18": "no_suspect",
    "19": "other",
    "20": "other",
    "21": "other",
    "22": "out_of_court",
}


def parse(text: str) -> tuple[list[ParsedRecord], list[RowError]]:
    items = list(iter_feed(io.BytesIO(text.encode()), fmt="csv", default_source="rms", now=NOW))
    return (
        [item for item in items if isinstance(item, ParsedRecord)],
        [item for item in items if isinstance(item, RowError)],
    )


# --- The rule ---------------------------------------------------------------------------------


def test_every_published_outcome_type_is_known():
    assert set(CrimeOutcome.values) == set(EXPECTED_GROUP)


@pytest.mark.parametrize(("outcome", "state"), sorted(EXPECTED_GROUP.items()))
def test_the_detection_state_of_each_outcome_type(outcome, state):
    assert log_detection_state(outcome) == state
    # A case whose only log has this outcome is in the same state.
    assert case_detection_state([outcome]) == state


def test_a_log_without_an_outcome_is_open():
    assert log_detection_state("") == DetectionState.OPEN
    assert case_detection_state([]) == DetectionState.OPEN


@pytest.mark.parametrize(
    ("outcomes", "state"),
    [
        (["1", ""], DetectionState.CHARGED),  # a charge detects the case, even with a log open
        (["4", "15", ""], DetectionState.OUT_OF_COURT),
        (["15", ""], DetectionState.OPEN),  # still under investigation
        (["16", "15"], DetectionState.EVIDENTIAL_VICTIM_SUPPORTS),
        (["16", "18"], DetectionState.EVIDENTIAL_VICTIM_UNSUPPORTIVE),
        (["18", "9"], DetectionState.NO_SUSPECT),
        (["9", "20"], DetectionState.OTHER_OUTCOME),
        (["22", "1A"], DetectionState.CHARGED),
    ],
)
def test_a_cases_state_comes_from_its_logs_by_precedence(outcomes, state):
    assert case_detection_state(outcomes) == state


@pytest.mark.django_db
def test_the_sql_annotation_agrees_with_the_rule_for_every_combination(coordinator):
    combinations = [
        [],
        [""],
        *([code] for code in EXPECTED_GROUP),
        ["1", ""],
        ["15", ""],
        ["16", "15"],
        ["16", "18"],
        ["18", "9"],
        ["4", "15", ""],
    ]
    expected: dict[int, str] = {}
    for outcomes in combinations:
        case = CaseFactory(owner=coordinator)
        for outcome in outcomes:
            log = CrimeLogFactory(outcome=outcome)
            case.case_logs.create(log=log, added_by=coordinator)
        expected[case.pk] = case_detection_state(outcomes)
    annotated = annotate_case_detection_state(Case.objects.all(), logs=CrimeLog.objects.all())
    assert dict(annotated.values_list("pk", "detection_state")) == expected


# --- The feed, row by row ---------------------------------------------------------------------


def test_good_outcome_values_are_normalised():
    records, errors = parse(
        "reference,recorded_at,outcome,outcome_date\n"
        "A1,2026-03-01T10:00,1a,2026-04-02\n"
        "A2,2026-03-01T10:00, 15 ,01/03/2026\n"
        "A3,2026-03-01T10:00,,\n"
    )
    assert errors == []
    assert [(r.fields["outcome"], r.fields["outcome_date"]) for r in records] == [
        ("1A", date(2026, 4, 2)),
        ("15", date(2026, 3, 1)),
        ("", None),
    ]


@pytest.mark.parametrize(
    ("outcome", "outcome_date", "column", "message"),
    [
        ("23", "", "outcome", "is not a Home Office crime outcome type"),
        ("0", "", "outcome", "is not a Home Office crime outcome type"),
        ("-1", "", "outcome", "is not a Home Office crime outcome type"),
        ("charged", "", "outcome", "is not a Home Office crime outcome type"),
        ("1.0", "", "outcome", "is not a Home Office crime outcome type"),
        ("1", "2026-02-28", "outcome_date", "before the date the crime was recorded"),
        ("1", "2026-06-03", "outcome_date", "is in the future"),
        ("1", "yesterday", "outcome_date", "is not a valid date"),
        ("", "2026-04-01", "outcome_date", "given without outcome"),
    ],
)
def test_bad_outcome_values_reject_the_row_with_its_number(outcome, outcome_date, column, message):
    records, errors = parse(
        "reference,recorded_at,outcome,outcome_date\n"
        "OK1,2026-03-01T10:00,1,2026-03-05\n"
        f"BAD,2026-03-01T10:00,{outcome},{outcome_date}\n"
    )
    assert [record.reference for record in records] == ["OK1"]
    assert [(error.row, error.column) for error in errors] == [(2, column)]
    assert message in errors[0].message


def test_json_lines_numbers_are_outcome_types_and_other_values_are_refused():
    text = "".join(
        json.dumps(obj) + "\n"
        for obj in (
            {"reference": "J1", "recorded_at": "2026-03-01", "outcome": 16},
            {"reference": "J2", "recorded_at": "2026-03-01", "outcome": True},
            {"reference": "J3", "recorded_at": "2026-03-01", "outcome": -4},
        )
    )
    items = list(iter_feed(io.BytesIO(text.encode()), fmt="jsonl", default_source="rms", now=NOW))
    records = [item for item in items if isinstance(item, ParsedRecord)]
    errors = [item for item in items if isinstance(item, RowError)]
    assert [(r.reference, r.fields["outcome"]) for r in records] == [("J1", "16")]
    assert [(e.row, e.column) for e in errors] == [(2, "outcome"), (3, "outcome")]


# --- Import: a later outcome updates the log and keeps its history ----------------------------


def _import(tmp_path, name: str, text: str) -> dict:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    out = io.StringIO()
    call_command("import_logs", str(path), "--json", stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.django_db
def test_an_outcome_changed_by_a_later_import_is_updated_with_history(tmp_path):
    header = "reference,recorded_at,offence_code,outcome,outcome_date\n"
    first = _import(
        tmp_path,
        "a.csv",
        header + "A1,2026-03-01T10:00,8Q,,\nA2,2026-03-01T10:00,8L,18,2026-03-10\n",
    )
    assert (first["created"], first["rejected"]) == (2, 0)
    log = CrimeLog.objects.get(reference="A1")
    assert (log.outcome, log.outcome_date) == ("", None)
    assert CrimeLog.objects.get(reference="A2").outcome == "18"

    second = _import(
        tmp_path,
        "b.csv",
        header + "A1,2026-03-01T10:00,8Q,15,2026-04-01\nA2,2026-03-01T10:00,8L,18,2026-03-10\n",
    )
    assert (second["created"], second["updated"], second["unchanged"]) == (0, 1, 1)
    third = _import(tmp_path, "c.csv", header + "A1,2026-03-01T10:00,8Q,1,2026-05-20\n")
    assert third["updated"] == 1
    log.refresh_from_db()
    assert (log.outcome, log.outcome_date) == ("1", date(2026, 5, 20))
    history = CrimeLog.pgh_event_model.objects.filter(pgh_obj=log).order_by("pgh_id")
    # The row as it was before each change: open, then evidential difficulties.
    assert [(event.outcome, event.outcome_date) for event in history] == [
        ("", None),
        ("15", date(2026, 4, 1)),
    ]
    # A feed without the outcome columns leaves the outcome alone.
    _import(tmp_path, "d.csv", "reference,recorded_at,status\nA1,2026-03-01T10:00,closed\n")
    log.refresh_from_db()
    assert log.outcome == "1"


@pytest.mark.django_db
def test_a_rejected_outcome_row_is_reported_and_the_rest_imports(tmp_path):
    result = _import(
        tmp_path,
        "bad.csv",
        "reference,recorded_at,outcome,outcome_date\n"
        "G1,2026-03-01T10:00,4,2026-03-02\n"
        "B1,2026-03-01T10:00,99,\n"
        "B2,2026-03-05T10:00,1,2026-03-04\n",
    )
    assert (result["created"], result["rejected"]) == (1, 2)
    assert [(error["row"], error["column"]) for error in result["errors"]] == [
        (2, "outcome"),
        (3, "outcome_date"),
    ]
    assert list(CrimeLog.objects.values_list("reference", flat=True)) == ["G1"]

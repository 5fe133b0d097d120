"""The hostile-feed corpus: one small file per case in tests/data/feed/, each imported for real,
with the counts and rejected rows it must give (docs/log-feed.md). A case that once failed a
whole file (or let a bad row in) must now be one rejected row, and the rest imported."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from cases.feed import csvread
from cases.feed.importer import ImportRefused, create_feed_import, run_import
from cases.models import CrimeLog, FeedImport, Person

pytestmark = pytest.mark.django_db

CORPUS = Path(__file__).resolve().parent.parent / "data" / "feed"
# The corpus files stay small: a multi-line record is given up past this many characters here
# (MAX_RECORD is 1 MiB in earnest; test_a_value_past_the_real_limit uses the real one).
CORPUS_MAX_RECORD = 1_000


@dataclass(frozen=True)
class Expected:
    created: int = 0
    # row -> a fragment of the (first) reason it was rejected for
    rejected: dict[int, str] = field(default_factory=dict)
    refused: str = ""  # the whole file is refused with this fragment
    notices: int = 0  # file-level notices (unknown columns, and their summary)
    summary: str = ""  # the summary notice past the cap


CASES: dict[str, Expected] = {
    # NaN, Infinity and a number that overflows are not JSON: the row, not a person "nan".
    "nan-person-ids.jsonl": Expected(
        created=2,
        rejected={
            2: "NaN is not a JSON number",
            3: "Infinity is not a JSON number",
            4: "-Infinity is not a JSON number",
            5: "too large for a JSON number",
        },
    ),
    # Year 9999 with a negative offset is past the last UTC datetime; year 1 with a positive
    # one is before year 1 in UTC: per-row errors, never a failed file.
    "calendar-edges.csv": Expected(
        created=2,
        rejected={
            2: "recorded_at is in the future",
            3: "occurred_from is before 1900",
            4: "occurred_from is in the future",
            5: "recorded_at is before 1900",
            6: "victim_dob is in the future",
        },
    ),
    "calendar-edges.jsonl": Expected(
        created=1,
        rejected={1: "recorded_at is in the future", 2: "recorded_at is before 1900"},
    ),
    # Half a surrogate pair cannot be stored (PostgreSQL refuses it): the row is rejected,
    # a whole pair (an emoji) and any other escape are text.
    "lone-surrogates.jsonl": Expected(
        created=2,
        rejected={2: "half a surrogate pair", 3: "half a surrogate pair", 4: "half a surrogate"},
    ),
    # A key twice, spelled alike (at the top or in a party) or in another case.
    "repeated-keys.jsonl": Expected(
        created=1,
        rejected={
            1: "reference is given twice",
            3: "id is given twice",
            4: "offence_code is given twice",
            5: "flags is given twice",
        },
    ),
    # One error at the row where the quote opened; the next rows are read as rows.
    "unclosed-quote.csv": Expected(
        created=4, rejected={2: "a quoted value that opens on this row does not close"}
    ),
    # A quote never closed before the file ends: its next lines are rows again.
    "unclosed-quote-at-end.csv": Expected(
        created=3, rejected={2: "a quoted value that opens on this row is never closed"}
    ),
    # A multi-line value past the limit: one error, and the row after it is imported.
    "long-multiline-value.csv": Expected(
        created=2, rejected={2: f"runs past {CORPUS_MAX_RECORD:,} characters"}
    ),
    # A quote never closed, found only past the limit: the rows after it are read again.
    "unclosed-quote-past-limit.csv": Expected(
        created=61, rejected={2: "a quoted value that opens on this row is never closed"}
    ),
    # A header past the documented width is refused at once.
    "wide-header.csv": Expected(refused="the header has 251 columns; a feed has at most 200"),
    # Unknown columns: one notice each up to 20, then one summary.
    "many-unknown-columns.csv": Expected(
        created=2, notices=21, summary="10 more unknown columns were ignored"
    ),
    "many-unknown-keys.jsonl": Expected(
        created=2,
        rejected={3: "the object has more than 200 keys"},
        notices=21,
        summary="10 more unknown columns were ignored",
    ),
}


def test_every_corpus_file_has_its_expectation():
    assert {path.name for path in CORPUS.iterdir()} == set(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_corpus_file(name, monkeypatch):
    monkeypatch.setattr(csvread, "MAX_RECORD", CORPUS_MAX_RECORD)
    expected = CASES[name]
    feed_import = create_feed_import(path=CORPUS / name, origin=FeedImport.Origin.COMMAND)
    if expected.refused:
        with pytest.raises(ImportRefused, match=expected.refused):
            run_import(feed_import)
        feed_import.refresh_from_db()
        assert feed_import.status == FeedImport.Status.REFUSED
        assert CrimeLog.objects.count() == 0
        return
    feed_import = run_import(feed_import)
    assert feed_import.status == FeedImport.Status.DONE
    assert feed_import.created == expected.created == CrimeLog.objects.count()
    assert feed_import.rejected == len(expected.rejected)
    first_reason: dict[int, str] = {}
    for error in feed_import.errors.filter(row__isnull=False).order_by("row", "id"):
        first_reason.setdefault(error.row, error.message)
    assert set(first_reason) == set(expected.rejected)
    for row, fragment in expected.rejected.items():
        assert fragment in first_reason[row], (row, first_reason[row])
    notices = list(feed_import.errors.filter(row__isnull=True).values_list("message", flat=True))
    assert len(notices) == expected.notices
    if expected.summary:
        assert any(expected.summary in notice for notice in notices)
    # Nothing personal in a reason: the rejected values never appear in the messages.
    messages = " ".join(feed_import.errors.values_list("message", flat=True))
    for value in ("Bea", "Cal", "Dee", "9999-12-31", "udc80", "KEY/9", "never closes"):
        assert value not in messages


def test_nan_is_not_a_person_id():
    feed_import = create_feed_import(
        path=CORPUS / "nan-person-ids.jsonl", origin=FeedImport.Origin.COMMAND
    )
    run_import(feed_import)
    ids = set(Person.objects.values_list("identifiers__value", flat=True))
    assert not ids & {"nan", "inf", "-inf", "NaN", "Infinity"}
    assert "12345" in ids


def test_a_value_past_the_real_limit_is_one_error_and_the_next_row_imports(tmp_path):
    lines = "".join(f"line {n} of a very long statement\n" for n in range(40_000))  # ~1.3 MB
    assert len(lines) > csvread.MAX_RECORD
    path = tmp_path / "long.csv"
    path.write_text(
        "reference,recorded_at,narrative\n"
        f'BIG/1,2026-01-05T10:00:00,"{lines}end"\n'
        "BIG/2,2026-01-05T10:00:00,next\n",
        encoding="utf-8",
    )
    feed_import = run_import(create_feed_import(path=path, origin=FeedImport.Origin.COMMAND))
    assert (feed_import.created, feed_import.rejected) == (1, 1)
    assert list(feed_import.errors.values_list("row", flat=True)) == [1]
    assert CrimeLog.objects.get().reference == "BIG/2"

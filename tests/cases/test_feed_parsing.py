"""The crime-log feed parser (cases/feed, contract in docs/log-feed.md). Pure: no database."""

import io
import json
from datetime import UTC, date, datetime, timedelta

import pytest

from cases.feed import (
    FeedReader,
    FeedUnreadable,
    ParsedRecord,
    Party,
    RowError,
    csv_safe,
    detect_format,
    iter_feed,
)
from cases.feed.decoding import FeedDecoder
from stalking_hub.demo.feedgen import generate_feed

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
HEADER = "reference,recorded_at,offence_code,flags,narrative\r\n"


def parse(
    data: str | bytes, *, fmt: str = "csv", now: datetime = NOW, source: str = "rms"
) -> tuple[list[ParsedRecord], list[RowError]]:
    raw = data.encode() if isinstance(data, str) else data
    items = list(iter_feed(io.BytesIO(raw), fmt=fmt, default_source=source, now=now))
    records = [item for item in items if isinstance(item, ParsedRecord)]
    errors = [item for item in items if isinstance(item, RowError)]
    assert len(records) + len(errors) == len(items)
    return records, errors


def errors_by_row(errors: list[RowError]) -> dict[int | None, list[tuple[str | None, str]]]:
    grouped: dict[int | None, list[tuple[str | None, str]]] = {}
    for error in errors:
        grouped.setdefault(error.row, []).append((error.column, error.message))
    return grouped


def jsonl(*objects: object) -> str:
    return "".join(json.dumps(obj) + "\n" for obj in objects)


# --- encodings and line endings ------------------------------------------------------------


def test_utf8_feed_keeps_accents_and_pound_sign():
    records, errors = parse(
        "reference,recorded_at,victim_name,narrative\n"
        "NS/1,2025-01-05T10:00,Renée Zoë,Lost £40 and her phone\n"
    )
    assert errors == []
    (record,) = records
    assert record.parties == (Party("victim", "", "Renée Zoë", None, ""),)
    assert record.fields["narrative"] == "Lost £40 and her phone"


def test_utf8_bom_is_not_part_of_the_first_column_name():
    data = "\ufeffreference,recorded_at\r\nNS/1,2025-01-05\r\n".encode()
    reader = FeedReader(io.BytesIO(data), fmt="csv", now=NOW)
    items = list(reader)
    assert [type(item) for item in items] == [ParsedRecord]
    assert reader.encoding == "utf-8-sig"
    assert reader.unknown_columns == []


def test_windows_1252_export_is_decoded():
    # \u2013 and \u201c/\u201d: the dash and curly quotes Excel puts in, all in cp1252.
    narrative = "Stole £40 \u2013 \u201ccash\u201d"
    data = f"reference,recorded_at,victim_name,narrative\r\nNS/1,05/01/2025,Renée,{narrative}\r\n"
    reader = FeedReader(io.BytesIO(data.encode("cp1252")), fmt="csv", now=NOW)
    (record,) = list(reader)
    assert reader.encoding == "cp1252"
    assert isinstance(record, ParsedRecord)
    assert record.parties is not None
    assert record.parties[0].name == "Renée"
    assert record.fields["narrative"] == narrative


def test_windows_1252_whose_first_accent_is_chunks_into_the_file():
    # The first megabyte is ASCII; the encoding is decided only at the first "é".
    filler = "".join(f"NS/{i},2025-01-05,Plain narrative {i:06d}\r\n" for i in range(40_000))
    data = ("reference,recorded_at,narrative\r\n" + filler + "NS/x,2025-01-05,Café\r\n").encode(
        "cp1252"
    )
    assert len(data) > 1 << 20
    reader = FeedReader(io.BytesIO(data), fmt="csv", now=NOW)
    records = list(reader)
    assert reader.encoding == "cp1252"
    assert len(records) == 40_001
    last = records[-1]
    assert isinstance(last, ParsedRecord)
    assert last.fields["narrative"] == "Café"


def test_a_cp1252_byte_after_utf8_text_makes_the_file_unreadable():
    # UTF-8 is decided in the first megabyte, a Windows-1252 "é" follows far later.
    head = "reference,recorded_at,narrative\r\nNS/0,2025-01-05,Café\r\n".encode()
    filler = b"".join(b"NS/%d,2025-01-05,Plain narrative\r\n" % i for i in range(40_000))
    tail = "NS/x,2025-01-05,Café\r\n".encode("cp1252")
    reader = FeedReader(io.BytesIO(head + filler + tail), fmt="csv", now=NOW)
    with pytest.raises(FeedUnreadable, match="not UTF-8"):
        list(reader)
    assert reader.encoding == "utf-8"


def test_utf8_and_cp1252_in_the_same_chunk_make_the_file_unreadable():
    data = (
        "reference,recorded_at,narrative\r\nNS/1,2025-01-05,Renée\r\n".encode("cp1252")
        + "NS/2,2025-01-05,Renée\r\n".encode()
    )
    with pytest.raises(FeedUnreadable, match="mixed encodings"):
        parse(data)


def test_decoder_decides_at_a_multibyte_character_split_across_chunks():
    text = "ab,Renée £5\r\n" * 3
    decoder = FeedDecoder(io.BytesIO(text.encode()), chunk_size=5)
    assert "".join(decoder.lines()) == text
    assert decoder.encoding == "utf-8"


def test_decoder_reads_cp1252_whose_accent_ends_a_chunk():
    text = "abcé,x\r\nzz\r\n"
    decoder = FeedDecoder(io.BytesIO(text.encode("cp1252")), chunk_size=4)
    assert "".join(decoder.lines()) == text
    assert decoder.encoding == "cp1252"


def test_bytes_that_are_neither_utf8_nor_cp1252_make_the_file_unreadable():
    with pytest.raises(FeedUnreadable, match="neither UTF-8 nor Windows-1252"):
        parse(b"reference,recorded_at\r\nNS/1\x81,2025-01-05\r\n")


def test_utf16_file_is_refused_with_advice():
    with pytest.raises(FeedUnreadable, match="UTF-16"):
        parse("reference,recorded_at\r\n".encode("utf-16"))


@pytest.mark.parametrize("newline", ["\r\n", "\n", "\r"])
def test_line_endings(newline):
    data = newline.join(["reference,recorded_at", "NS/1,2025-01-05", "NS/2,2025-01-06", ""])
    records, errors = parse(data)
    assert errors == []
    assert [(r.row, r.reference) for r in records] == [(1, "NS/1"), (2, "NS/2")]


def test_quoted_newlines_stay_in_one_numbered_record():
    data = (
        HEADER + 'NS/1,2025-01-05,8Q,,"First line\r\nsecond line\r\n\r\nthird"\r\n'
        "NS/2,2025-01-05,8L,,one line\r\n"
        "NS/3,,8L,,no date\r\n"
    )
    records, errors = parse(data)
    assert [(r.row, r.reference) for r in records] == [(1, "NS/1"), (2, "NS/2")]
    assert records[0].fields["narrative"] == "First line\nsecond line\n\nthird"
    assert errors == [RowError(3, "recorded_at", "recorded_at is missing")]


def test_blank_lines_are_skipped_and_not_numbered():
    records, errors = parse(HEADER + "\r\nNS/1,2025-01-05,,,\r\n,,,,\r\n\r\nNS/2,2025-01-05,,,\r\n")
    assert errors == []
    assert [r.row for r in records] == [1, 2]


# --- header ---------------------------------------------------------------------------------


def test_header_names_are_case_insensitive_and_stripped():
    records, errors = parse(" Reference ,RECORDED_AT,Offence_Code\r\nNS/1,2025-01-05,8q\r\n")
    assert errors == []
    assert records[0].reference == "NS/1"
    assert records[0].fields["offence_code"] == "8Q"


def test_unknown_column_is_reported_once_with_no_row():
    data = "reference,colour,recorded_at,Shoe Size\r\n" + "".join(
        f"NS/{i},red,2025-01-05,9\r\n" for i in range(3)
    )
    reader = FeedReader(io.BytesIO(data.encode()), fmt="csv", now=NOW)
    items = list(reader)
    assert items[:2] == [
        RowError(None, "colour", "unknown column 'colour' ignored"),
        RowError(None, "shoe size", "unknown column 'shoe size' ignored"),
    ]
    assert all(isinstance(item, ParsedRecord) for item in items[2:])
    assert len(items) == 5
    assert reader.unknown_columns == ["colour", "shoe size"]
    assert "colour" not in items[2].present


@pytest.mark.parametrize("missing", ["reference", "recorded_at"])
def test_file_without_a_required_column_is_refused(missing):
    header = ",".join(c for c in ("reference", "recorded_at", "narrative") if c != missing)
    with pytest.raises(FeedUnreadable, match=f"no '{missing}' column"):
        parse(header + "\r\nx,y\r\n")


def test_semicolon_separated_file_is_refused_with_a_hint():
    with pytest.raises(FeedUnreadable, match="separated by ';'"):
        parse("reference;recorded_at\r\nNS/1;2025-01-05\r\n")


def test_column_named_with_a_space_is_refused_with_a_hint():
    with pytest.raises(FeedUnreadable, match="found 'recorded at'"):
        parse("reference,Recorded At\r\nNS/1,2025-01-05\r\n")


def test_repeated_column_is_refused():
    with pytest.raises(FeedUnreadable, match="'narrative' appears more than once"):
        parse("reference,recorded_at,narrative,Narrative\r\n")


def test_empty_file_is_refused():
    with pytest.raises(FeedUnreadable, match="empty"):
        parse(b"\r\n\r\n")


def test_header_only_file_has_no_records():
    assert parse(HEADER) == ([], [])


# --- rows -----------------------------------------------------------------------------------


def test_missing_reference_is_rejected():
    _, errors = parse(HEADER + "  ,2025-01-05,8Q,,\r\n")
    assert errors == [RowError(1, "reference", "reference is missing")]


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("", "recorded_at is missing"),
        ("yesterday", "recorded_at is not a valid date or time"),
        ("31/02/2025", "recorded_at is not a valid date or time"),
        ("05/01/25", "recorded_at is not a valid date or time"),  # two-digit year
        ("2025-13-01", "recorded_at is not a valid date or time"),
        ("0025-01-05", "recorded_at is before 1900"),
        ("05/01/2025 25:00", "recorded_at is not a valid date or time"),
    ],
)
def test_bad_recorded_at_is_rejected(value, reason):
    _, errors = parse(f"reference,recorded_at\r\nNS/1,{value}\r\n")
    assert len(errors) == 1
    assert (errors[0].row, errors[0].column) == (1, "recorded_at")
    assert errors[0].message.startswith(reason)


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("occurred_from", "2025-02-30T10:00"),
        ("occurred_to", "tomorrow"),
        ("victim_dob", "1985-02-30"),
        ("suspect_dob", "02/03/1985 10:15"),  # a date of birth has no time of day
    ],
)
def test_other_bad_dates_are_rejected_with_their_column(column, value):
    _, errors = parse(
        f"reference,recorded_at,victim_name,suspect_name,{column}\r\n"
        f"NS/1,2025-01-05,A,B,{value}\r\n"
    )
    assert [(e.row, e.column) for e in errors] == [(1, column)]


def test_every_problem_on_a_row_is_reported():
    data = "reference,recorded_at,occurred_from,area\r\n," + "2099-01-01,bad," + "X" * 65 + "\r\n"
    _, errors = parse(data)
    assert sorted(e.column for e in errors) == [
        "area",
        "occurred_from",
        "recorded_at",
        "reference",
    ]
    assert {e.row for e in errors} == {1}


def test_rejected_rows_do_not_stop_later_rows():
    data = HEADER + "NS/1,bad,,,\r\nNS/2,2025-01-05,,,\r\n,2025-01-05,,,\r\nNS/4,2025-01-05,,,\r\n"
    records, errors = parse(data)
    assert [r.row for r in records] == [2, 4]
    assert [e.row for e in errors] == [1, 3]


def test_duplicate_reference_is_rejected_and_the_first_kept():
    data = (
        "reference,source,recorded_at,narrative\r\n"
        "NS/1,rms,2025-01-05,first\r\n"
        "NS/1,RMS ,2025-01-06,second\r\n"  # source is case-insensitive
        "NS/1,athena,2025-01-06,other system\r\n"
        "NS/1,,2025-01-07,default source\r\n"
    )
    records, errors = parse(data)
    assert [(r.source, r.fields["narrative"]) for r in records] == [
        ("rms", "first"),
        ("athena", "other system"),
    ]
    assert [(e.row, e.column) for e in errors] == [(2, "reference"), (4, "reference")]
    assert "earlier row" in errors[0].message


def test_default_source_comes_from_the_caller():
    records, _ = parse(HEADER + "NS/1,2025-01-05,,,\r\n", source=" Niche ")
    assert records[0].source == "niche"


def test_row_with_too_few_values_is_rejected_but_trailing_empty_cells_are_fine():
    data = (
        HEADER + "NS/1,2025-01-05\r\nNS/2,2025-01-05,8Q,,text,,\r\nNS/3,2025-01-05,8Q,,text,x\r\n"
    )
    records, errors = parse(data)
    assert [r.row for r in records] == [2]
    assert [(e.row, e.column) for e in errors] == [(1, None), (3, None)]
    assert errors[0].message == "the row has 2 values but the header has 5"


def test_malformed_csv_quoting_rejects_the_row_and_reading_continues():
    records, errors = parse(
        HEADER + 'NS/1,2025-01-05,8Q,,"quoted"tail\r\nNS/2,2025-01-05,8Q,,ok\r\n'
    )
    assert [r.row for r in records] == [2]
    assert [(e.row, e.column) for e in errors] == [(1, None)]
    assert "not valid CSV" in errors[0].message


# --- absent versus empty ------------------------------------------------------------------


def test_present_but_empty_clears_and_absent_leaves_alone():
    data = (
        "reference,recorded_at,occurred_from,flags,narrative,victim_name\r\nNS/1,2025-01-05,,,,\r\n"
    )
    (record,), errors = parse(data)
    assert errors == []
    assert record.fields == {
        "recorded_at": datetime(2025, 1, 5, tzinfo=UTC),
        "occurred_from": None,
        "flags": (),
        "narrative": "",
    }
    assert "status" not in record.fields
    assert "status" not in record.present
    assert {"occurred_from", "flags", "narrative", "victim_name"} <= record.present
    # victim columns present but empty: no victim (clears); suspects are not touched.
    assert record.parties == ()
    assert record.party_roles == {"victim"}


def test_feed_without_party_columns_has_no_parties():
    (record,), _ = parse(HEADER + "NS/1,2025-01-05,8Q,,x\r\n")
    assert record.parties is None
    assert record.party_roles == frozenset()


def test_flat_party_columns_make_one_party_each():
    data = (
        "reference,recorded_at,victim_id,victim_name,victim_dob,suspect_id,suspect_name,"
        "suspect_dob,relationship\r\n"
        "NS/1,2025-01-05,P1,Ann Ashworth,02/03/1985,P2,Bob Clegg,1980-11-30,ex-partner\r\n"
    )
    (record,), errors = parse(data)
    assert errors == []
    assert record.parties == (
        Party("victim", "P1", "Ann Ashworth", date(1985, 3, 2), ""),
        Party("suspect", "P2", "Bob Clegg", date(1980, 11, 30), ""),
    )
    assert record.fields == {
        "recorded_at": datetime(2025, 1, 5, tzinfo=UTC),
        "relationship": "ex-partner",
    }


def test_date_of_birth_without_a_person_is_rejected():
    _, errors = parse(
        "reference,recorded_at,victim_name,victim_dob\r\nNS/1,2025-01-05,,1985-01-01\r\n"
    )
    assert [(e.row, e.column) for e in errors] == [(1, "victim_dob")]


# --- normalisation --------------------------------------------------------------------------


def test_flags_are_upper_cased_stripped_and_deduplicated_in_order():
    (record,), _ = parse(
        HEADER + 'NS/1,2025-01-05,8q,"stalking; DA,Stalking ,, repeat victim",\r\n'
    )
    assert record.fields["flags"] == ("STALKING", "DA", "REPEAT VICTIM")
    assert record.fields["offence_code"] == "8Q"


def test_flag_longer_than_its_limit_is_rejected():
    _, errors = parse(HEADER + f"NS/1,2025-01-05,8Q,STALKING;{'X' * 51},\r\n")
    assert [(e.row, e.column) for e in errors] == [(1, "flags")]


def test_values_are_stripped_and_codes_normalised():
    data = (
        "reference,recorded_at,area,officer,status\r\n"
        " NS/1 ,2025-01-05, ns-north , PC 1234 , open \r\n"
    )
    (record,), _ = parse(data)
    assert record.reference == "NS/1"
    assert record.fields["area"] == "NS-NORTH"
    assert record.fields["officer"] == "PC 1234"
    assert record.fields["status"] == "open"


@pytest.mark.parametrize(
    "value", ["=cmd|' /C calc'!A0", "+44 7700 900123", "-5 messages", "@SUM(A1:A9)"]
)
def test_formula_like_values_are_stored_verbatim(value):
    cell = '"' + value.replace('"', '""') + '"'
    (record,), errors = parse(HEADER + f"NS/1,2025-01-05,8Q,,{cell}\r\n")
    assert errors == []
    assert record.fields["narrative"] == value


@pytest.mark.parametrize(
    ("value", "exported"),
    [
        ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
        ("+44 7700 900123", "'+44 7700 900123"),
        ("-5", "'-5"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("Followed her = stalking", "Followed her = stalking"),
        ("", ""),
    ],
)
def test_csv_safe_escapes_formulas_for_export(value, exported):
    assert csv_safe(value) == exported


# --- dates and zones ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Winter: London is UTC.
        ("2025-01-05T10:30", datetime(2025, 1, 5, 10, 30, tzinfo=UTC)),
        ("05/01/2025 10:30", datetime(2025, 1, 5, 10, 30, tzinfo=UTC)),
        ("5/1/2025 10:30:15", datetime(2025, 1, 5, 10, 30, 15, tzinfo=UTC)),
        # Summer: London is UTC+1.
        ("2025-07-05T10:30:00", datetime(2025, 7, 5, 9, 30, tzinfo=UTC)),
        ("2025-07-05 10:30", datetime(2025, 7, 5, 9, 30, tzinfo=UTC)),
        ("05/07/2025 10:30", datetime(2025, 7, 5, 9, 30, tzinfo=UTC)),
        # A bare date is midnight in London.
        ("2025-07-05", datetime(2025, 7, 4, 23, 0, tzinfo=UTC)),
        ("05/07/2025", datetime(2025, 7, 4, 23, 0, tzinfo=UTC)),
        ("2025-01-05", datetime(2025, 1, 5, 0, 0, tzinfo=UTC)),
        # Explicit zones are respected.
        ("2025-07-05T10:30:00Z", datetime(2025, 7, 5, 10, 30, tzinfo=UTC)),
        ("2025-07-05T10:30:00+02:00", datetime(2025, 7, 5, 8, 30, tzinfo=UTC)),
        ("2025-01-05T10:30:00.250-05:00", datetime(2025, 1, 5, 15, 30, 0, 250000, tzinfo=UTC)),
        # October repeated hour: the first (BST) occurrence.
        ("2024-10-27T01:30", datetime(2024, 10, 27, 0, 30, tzinfo=UTC)),
        # March gap: read with the GMT offset.
        ("2024-03-31T01:30", datetime(2024, 3, 31, 1, 30, tzinfo=UTC)),
    ],
)
def test_recorded_at_formats_and_zones(text, expected):
    (record,), errors = parse(f"reference,recorded_at\r\nNS/1,{text}\r\n")
    assert errors == []
    recorded = record.fields["recorded_at"]
    assert isinstance(recorded, datetime)
    assert recorded == expected
    assert recorded.tzinfo is UTC


@pytest.mark.parametrize(
    ("offset", "accepted"),
    [
        (timedelta(days=1), True),
        (timedelta(days=1, seconds=1), False),
        (timedelta(days=-400), True),
    ],
)
def test_future_rule_is_more_than_a_day_after_now(offset, accepted):
    moment = (NOW + offset).isoformat()
    records, errors = parse(f"reference,recorded_at,occurred_to\r\nNS/1,2025-01-05,{moment}\r\n")
    assert bool(records) is accepted
    if not accepted:
        assert errors == [RowError(1, "occurred_to", "occurred_to is in the future")]


@pytest.mark.parametrize(("days", "accepted"), [(1, True), (2, False)])
def test_future_rule_for_dates_of_birth(days, accepted):
    dob = (NOW + timedelta(days=days)).date().isoformat()
    records, errors = parse(
        f"reference,recorded_at,victim_name,victim_dob\r\nNS/1,2025-01-05,A,{dob}\r\n"
    )
    assert bool(records) is accepted
    assert [e.column for e in errors] == ([] if accepted else ["victim_dob"])


def test_now_must_be_aware():
    with pytest.raises(ValueError, match="timezone-aware"):
        FeedReader(io.BytesIO(b""), fmt="csv", now=datetime(2026, 1, 1))


# --- size limits and NUL bytes ------------------------------------------------------------


@pytest.mark.parametrize(
    ("column", "limit"),
    [("narrative", 100_000), ("reference", 64), ("offence_code", 16), ("victim_name", 200)],
)
def test_value_of_exactly_the_limit_is_accepted_and_one_more_rejected(column, limit):
    other = "" if column == "reference" else ",reference"
    ok = "A" * limit
    long = "B" * (limit + 1)
    data = f"recorded_at,{column}{other}\r\n2025-01-05,{ok}{',NS/1' if other else ''}\r\n"
    data += f"2025-01-05,{long}{',NS/2' if other else ''}\r\n"
    records, errors = parse(data)
    assert [r.row for r in records] == [1]
    assert errors == [
        RowError(2, column, f"{column} is {limit + 1:,} characters long; the limit is {limit:,}")
    ]


def test_narrative_limit_counts_characters_after_line_endings_are_normalised():
    narrative = ("x" * 9 + "\r\n") * 10_000  # 110,000 characters as sent, 100,000 as stored
    records, errors = parse(HEADER + f'NS/1,2025-01-05,8Q,,"{narrative}"\r\n')
    assert errors == []
    assert len(records[0].fields["narrative"]) == 99_999  # stripped


def test_nul_byte_in_any_value_rejects_the_row():
    data = (
        HEADER
        + "NS/1,2025-01-05,8Q,,fine\r\nNS/2,2025-01-05,8\x00Q,,x\r\nNS/3,2025-01-05,,,\x00\r\n"
    )
    records, errors = parse(data)
    assert [r.row for r in records] == [1]
    assert errors == [
        RowError(2, "offence_code", "offence_code contains a NUL byte"),
        RowError(3, "narrative", "narrative contains a NUL byte"),
    ]


# --- JSON Lines -----------------------------------------------------------------------------


def test_jsonl_record_with_several_parties():
    line = {
        "Reference": "NS/1",
        "recorded_at": "2025-07-05T10:30",
        "offence_code": "8q",
        "flags": ["stalking", "DA"],
        "parties": [
            {"role": "victim", "id": "P1", "name": "Ann", "dob": "1985-03-02", "area": "ns-north"},
            {"role": "Victim", "id": 7, "name": "Cat"},
            {"role": "suspect", "id": "P2", "name": "Bob", "dob": "30/11/1980"},
            {"role": "witness", "name": "Dee", "shoe": 9},
        ],
    }
    items = list(
        iter_feed(io.BytesIO(jsonl(line).encode()), fmt="jsonl", default_source="rms", now=NOW)
    )
    assert items[0] == RowError(None, "parties.shoe", "unknown column 'parties.shoe' ignored")
    record = items[1]
    assert isinstance(record, ParsedRecord)
    assert (record.row, record.reference) == (1, "NS/1")
    assert record.fields == {
        "recorded_at": datetime(2025, 7, 5, 9, 30, tzinfo=UTC),
        "offence_code": "8Q",
        "flags": ("STALKING", "DA"),
    }
    assert record.parties == (
        Party("victim", "P1", "Ann", date(1985, 3, 2), "NS-NORTH"),
        Party("victim", "7", "Cat", None, ""),
        Party("suspect", "P2", "Bob", date(1980, 11, 30), ""),
        Party("witness", "", "Dee", None, ""),
    )
    assert record.party_roles == {"victim", "suspect", "witness"}
    assert "parties" in record.present


def test_jsonl_flat_party_keys_join_the_parties_list():
    line = {
        "reference": "NS/1",
        "recorded_at": "2025-01-05",
        "victim_name": "Ann",
        "parties": [{"role": "suspect", "name": "Bob"}],
    }
    (record,), _ = parse(jsonl(line), fmt="jsonl")
    assert record.parties == (
        Party("victim", "", "Ann", None, ""),
        Party("suspect", "", "Bob", None, ""),
    )


def test_jsonl_null_clears_and_missing_key_leaves_alone():
    (record,), _ = parse(
        jsonl(
            {"reference": "NS/1", "recorded_at": "2025-01-05", "narrative": None, "parties": None}
        ),
        fmt="jsonl",
    )
    assert record.fields["narrative"] == ""
    assert "status" not in record.present
    assert record.parties == ()


@pytest.mark.parametrize(
    ("party", "column"),
    [
        ({"role": "bystander", "name": "Ann"}, "parties[0].role"),
        ({"name": "Ann"}, "parties[0].role"),
        ({"role": "victim"}, "parties[0]"),
        ({"role": "victim", "name": ["Ann"]}, "parties[0].name"),
        ({"role": "victim", "name": "Ann", "dob": "2099-01-01"}, "parties[0].dob"),
        ("Ann", "parties[0]"),
    ],
)
def test_jsonl_bad_party_is_rejected(party, column):
    line = {"reference": "NS/1", "recorded_at": "2025-01-05", "parties": [party]}
    records, errors = parse(jsonl(line), fmt="jsonl")
    assert records == []
    assert [(e.row, e.column) for e in errors] == [(1, column)]


def test_jsonl_parties_must_be_a_list():
    line = {"reference": "NS/1", "recorded_at": "2025-01-05", "parties": {"role": "victim"}}
    _, errors = parse(jsonl(line), fmt="jsonl")
    assert [(e.row, e.column) for e in errors] == [(1, "parties")]


def test_jsonl_bad_lines_are_rejected_and_numbered_by_non_blank_line():
    data = (
        jsonl({"reference": "NS/1", "recorded_at": "2025-01-05"})
        + "\n   \n"
        + '{"reference": "NS/2", "recorded_at": \n'
        + "[1, 2]\n"
        + jsonl({"reference": "NS/4", "recorded_at": "2025-01-05"})
    )
    records, errors = parse(data, fmt="jsonl")
    assert [(r.row, r.reference) for r in records] == [(1, "NS/1"), (4, "NS/4")]
    assert [(e.row, e.column) for e in errors] == [(2, None), (3, None)]
    assert errors[0].message.startswith("the line is not valid JSON")
    assert errors[1].message == "the line is not a JSON object"


def test_jsonl_numbers_are_text_and_other_types_rejected():
    data = jsonl(
        {"reference": 12345, "recorded_at": "2025-01-05", "victim_id": 99},
        {"reference": "NS/2", "recorded_at": "2025-01-05", "narrative": True},
        {"reference": "NS/3", "recorded_at": "2025-01-05", "status": {"a": 1}},
    )
    records, errors = parse(data, fmt="jsonl")
    assert [(r.reference, r.parties) for r in records] == [
        ("12345", (Party("victim", "99", "", None, ""),))
    ]
    assert [(e.row, e.column) for e in errors] == [(2, "narrative"), (3, "status")]


def test_jsonl_nul_escape_is_rejected():
    _, errors = parse(
        jsonl({"reference": "NS/1", "recorded_at": "2025-01-05", "narrative": "a\u0000b"}),
        fmt="jsonl",
    )
    assert errors == [RowError(1, "narrative", "narrative contains a NUL byte")]


def test_jsonl_unknown_key_is_reported_once_and_keys_are_case_insensitive():
    data = jsonl(
        {"REFERENCE": "NS/1", "Recorded_At": "2025-01-05", "colour": "red"},
        {"reference": "NS/2", "recorded_at": "2025-01-05", "colour": "blue"},
    )
    records, errors = parse(data, fmt="jsonl")
    assert [r.reference for r in records] == ["NS/1", "NS/2"]
    assert errors == [RowError(None, "colour", "unknown column 'colour' ignored")]


def test_jsonl_key_given_twice_in_different_case_is_rejected():
    _, errors = parse(
        '{"reference": "NS/1", "Reference": "NS/2", "recorded_at": "2025-01-05"}\n', fmt="jsonl"
    )
    assert [(e.row, e.column) for e in errors] == [(1, "reference")]


def test_jsonl_duplicate_reference_is_rejected():
    line = {"reference": "NS/1", "recorded_at": "2025-01-05"}
    records, errors = parse(jsonl(line, line), fmt="jsonl")
    assert [r.row for r in records] == [1]
    assert [(e.row, e.column) for e in errors] == [(2, "reference")]


def test_jsonl_that_is_all_garbage_is_unreadable():
    with pytest.raises(FeedUnreadable, match="not a JSON Lines file"):
        parse("reference,recorded_at\nNS/1,2025-01-05\nNS/2,2025-01-06\n", fmt="jsonl")


def test_jsonl_garbage_beyond_the_sniff_window_is_unreadable_without_reading_on():
    with pytest.raises(FeedUnreadable, match="first 10 non-blank lines"):
        parse(
            "nonsense\n" * 11 + jsonl({"reference": "NS/1", "recorded_at": "2025-01-05"}),
            fmt="jsonl",
        )


def test_jsonl_a_few_bad_lines_before_good_ones_are_row_errors():
    data = "oops\n" * 3 + jsonl({"reference": "NS/1", "recorded_at": "2025-01-05"})
    records, errors = parse(data, fmt="jsonl")
    assert [r.row for r in records] == [4]
    assert [e.row for e in errors] == [1, 2, 3]


def test_json_array_is_refused_with_advice():
    with pytest.raises(FeedUnreadable, match="JSON array"):
        parse(json.dumps([{"reference": "NS/1", "recorded_at": "2025-01-05"}]), fmt="jsonl")


def test_jsonl_in_cp1252_is_decoded():
    data = '{"reference": "NS/1", "recorded_at": "2025-01-05", "narrative": "Café £5"}\n'.encode(
        "cp1252"
    )
    (record,), _ = parse(data, fmt="jsonl")
    assert record.fields["narrative"] == "Café £5"


# --- API and streaming ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("feed.csv", "csv"),
        ("x/FEED.CSV", "csv"),
        ("a.jsonl", "jsonl"),
        ("a.ndjson", "jsonl"),
        ("a.json", "jsonl"),
    ],
)
def test_detect_format_from_suffix(name, fmt):
    assert detect_format(name) == fmt


def test_detect_format_refuses_other_suffixes():
    with pytest.raises(FeedUnreadable, match=r"\.xlsx"):
        detect_format("feed.xlsx")


def test_reader_can_be_iterated_once():
    reader = FeedReader(io.BytesIO(HEADER.encode()), fmt="csv", now=NOW)
    list(reader)
    with pytest.raises(RuntimeError):
        list(reader)


class CountingStream(io.BytesIO):
    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.bytes_read = 0

    def read(self, size: int | None = -1) -> bytes:
        chunk = super().read(size)
        self.bytes_read += len(chunk)
        return chunk


def test_parser_streams_instead_of_reading_the_whole_file():
    rows = "".join(f"NS/{i},2025-01-05,8Q,STALKING,{'narrative ' * 30}\r\n" for i in range(50_000))
    stream = CountingStream((HEADER + rows).encode())
    items = iter_feed(stream, fmt="csv", default_source="rms", now=NOW)
    first = next(items)
    assert isinstance(first, ParsedRecord)
    assert stream.bytes_read <= 1 << 20  # one chunk of a ~16 MB file
    assert sum(1 for _ in items) == 49_999


# --- the synthetic feed generator -----------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_generated_feed_parses_cleanly(tmp_path, fmt):
    path = tmp_path / f"feed.{fmt}"
    generate_feed(path, 2_000, seed=3, fmt=fmt)
    with path.open("rb") as stream:
        items = list(iter_feed(stream, fmt=fmt, default_source="rms", now=NOW))
    assert [item for item in items if isinstance(item, RowError)] == []
    records = [item for item in items if isinstance(item, ParsedRecord)]
    assert len(records) == 2_000
    codes = [r.fields["offence_code"] for r in records]
    assert 0.05 < codes.count("8Q") / len(codes) < 0.15
    pairs = [tuple(p.source_id for p in r.parties or ()) for r in records]
    assert len(set(pairs)) < len(pairs) * 0.9  # pairs repeat: courses of conduct exist


def test_changed_feed_differs_only_in_the_changed_fraction(tmp_path):
    base, changed = tmp_path / "base.jsonl", tmp_path / "changed.jsonl"
    generate_feed(base, 5_000, seed=9, fmt="jsonl")
    generate_feed(changed, 5_000, seed=9, fmt="jsonl", changed_fraction=0.02)
    base_lines = base.read_bytes().splitlines()
    changed_lines = changed.read_bytes().splitlines()
    assert len(base_lines) == len(changed_lines) == 5_000
    differing = sum(a != b for a, b in zip(base_lines, changed_lines, strict=True))
    assert 50 <= differing <= 150
    again = tmp_path / "again.jsonl"
    generate_feed(again, 5_000, seed=9, fmt="jsonl")
    assert again.read_bytes() == base.read_bytes()

"""The parser's two-stage API (docs/log-feed.md, "How re-imports stay fast"). Pure: no database.

FeedReader.raw_batches() + FeedReader.convert() must give exactly what one pass gives, and a
record's digest must change whenever its conversion could.
"""

import csv
import hashlib
import io
import itertools
import json
import random
from datetime import UTC, datetime, timedelta
from typing import Literal

import pytest

from cases.feed import FeedReader, FeedUnreadable, Format, ParsedRecord, RowError
from cases.feed.convert import DIGEST_VERSION
from cases.feed.csvread import _csv_record, _csv_records, _quoted_lead, _read_record
from cases.feed.decoding import split_lines
from cases.feed.schema import RawBatch, RawRecord
from stalking_hub.demo.feedgen import generate_feed

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
FUTURE = (NOW + timedelta(days=3)).isoformat()

type Item = ParsedRecord | RowError


def _bytes(data: str | bytes) -> bytes:
    return data.encode() if isinstance(data, str) else data


def one_pass(
    data: str | bytes, *, fmt: Format = "csv", source: str = "rms", now: datetime = NOW
) -> tuple[FeedReader, list[Item], list[RowError]]:
    """The one-pass items without the notices, and the notices (row None)."""
    reader = FeedReader(io.BytesIO(_bytes(data)), fmt=fmt, default_source=source, now=now)
    items = list(reader)
    notices = [item for item in items if isinstance(item, RowError) and item.row is None]
    return reader, [item for item in items if item not in notices], notices


def two_stage(
    data: str | bytes,
    *,
    fmt: Format = "csv",
    batch_size: int = 1000,
    source: str = "rms",
    now: datetime = NOW,
    convert_late: bool = False,
    keys: Literal["file", "batch"] = "file",
) -> tuple[FeedReader, list[Item], list[RowError], list[RawBatch]]:
    """raw_batches + convert on every raw record, in the same form as one_pass; the rows of
    each batch merged in row order. `convert_late`: convert only once stage one is done.
    `keys="batch"`: the duplicate rule across batches applied here, as the importer applies
    it with Postgres (RawBatch.keys, convert(duplicate=True))."""
    reader = FeedReader(io.BytesIO(_bytes(data)), fmt=fmt, default_source=source, now=now)
    items: list[Item] = []
    notices: list[RowError] = []
    batches: list[RawBatch] = []
    earlier: set[int] = set()
    repeated: set[int] = set()  # rows whose key an earlier batch had

    def note_keys(batch: RawBatch) -> None:
        batch_keys = batch.keys
        assert len(set(batch_keys)) == len(batch_keys), "distinct within a batch"
        repeated.update(
            raw.row for raw, key in zip(batch.records, batch_keys, strict=True) if key in earlier
        )
        earlier.update(batch_keys)

    def merge(batch: RawBatch) -> None:
        rows: list[tuple[int, Item]] = []
        for error in batch.errors:
            if error.row is None:
                notices.append(error)
            else:
                rows.append((error.row, error))
        for raw in batch.records:
            result = reader.convert(raw, duplicate=raw.row in repeated)
            if isinstance(result, list):
                rows.extend((raw.row, error) for error in result)
            else:
                rows.append((raw.row, result))
        rows.sort(key=lambda pair: pair[0])  # stable: a row's errors keep their order
        items.extend(item for _, item in rows)

    for batch in reader.raw_batches(batch_size, keys=keys):
        batches.append(batch)
        if keys == "batch":
            note_keys(batch)
        if not convert_late:
            merge(batch)
    if convert_late:
        for batch in batches:
            merge(batch)
    return reader, items, notices, batches


def assert_same(data: str | bytes, *, fmt: Format = "csv") -> list[RawBatch]:
    """Two stages and one pass agree, for several batch sizes; returns the batches."""
    first, expected, expected_notices = one_pass(data, fmt=fmt)
    assert expected, "the feed has rows"
    result: list[RawBatch] = []
    for batch_size, keys in itertools.product((1, 3, 1000), ("file", "batch")):
        reader, items, notices, batches = two_stage(data, fmt=fmt, batch_size=batch_size, keys=keys)
        assert items == expected, (batch_size, keys)
        assert notices == expected_notices
        assert reader.unknown_columns == first.unknown_columns
        assert reader.rows == first.rows
        assert reader.encoding == first.encoding
        assert_batches_cover_rows(batches, first.rows, batch_size)
        result = batches
    return result


def assert_batches_cover_rows(batches: list[RawBatch], rows: int, batch_size: int) -> None:
    previous = 0
    covered: list[int] = []
    for batch in batches:
        assert batch.last_row >= previous
        numbered = [error.row for error in batch.errors if error.row is not None]
        batch_rows = sorted({*numbered, *(raw.row for raw in batch.records)})
        assert all(previous < row <= batch.last_row for row in batch_rows)
        assert [raw.row for raw in batch.records] == sorted(raw.row for raw in batch.records)
        assert numbered == sorted(numbered)
        assert len(batch.records) <= batch_size
        assert batch.records or batch.errors
        covered.extend(batch_rows)
        previous = batch.last_row
    assert covered == list(range(1, rows + 1))


# --- a varied CSV feed: every kind of row the parser tells apart ----------------------------

COLUMNS = [
    "reference",
    "Source",
    "recorded_at",
    "occurred_from",
    "occurred_to",
    "offence_code",
    "flags",
    "area",
    "victim_name",
    "victim_dob",
    "suspect_name",
    "suspect_dob",
    "colour",
    "narrative",
]


def line(newline: str = "\r\n", **cells: str) -> str:
    """A CSV row in COLUMNS order, quoted as Excel does (values default to empty)."""
    buffer = io.StringIO()
    values = [cells.pop(name.lower(), "") for name in COLUMNS]
    assert not cells, f"unknown columns {cells}"
    csv.writer(buffer, lineterminator=newline).writerow(values)
    return buffer.getvalue()


def varied_csv(newline: str = "\r\n") -> str:
    ok = {"recorded_at": "2025-01-05T10:00"}
    width = len(COLUMNS)
    rows = [
        line(newline, reference="NS/1", source="rms", **ok, narrative="plain"),
        line(newline, reference="NS/2", **ok, narrative='Said "stop", then, "again"'),
        line(newline, reference="NS/3", **ok, narrative="first line\r\nsecond\rthird\n"),
        line(newline, reference="  ", **ok),  # reference missing
        line(newline, reference="R" * 65, **ok),  # reference too long
        line(newline, reference="NS/\x006", **ok),  # NUL in the reference
        line(newline, reference="NS/7", source="s" * 33, **ok),  # source too long
        line(newline, reference="NS/8", source="rm\x00s", **ok),  # NUL in the source
        line(newline, reference="NS/1", source=" RMS ", **ok),  # duplicate (source case)
        line(newline, reference="NS/1", source="athena", **ok),  # another system: fine
        line(newline, reference="NS/1", **ok),  # default source: duplicate
        line(newline, reference="NS/12", recorded_at="yesterday"),
        line(newline, reference="NS/13"),  # recorded_at missing
        line(newline, reference="NS/14", **ok, occurred_to=FUTURE),
        line(newline, reference="NS/15", **ok, victim_name="A", victim_dob="1985-02-30"),
        line(newline, reference="NS/16", **ok, suspect_name="B", suspect_dob="02/03/1985 10:15"),
        line(newline, recorded_at=FUTURE, occurred_from="bad", area="X" * 65),  # all wrong
        "NS/18,rms,2025-01-05" + newline,  # too few values
        line(newline, reference="NS/19", **ok).rstrip("\r\n") + ",," + newline,  # trailing ,,
        line(newline, reference="NS/20", **ok).rstrip("\r\n") + ",x" + newline,  # one too many
        'NS/21,,2025-01-05,,,,,,,,,,,"quoted"tail' + newline,  # broken quoting
        line(newline, reference="NS/22", **ok, victim_dob="1985-01-01"),  # dob, no person
        line(newline, reference="NS/23", **ok, flags="STALKING;" + "X" * 51),
        line(newline, reference="NS/24", **ok, narrative="n" * 100_000),  # at the limit
        line(newline, reference="NS/25", **ok, narrative="n" * 100_001),  # over it
        line(newline, reference="NS/26", **ok, offence_code="8\x00Q"),
        newline,  # a blank line
        "," * (width - 1) + newline,  # a row of empty cells
        line(newline, reference="NS/27,a", **ok, offence_code="8Q"),  # quoted key
        line(newline, reference="NS/28", **ok, flags="A,B", area="N,S", narrative='x"y'),
        line(newline, reference="  NS/29  ", source=" Niche ", **ok),  # stripped
        "NS/30,,2025-01-05,,,,,,,,,,,5'10\" tall" + newline,  # a quote inside a value
        line(newline, reference="NS/31", recorded_at="2025-13-01", narrative="first"),
        line(newline, reference="NS/31", **ok, narrative="again"),  # first was rejected
        line(newline, reference="NS/32", **ok, narrative="unit\x1fseparator\x1cand FS"),
        "   " + newline,  # one value of spaces: a row, with too few values
        line(newline, reference="NS/\x0033", recorded_at="bad", offence_code="8" * 17),
        line(newline, reference="NS/34", **ok, colour="red", victim_name="Renée Zoë"),
        '"NS/35",rms,"2025-01-05",,,,,,,,,,,"a ""quoted"" word"' + newline,
        line(newline, reference="NS/36", **ok, narrative="ends on the next line\r\n"),
        line(newline, reference="NS/37", recorded_at="0025-01-05"),  # before 1900
        line(newline, reference="NS/38", **ok, victim_name="V" * 201),
        line(newline, reference="NS/39", **ok, victim_name="A", victim_dob=FUTURE[:10]),
        'NS/40,,2025-01-05,,,,,,,,,,,"never closed' + newline + "NS/41,,,,,," + newline,
    ]
    return ",".join(COLUMNS) + newline + "".join(rows)


@pytest.mark.parametrize("newline", ["\r\n", "\n", "\r"])
def test_two_stages_give_what_one_pass_gives_for_a_varied_csv(newline):
    batches = assert_same(varied_csv(newline))
    # Rejected in stage one: the key cannot be read, a duplicate, or the shape is wrong.
    early = {error.row for batch in batches for error in batch.errors if error.row}
    # 42 opens a quote never closed: one error, then its next line is read as row 43.
    assert early == {4, 5, 6, 7, 8, 9, 11, 17, 18, 20, 21, 32, 34, 35, 42, 43}
    # Rejected only on conversion: the record reached stage two.
    _, items, _, _ = two_stage(varied_csv(newline))
    late = {raw.row for batch in batches for raw in batch.records}
    accepted = {item.row for item in items if isinstance(item, ParsedRecord)}
    assert late - accepted == {12, 13, 14, 15, 16, 22, 23, 25, 26, 31, 39, 40, 41}
    assert not early & late


def test_two_stages_convert_in_any_order_after_stage_one():
    data = varied_csv()
    _, expected, _ = one_pass(data)
    _, items, _, _ = two_stage(data, batch_size=4, convert_late=True)
    assert items == expected
    reader = FeedReader(io.BytesIO(data.encode()), fmt="csv", now=NOW)
    records = [raw for batch in reader.raw_batches(1000) for raw in batch.records]
    forwards = [reader.convert(raw) for raw in records]
    backwards = [reader.convert(raw) for raw in reversed(records)]
    assert backwards == forwards[::-1]


def test_two_stages_of_a_windows_1252_csv():
    data = varied_csv().replace("\x1c", "").replace("\x1f", "")
    assert_same(data.encode("cp1252"))


@pytest.mark.parametrize(
    "header",
    [
        "recorded_at,narrative,reference",  # the key in the last column: no fast path
        "narrative,recorded_at,reference,source",  # the key after a quoted value
        "source,recorded_at,reference,narrative",
    ],
)
def test_two_stages_whatever_the_key_columns_position(header):
    names = header.split(",")
    rng = random.Random(7)
    values = {
        "recorded_at": ["2025-01-05", "", "bad"],
        "narrative": ["x", '"a, b"', '"two\nlines"', ""],
        "reference": ["NS/1", "NS/2", "", " ", '"NS/3"', '"NS/4,x"', "NS/5"],
        "source": ["", "rms", "athena", "s" * 33],
    }
    rows = [",".join(rng.choice(values[name]) for name in names) for _ in range(300)]
    assert_same(header + "\n" + "\n".join(rows) + "\n")


def test_two_stages_of_random_csv_files():
    """Random rows from values that trip every stage-one rule, in random quoting."""
    rng = random.Random(20260601)
    pool = {
        "reference": ["NS/1", "NS/2", "NS/3", "", "  ", "NS/\x00", "R" * 65, "NS/a,b", 'NS/"q"'],
        "source": ["", "rms", "RMS ", "athena", "s" * 33, "r\x00"],
        "recorded_at": ["2025-01-05", "", "nope", FUTURE],
        "narrative": ["", "plain", "with, comma", 'with "quotes"', "two\r\nlines", "\x00"],
    }
    names = list(pool)
    checked = 0
    for _ in range(60):
        buffer = io.StringIO()
        writer = csv.writer(buffer, quoting=rng.choice([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]))
        writer.writerow(names)
        for _ in range(rng.randint(1, 25)):
            cells = [rng.choice(pool[name]) for name in names]
            if rng.random() < 0.1:
                cells = cells[: rng.randint(0, 3)] + ([""] * rng.randint(0, 2))
            writer.writerow(cells)
            if rng.random() < 0.05:
                buffer.write(rng.choice(['"', 'x"y', ",,,,", "\r\n", '"a"b,,,\r\n']))
        if one_pass(buffer.getvalue())[1]:
            assert_same(buffer.getvalue())
            checked += 1
    assert checked > 50


def test_generated_feed_in_two_stages(tmp_path):
    for fmt in ("csv", "jsonl"):
        path = tmp_path / f"feed.{fmt}"
        generate_feed(path, 1_500, seed=5, fmt=fmt)
        batches = assert_same(path.read_bytes(), fmt=fmt)
        assert sum(len(batch.records) for batch in batches) == 1_500


# --- JSON Lines -------------------------------------------------------------------------------


def varied_jsonl() -> str:
    ok = {"recorded_at": "2025-01-05"}

    def obj(**values: object) -> str:
        return json.dumps(values) + "\n"

    party = {"role": "victim", "name": "Ann"}
    lines = [
        "oops\n",  # held until a line proves the file is JSON Lines
        "[1, 2]\n",
        '{"reference": "NS/x", "recorded_at": \n',
        obj(reference="NS/1", **ok, colour="red", parties=[{**party, "shoe": 9}]),
        obj(reference=12345, **ok, victim_id=99),
        obj(reference=1.5, **ok),
        obj(reference=True, **ok),  # must be a string: rejected in stage one
        obj(reference=None, **ok),  # missing
        obj(reference="", **ok),
        obj(reference="NS/10", source=["rms"], **ok),  # source must be a string
        obj(reference="NS/11", source=7, **ok),
        '{"reference": "NS/12", "Reference": "NS/12b", "recorded_at": "2025-01-05"}\n',
        obj(reference="NS/\u000013", **ok),
        obj(reference="NS/14", **ok, narrative="a\u0000b"),  # NUL: rejected in stage two
        obj(reference="NS/1", **ok),  # duplicate
        obj(reference="NS/16", **ok, parties={"role": "victim"}),
        obj(reference="NS/17", **ok, parties=[{"role": "bystander", "name": "A"}]),
        obj(reference="", **ok, parties=[{**party, "hat": 1}]),  # notice on a rejected row
        obj(reference="NS/19", recorded_at="bad", parties=[{**party, "glove": 1}]),
        obj(reference="NS/20", **ok, flags=["stalking", "DA"]),
        obj(reference="NS/21", **ok, flags=["ok", 5]),
        "   " + obj(reference="NS/22", **ok).strip() + "   \n",
        "\n   \n",
        "42\n",  # not an object, after the proof
        obj(recorded_at="2025-01-05", narrative="no reference key"),
        obj(reference="NS/26", **ok, parties=[{**party, "scarf": 1}] * 51),  # too many
        obj(reference="NS/27", **ok, parties=["Ann", None, {**party, "Shoe ": 2}]),
        "[" * 100_000 + "\n",  # deeper than the interpreter allows
        obj(reference="NS/29", source="s" * 33, **ok),
        obj(reference="r" * 65, **ok),
        obj(reference="NS/1", source="athena", **ok, parties=None),
        obj(reference=" NS/32 ", source=" ATHENA ", **ok),
        obj(reference="NS/33", **ok, parties=[{"name": "Ann"}]),  # no role
        obj(reference="NS/34", **ok, parties=[{"role": "victim"}]),  # no id or name
        obj(reference="NS/35", **ok, parties=[{"role": "victim", "name": ["Ann"]}]),
        obj(reference="NS/36", **ok, parties=[{**party, "dob": FUTURE[:10]}]),
        obj(reference="NS/37", **ok, narrative=True, status={"a": 1}),
    ]
    return "".join(lines)


def test_two_stages_give_what_one_pass_gives_for_a_varied_jsonl():
    batches = assert_same(varied_jsonl(), fmt="jsonl")
    notices = [error.column for batch in batches for error in batch.errors if error.row is None]
    assert notices == ["colour", "parties.shoe", "parties.hat", "parties.glove"]
    early = {error.row for batch in batches for error in batch.errors if error.row}
    assert early == {1, 2, 3, 7, 8, 9, 10, 12, 13, 15, 18, 23, 24, 27, 28, 29}
    late = {raw.row for batch in batches for raw in batch.records}
    assert late == {4, 5, 6, 11, 14, 16, 17, 19, 20, 21, 22, 25, 26, *range(30, 37)}


def test_jsonl_notices_are_found_in_stage_one_even_for_rows_never_converted():
    data = varied_jsonl()
    reader = FeedReader(io.BytesIO(data.encode()), fmt="jsonl", now=NOW)
    for _ in reader.raw_batches(2):
        pass
    first, _, _ = one_pass(data, fmt="jsonl")
    assert reader.unknown_columns == first.unknown_columns


def test_jsonl_that_is_not_json_lines_is_refused_in_stage_one():
    reader = FeedReader(io.BytesIO(b"a,b\n" * 11), fmt="jsonl", now=NOW)
    with pytest.raises(FeedUnreadable, match="first 10 non-blank lines"):
        list(reader.raw_batches(5))
    with pytest.raises(FeedUnreadable, match="not a JSON Lines file"):
        list(FeedReader(io.BytesIO(b"a\nb\n"), fmt="jsonl", now=NOW).raw_batches(5))
    array = json.dumps([{"reference": "NS/1", "recorded_at": "2025-01-05"}]).encode()
    with pytest.raises(FeedUnreadable, match="JSON array"):
        list(FeedReader(io.BytesIO(array), fmt="jsonl", now=NOW).raw_batches(5))


# --- digests ------------------------------------------------------------------------------


def raw_records(
    data: str | bytes, *, fmt: Format = "csv", source: str = "rms", now: datetime = NOW
) -> tuple[FeedReader, list[RawRecord]]:
    reader = FeedReader(io.BytesIO(_bytes(data)), fmt=fmt, default_source=source, now=now)
    return reader, [raw for batch in reader.raw_batches(7) for raw in batch.records]


def digests(
    data: str | bytes, *, fmt: Format = "csv", source: str = "rms", now: datetime = NOW
) -> list[bytes]:
    return [raw.digest for raw in raw_records(data, fmt=fmt, source=source, now=now)[1]]


CSV = (
    "reference,source,recorded_at,narrative\r\n"
    "NS/1,rms,2025-01-05,one\r\n"
    'NS/2,,2025-01-05,"two, with ""quotes"""\r\n'
    'NS/3,athena,2025-01-05,"three\r\nlines\r\n"\r\n'
)


def test_digest_is_blake2b_128_of_the_layout_signature_and_the_record_text():
    reader, records = raw_records(CSV)
    texts = [
        "NS/1,rms,2025-01-05,one\r\n",
        'NS/2,,2025-01-05,"two, with ""quotes"""\r\n',
        'NS/3,athena,2025-01-05,"three\r\nlines\r\n"\r\n',
    ]
    assert [raw.data for raw in records] == texts
    for raw, text in zip(records, texts, strict=True):
        expected = hashlib.blake2b(reader.layout_signature + text.encode(), digest_size=16)
        assert raw.digest == expected.digest()
    assert [(raw.row, raw.source, raw.reference) for raw in records] == [
        (1, "rms", "NS/1"),
        (2, "rms", "NS/2"),
        (3, "athena", "NS/3"),
    ]


def test_layout_signature_names_version_format_source_and_columns():
    reader, _ = raw_records(
        " Reference ,SOURCE,recorded_at,Narrative,Colour\r\nNS/1,,2025-01-05,,\r\n"
    )
    signature = reader.layout_signature
    assert signature.endswith(b"\n")
    assert signature.count(b"\n") == 1
    assert json.loads(signature) == [
        "stalking-hub-feed",
        DIGEST_VERSION,
        "csv",
        "rms",
        ["reference", "source", "recorded_at", "narrative", "colour"],
    ]
    jsonl_reader = FeedReader(io.BytesIO(b""), fmt="jsonl", default_source="Niche", now=NOW)
    assert json.loads(jsonl_reader.layout_signature) == [
        "stalking-hub-feed",
        DIGEST_VERSION,
        "jsonl",
        "niche",
    ]


def test_csv_layout_signature_is_known_once_the_header_is_read():
    reader = FeedReader(io.BytesIO(CSV.encode()), fmt="csv", now=NOW)
    with pytest.raises(RuntimeError, match="header"):
        _ = reader.layout_signature
    next(reader.raw_batches(1))
    assert b"narrative" in reader.layout_signature


def test_digests_are_the_same_for_the_same_file_and_another_now():
    assert digests(CSV) == digests(CSV)
    assert digests(CSV) == digests(CSV, now=NOW + timedelta(days=400))
    assert len(set(digests(CSV))) == 3
    assert all(len(digest) == 16 for digest in digests(CSV))


def test_digest_changes_with_the_record_and_only_that_record():
    changed = CSV.replace("NS/2,,2025-01-05", "NS/2,,2025-01-06")
    before, after = digests(CSV), digests(changed)
    assert [a == b for a, b in zip(before, after, strict=True)] == [True, False, True]


@pytest.mark.parametrize(
    "header",
    [
        "reference,source,recorded_at,narrative,colour",  # another column
        "reference,source,narrative,recorded_at",  # the same names in another order
        "reference,source,recorded_at,offence",  # another name
    ],
)
def test_digest_changes_with_the_header(header):
    rows = CSV.split("\r\n", 1)[1]
    assert not set(digests(CSV)) & set(digests(header + "\r\n" + rows))


def test_header_spelling_that_means_the_same_keeps_the_digests():
    rows = CSV.split("\r\n", 1)[1]
    assert digests(" Reference, SOURCE ,Recorded_At,narrative\r\n" + rows) == digests(CSV)
    assert digests("\ufeff" + CSV) == digests(CSV)


def test_digest_changes_with_the_default_source():
    assert not set(digests(CSV)) & set(digests(CSV, source="niche"))


def test_same_cells_written_differently_are_a_different_raw_record():
    # Harmless: the row is converted once more and the database finds nothing changed.
    quoted = CSV.replace("NS/1,rms,2025-01-05,one", '"NS/1","rms","2025-01-05","one"')
    assert digests(quoted)[0] != digests(CSV)[0]
    assert one_pass(quoted)[1] == one_pass(CSV)[1]


def test_jsonl_digest_is_over_the_stripped_line():
    data = '{"reference": "NS/1", "recorded_at": "2025-01-05"}\n'
    reader, (raw,) = raw_records(data, fmt="jsonl")
    text = data.strip()
    expected = hashlib.blake2b(reader.layout_signature + text.encode(), digest_size=16)
    assert raw.digest == expected.digest()
    assert raw.data == {"reference": "NS/1", "recorded_at": "2025-01-05"}
    assert digests("  " + data.rstrip() + " \r\n", fmt="jsonl") == [raw.digest]
    reordered = '{"recorded_at": "2025-01-05", "reference": "NS/1"}\n'
    assert digests(reordered, fmt="jsonl") != [raw.digest]
    assert digests(data, fmt="jsonl", source="niche") != [raw.digest]


def test_only_changed_rows_of_a_changed_feed_have_new_digests(tmp_path):
    for fmt in ("csv", "jsonl"):
        base, changed = tmp_path / f"base.{fmt}", tmp_path / f"changed.{fmt}"
        generate_feed(base, 3_000, seed=11, fmt=fmt)
        generate_feed(changed, 3_000, seed=11, fmt=fmt, changed_fraction=0.02)
        reader, before = raw_records(base.read_bytes(), fmt=fmt)
        after_reader, after = raw_records(changed.read_bytes(), fmt=fmt)
        assert [raw.reference for raw in before] == [raw.reference for raw in after]
        differ = [a for a, b in zip(after, before, strict=True) if a.digest != b.digest]
        assert 30 <= len(differ) <= 90
        for new, old in zip(after, before, strict=True):
            same_result = reader.convert(old) == after_reader.convert(new)
            assert same_result is (new.digest == old.digest)


# --- the record splitter ----------------------------------------------------------------------


def csv_reader_records(lines: list[str]) -> list[list[str] | str]:
    out: list[list[str] | str] = []
    reader = csv.reader(lines, strict=True)
    while True:
        try:
            out.append(next(reader))
        except StopIteration:
            return out
        except csv.Error as exc:
            out.append(str(exc))


TOKENS = ["a", "bc", ",", ",", '"', '"', '""', " ", "\r\n", "\n", "\r", "\x00", "\x1c", "é"]


def random_text(rng: random.Random, size: int) -> str:
    return "".join(rng.choice(TOKENS) for _ in range(size))


def test_record_splitter_agrees_with_csv_reader():
    rng = random.Random(1)
    for _ in range(3_000):
        text = random_text(rng, rng.randint(1, 30))
        lines = split_lines(text)
        ours = list(_csv_records(iter(lines)))
        assert [
            cells if isinstance(cells, list) else str(cells) for _, cells in ours
        ] == csv_reader_records(lines), repr(text)
        if all(isinstance(cells, list) for _, cells in ours):
            assert "".join(record for record, _ in ours) == text


def fast_head(line: str, commas: int, lead: int) -> list[str] | None:
    """What stage one's fast path cuts from a line (FeedReader._raw_csv)."""
    quote = line.find('"')
    if quote < 0:
        return line.split(",", lead) if line.count(",") == commas else None
    cut = _quoted_lead(line, quote, commas, lead, iter(()))
    return cut[1] if isinstance(cut, tuple) else None


def test_fast_path_agrees_with_the_full_split():
    rng = random.Random(2)
    tokens = ["a", ",", ",", '"', '"', '""', " ", "x,y"]
    agreed = 0
    for _ in range(20_000):
        text = "".join(rng.choice(tokens) for _ in range(rng.randint(1, 14)))
        text += rng.choice(["\r\n", "\n", "\r", ""])  # as the decoder ends lines
        for lead in (1, 2, 3):
            for commas in range(lead, 7):  # the fast path needs the key before the last value
                head = fast_head(text, commas, lead)
                if head is None:
                    continue
                _, cells = _csv_record(text, iter(()))
                assert isinstance(cells, list), repr(text)
                assert len(cells) == commas + 1, repr(text)
                assert head[:lead] == cells[:lead], repr(text)
                agreed += 1
    assert agreed > 1_000


def test_fast_path_over_several_lines_agrees_with_csv_reader():
    rng = random.Random(4)
    tokens = ["a", ",", ",", '"', '"', '""', " ", "\r\n", "\n", "\r"]
    agreed = followed = gathered = 0
    for _ in range(10_000):
        text = "".join(rng.choice(tokens) for _ in range(rng.randint(1, 16)))
        lines = split_lines(text)
        quote = lines[0].find('"')
        if quote < 0:
            continue
        for lead in (1, 2):
            for commas in range(lead, 5):
                expected_rest = iter(lines[1:])
                expected_text, expected = _csv_record(lines[0], expected_rest)
                rest = iter(lines[1:])
                cut = _quoted_lead(lines[0], quote, commas, lead, rest)
                if isinstance(cut, tuple):
                    assert isinstance(expected, list), repr(text)
                    assert cut[0] == expected_text, repr(text)
                    assert len(expected) == commas + 1, repr(text)
                    assert cut[1][:lead] == expected[:lead], repr(text)
                    agreed += 1
                    followed += cut[0] != lines[0]  # a value over several lines
                else:
                    gathered += cut != lines[0]
                    got_text, got = _read_record(split_lines(cut), rest)
                    assert str(got) == str(expected), repr(text)
                    assert got_text == expected_text or not isinstance(got, list), repr(text)
                assert list(rest) == list(expected_rest), repr(text)
    assert agreed > 300
    assert followed > 50
    assert gathered > 100


def test_split_lines_is_io_universal_newlines():
    rng = random.Random(3)
    tokens = ["ab", "\r", "\n", "\r\n", "\v", "\f", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "é"]
    for _ in range(3_000):
        text = "".join(rng.choice(tokens) for _ in range(rng.randint(1, 12)))
        assert split_lines(text) == io.StringIO(text, newline="").readlines(), repr(text)


# --- the API ----------------------------------------------------------------------------------


def test_a_reader_is_read_once_either_way():
    reader = FeedReader(io.BytesIO(CSV.encode()), fmt="csv", now=NOW)
    list(reader.raw_batches(10))
    with pytest.raises(RuntimeError):
        list(reader)
    with pytest.raises(RuntimeError):
        reader.raw_batches(10)
    reader = FeedReader(io.BytesIO(CSV.encode()), fmt="csv", now=NOW)
    list(reader)
    with pytest.raises(RuntimeError):
        reader.raw_batches(10)


def test_batch_size_must_be_positive():
    with pytest.raises(ValueError, match="batch_size"):
        FeedReader(io.BytesIO(CSV.encode()), fmt="csv", now=NOW).raw_batches(0)


def test_batches_hold_notices_first_and_count_rows():
    data = "reference,colour,recorded_at\r\n" + "".join(
        f"NS/{i},red,2025-01-05\r\n" for i in range(5)
    )
    reader = FeedReader(io.BytesIO(data.encode()), fmt="csv", now=NOW)
    batches = list(reader.raw_batches(2))
    assert batches[0].errors == [RowError(None, "colour", "unknown column 'colour' ignored")]
    assert [len(batch.records) for batch in batches] == [1, 2, 2]
    assert [batch.last_row for batch in batches] == [1, 3, 5]
    assert reader.rows == 5


def test_header_only_file_has_no_batches():
    reader = FeedReader(io.BytesIO(b"reference,recorded_at\r\n\r\n"), fmt="csv", now=NOW)
    assert list(reader.raw_batches(10)) == []


@pytest.mark.parametrize(
    ("data", "match"),
    [
        (b"\r\n", "empty"),
        (b"reference,narrative\r\nNS/1,x\r\n", "no 'recorded_at' column"),
        ("reference,recorded_at\r\nNS/1,2025-01-05\r\nNS/2,Renée\r\n".encode("utf-16"), "UTF-16"),
    ],
)
def test_unreadable_csv_is_refused_in_stage_one(data, match):
    with pytest.raises(FeedUnreadable, match=match):
        list(FeedReader(io.BytesIO(data), fmt="csv", now=NOW).raw_batches(10))


def test_a_bad_byte_late_in_the_file_refuses_it_after_earlier_batches():
    head = "reference,recorded_at,narrative\r\nNS/0,2025-01-05,Café\r\n".encode()
    filler = b"".join(b"NS/%d,2025-01-05,Plain narrative\r\n" % i for i in range(1, 40_000))
    reader = FeedReader(
        io.BytesIO(head + filler + b"NS/x,2025-01-05,Caf\xe9\r\n"), fmt="csv", now=NOW
    )
    batches = reader.raw_batches(1_000)
    assert len(next(batches).records) == 1_000
    with pytest.raises(FeedUnreadable, match="not UTF-8"):
        list(batches)


class CountingStream(io.BytesIO):
    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.bytes_read = 0

    def read(self, size: int | None = -1) -> bytes:
        chunk = super().read(size)
        self.bytes_read += len(chunk)
        return chunk


def test_stage_one_streams_a_batch_at_a_time():
    header = "reference,recorded_at,narrative\r\n"
    rows = "".join(f"NS/{i},2025-01-05,{'narrative ' * 30}\r\n" for i in range(50_000))
    stream = CountingStream((header + rows).encode())
    reader = FeedReader(stream, fmt="csv", now=NOW)
    batches = reader.raw_batches(1_000)
    first = next(batches)
    assert len(first.records) == 1_000
    assert stream.bytes_read <= 1 << 20  # one chunk of a ~16 MB file
    assert reader.rows == 1_000
    assert sum(len(batch.records) for batch in batches) == 49_000


def test_keys_per_batch_leave_the_duplicate_rule_across_batches_to_the_caller():
    """keys="batch" (an import into a table without logs): the reader applies the duplicate
    rule within each batch and forgets the keys; with the rule applied across batches by the
    caller (RawBatch.keys, convert(duplicate=True)), the result is the one-pass result."""
    ok = {"recorded_at": "2025-01-05T10:00"}
    data = ",".join(COLUMNS) + "\r\n"
    data += "".join(
        [
            line(reference="K/1", **ok),
            line(reference="K/2", recorded_at="bad"),  # rejected on conversion
            line(reference="K/1", **ok),  # a duplicate within the first batch of three
            line(reference="K/1", recorded_at="bad", area="X" * 65),  # across, errors of its own
            line(reference="K/2", **ok),  # the first K/2 was rejected: still a duplicate
            line(reference="K/3", **ok, narrative='a "quoted" word'),
            line(reference="k/3", source="RMS", **ok),  # another reference (case matters)
        ]
    )
    assert_same(data)
    _, expected, _ = one_pass(data)
    rejected = [(e.row, e.column) for e in expected if isinstance(e, RowError)]
    assert rejected == [
        (2, "recorded_at"),
        (3, "reference"),
        (4, "recorded_at"),
        (4, "area"),
        (4, "reference"),  # the duplicate's error comes after the cells', before the rest
        (5, "reference"),
    ]

    reader = FeedReader(io.BytesIO(data.encode()), fmt="csv", now=NOW)
    batches = reader.raw_batches(3, keys="batch")
    first = next(batches)  # the unknown column's notice, rows 1 and 2
    assert (first.rows, len(reader._seen)) == ([1, 2], 2)
    second = next(batches)
    # K/1 forgotten before row 3 was read: a record for the caller to reject; row 4 repeats
    # it within the batch, rejected here with all its errors.
    assert second.rows == [3]
    assert [(e.row, e.column) for e in second.errors] == rejected[2:5]
    assert second.keys == first.keys[:1]
    third = next(batches)
    assert (third.rows, third.errors, len(reader._seen)) == ([5, 6, 7], [], 3)
    assert third.keys[0] == first.keys[1]  # K/2, whose first row was rejected on conversion

"""The crime-log import: counts, bad rows, idempotence, parties, resume (docs/log-feed.md)."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from cases.feed import RowError, iter_feed
from cases.feed.importer import create_feed_import, report, run_import
from cases.models import CrimeLog, FeedImport, LogParty, LogSignal

pytestmark = pytest.mark.django_db

HEADER = (
    "reference,source,recorded_at,offence_code,offence,flags,area,officer,"
    "victim_id,victim_name,victim_dob,suspect_id,suspect_name,suspect_dob,relationship,"
    "narrative,status\n"
)


def row(ref: str, **overrides: str) -> str:
    values = {
        "reference": ref,
        "source": "rms",
        "recorded_at": "2026-03-01T10:00:00",
        "offence_code": "8L",
        "offence": "Harassment",
        "flags": "DA",
        "area": "NS-NORTH",
        "officer": "PC1234",
        "victim_id": "V1",
        "victim_name": "Ada Example",
        "victim_dob": "1990-01-02",
        "suspect_id": "S1",
        "suspect_name": "Sam Sample",
        "suspect_dob": "1988-05-06",
        "relationship": "ex-partner",
        "narrative": "Suspect sent messages.",
        "status": "open",
    } | overrides
    return ",".join(_quote(values[name]) for name in HEADER.strip().split(",")) + "\n"


def _quote(value: str) -> str:
    if any(ch in value for ch in ',"\n\r'):
        return '"' + value.replace('"', '""') + '"'
    return value


def write(tmp_path: Path, text: str, name: str = "feed.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


@pytest.fixture(params=["digests read up front", "digests asked per batch", "snapshot missed"])
def digest_paths(request, monkeypatch):
    """The three ways a re-import tells unchanged rows (cases/feed/digests.py): the stored
    digests read once and followed; too many to read, Postgres asked about every row; and a
    snapshot that missed the logs (another import wrote them meanwhile), every row a
    candidate that Postgres is asked about."""
    from cases.feed import importer
    from cases.feed.digests import StoredDigests

    if request.param == "digests asked per batch":
        monkeypatch.setattr(importer, "load_stored_digests", lambda estimate: None)
    elif request.param == "snapshot missed":
        monkeypatch.setattr(importer, "load_stored_digests", lambda estimate: StoredDigests.of([]))
    return request.param


def stop_after_writes(feed_import: FeedImport, writes: int) -> None:
    """Run the import in batches of two until `writes` batches are committed, then stop it
    as a killed worker would; `feed_import` is refreshed."""
    written = []

    def crash(progress):
        written.append(progress)
        if len(written) == writes:
            raise RuntimeError("worker killed")

    with pytest.raises(RuntimeError):
        run_import(feed_import, batch_size=2, on_progress=crash)
    feed_import.refresh_from_db()


def import_json(path: Path, *extra: str) -> dict:
    out = io.StringIO()
    call_command("import_logs", str(path), "--json", *extra, stdout=out)
    return json.loads(out.getvalue())


def test_new_file_creates_logs_with_parties(tmp_path):
    path = write(tmp_path, HEADER + row("A1") + row("A2", victim_id="V2", victim_name="Bea Other"))
    result = import_json(path)
    assert (result["created"], result["updated"], result["unchanged"], result["rejected"]) == (
        2,
        0,
        0,
        0,
    )
    assert result["errors"] == []
    log = CrimeLog.objects.get(reference="A1")
    assert log.offence_code == "8L"
    assert log.flags == ["DA"]
    assert log.recorded_at == datetime(2026, 3, 1, 10, tzinfo=UTC)  # GMT in March
    parties = {p.role: p for p in log.parties.all()}
    assert parties["victim"].name == "Ada Example"
    assert parties["suspect"].source_id == "S1"
    assert parties["victim"].person_id is not None  # linked to a Person by the import
    feed_import = FeedImport.objects.get()
    assert log.created_by_import == feed_import
    assert feed_import.status == FeedImport.Status.DONE


@pytest.mark.usefixtures("digest_paths")
def test_reimport_is_idempotent_and_touches_nothing(tmp_path):
    path = write(tmp_path, HEADER + row("A1") + row("A2"))
    import_json(path)
    before = {log.pk: log.updated_at for log in CrimeLog.objects.all()}
    party_ids = set(LogParty.objects.values_list("pk", flat=True))
    result = import_json(path)
    assert (result["created"], result["updated"], result["unchanged"]) == (0, 0, 2)
    assert {log.pk: log.updated_at for log in CrimeLog.objects.all()} == before
    assert set(LogParty.objects.values_list("pk", flat=True)) == party_ids
    assert CrimeLog.pgh_event_model.objects.count() == 0


@pytest.mark.usefixtures("digest_paths")
def test_changed_row_is_updated_with_history(tmp_path):
    import_json(write(tmp_path, HEADER + row("A1") + row("A2")))
    result = import_json(write(tmp_path, HEADER + row("A1", status="closed") + row("A2"), "v2.csv"))
    assert (result["created"], result["updated"], result["unchanged"]) == (0, 1, 1)
    log = CrimeLog.objects.get(reference="A1")
    assert log.status == "closed"
    history = list(CrimeLog.pgh_event_model.objects.filter(pgh_obj=log))
    assert [event.status for event in history] == ["open"]  # the row as it was before
    assert log.changed_by_import == FeedImport.objects.order_by("-pk").first()


@pytest.mark.usefixtures("digest_paths")
def test_changed_party_replaces_parties_of_that_role_only(tmp_path):
    import_json(write(tmp_path, HEADER + row("A1")))
    suspect_before = LogParty.objects.get(role="suspect").pk
    result = import_json(write(tmp_path, HEADER + row("A1", victim_name="Ada Renamed"), "v2.csv"))
    assert result["updated"] == 1
    assert LogParty.objects.get(role="victim").name == "Ada Renamed"
    assert LogParty.objects.get(role="suspect").pk == suspect_before


def test_empty_cell_clears_and_absent_column_leaves(tmp_path):
    import_json(write(tmp_path, HEADER + row("A1", narrative="Original narrative.")))
    narrow = "reference,recorded_at,status\nA1,2026-03-01T10:00:00,closed\n"
    result = import_json(write(tmp_path, narrow, "narrow.csv"))
    assert result["updated"] == 1
    log = CrimeLog.objects.get(reference="A1")
    assert (log.status, log.narrative, log.offence_code) == ("closed", "Original narrative.", "8L")
    assert log.parties.count() == 2  # no party columns: parties left alone
    cleared = "reference,recorded_at,narrative\nA1,2026-03-01T10:00:00,\n"
    import_json(write(tmp_path, cleared, "cleared.csv"))
    log.refresh_from_db()
    assert log.narrative == ""


@pytest.mark.parametrize(
    ("bad_row", "column", "fragment"),
    [
        (row("", recorded_at="2026-03-01"), "reference", "reference"),
        (row("B1", recorded_at="31/02/2026"), "recorded_at", ""),
        (row("B1", recorded_at="2099-01-01"), "recorded_at", "future"),
        (row("B1", offence_code="X" * 17), "offence_code", ""),
        (row("B1", narrative="bad\x00byte"), "narrative", ""),
    ],
)
def test_bad_row_is_rejected_with_row_column_reason_and_rest_imports(
    tmp_path, bad_row, column, fragment
):
    path = write(tmp_path, HEADER + row("OK1") + bad_row + row("OK2"))
    result = import_json(path)
    assert (result["created"], result["rejected"]) == (2, 1)
    errors = [error for error in result["errors"] if error["row"] is not None]
    assert errors
    assert {error["row"] for error in errors} == {2}
    assert column in {error["column"] for error in errors}
    assert fragment in " ".join(error["message"] for error in errors).lower()
    assert not CrimeLog.objects.filter(reference="B1").exists()


def test_duplicate_reference_in_a_file_keeps_the_first(tmp_path):
    path = write(tmp_path, HEADER + row("D1", status="first") + row("D1", status="second"))
    result = import_json(path)
    assert (result["created"], result["rejected"]) == (1, 1)
    assert result["errors"][0]["row"] == 2
    assert CrimeLog.objects.get(reference="D1").status == "first"


def test_unknown_column_is_reported_once_with_row_null(tmp_path):
    text = "reference,recorded_at,colour\nU1,2026-03-01,red\nU2,2026-03-01,blue\n"
    result = import_json(write(tmp_path, text))
    assert result["created"] == 2
    assert result["rejected"] == 0
    assert [e for e in result["errors"] if e["row"] is None] == [
        {"row": None, "column": "colour", "message": "Unknown column 'colour' was ignored."}
    ]


def test_windows_1252_and_formula_values_are_stored_as_text(tmp_path):
    text = HEADER + row("W1", victim_name="Zoë Café", narrative="=cmd|' /C calc'!A0 cost £5")
    import_json(write(tmp_path, text, encoding="cp1252"))
    log = CrimeLog.objects.get(reference="W1")
    assert log.narrative == "=cmd|' /C calc'!A0 cost £5"
    assert log.parties.get(role="victim").name == "Zoë Café"


def test_quoted_newlines_and_crlf(tmp_path):
    text = (HEADER + row("Q1", narrative="line one\nline two") + row("Q2")).replace("\n", "\r\n")
    result = import_json(write(tmp_path, text))
    assert result["created"] == 2
    assert CrimeLog.objects.get(reference="Q1").narrative == "line one\nline two"


def test_unreadable_file_is_refused_whole_with_nonzero_exit(tmp_path):
    path = write(tmp_path, "ref,when\nA,2026-01-01\n")
    with pytest.raises(CommandError, match="refused"):
        call_command("import_logs", str(path), "--json", stdout=io.StringIO())
    assert not CrimeLog.objects.exists()
    assert FeedImport.objects.get().status == FeedImport.Status.REFUSED


def test_undecodable_byte_late_in_file_refuses_before_importing_anything(tmp_path):
    good = (HEADER + row("E1")).encode("utf-8") + "Zoë".encode()
    bad = b"\n" + row("E2").encode() + b"\x81\x8d\n"
    path = tmp_path / "mixed.csv"
    path.write_bytes(good + bad)
    with pytest.raises(CommandError):
        call_command("import_logs", str(path), stdout=io.StringIO())
    assert not CrimeLog.objects.exists()


def test_jsonl_with_several_parties(tmp_path):
    record = {
        "reference": "J1",
        "recorded_at": "2026-02-01T09:00:00Z",
        "offence_code": "8Q",
        "parties": [
            {"role": "victim", "id": "V1", "name": "Ada Example", "dob": "1990-01-02"},
            {"role": "victim", "id": "V2", "name": "Bea Other"},
            {"role": "suspect", "id": "S1", "name": "Sam Sample"},
        ],
    }
    path = write(tmp_path, json.dumps(record) + "\n", "feed.jsonl")
    assert import_json(path)["created"] == 1
    log = CrimeLog.objects.get(reference="J1")
    assert log.parties.filter(role="victim").count() == 2
    assert LogSignal.objects.filter(log=log, kind="tagged_stalking").exists()


@pytest.mark.usefixtures("digest_paths")
def test_resume_after_a_crash_continues_after_the_last_committed_batch(tmp_path):
    path = write(tmp_path, HEADER + "".join(row(f"R{n}") for n in range(1, 8)))
    feed_import = create_feed_import(path=path, origin=FeedImport.Origin.COMMAND)
    stop_after_writes(feed_import, 2)
    assert feed_import.status == FeedImport.Status.RETRY  # attempt 1 of 3 on the file
    assert feed_import.file_attempts == 1
    assert feed_import.rows_processed == 4
    assert CrimeLog.objects.count() == 4
    run_import(feed_import, batch_size=2)
    feed_import.refresh_from_db()
    assert feed_import.status == FeedImport.Status.DONE
    assert (feed_import.created, feed_import.unchanged) == (7, 0)
    assert CrimeLog.objects.count() == 7


def test_report_matches_the_documented_shape(tmp_path):
    path = write(tmp_path, HEADER + row("A1"))
    feed_import = run_import(create_feed_import(path=path, origin=FeedImport.Origin.COMMAND))
    assert set(report(feed_import)) == {"created", "updated", "unchanged", "rejected", "errors"}


def test_human_output_lists_the_problems(tmp_path):
    path = write(tmp_path, HEADER + row("A1") + row("A1"))
    out = io.StringIO()
    call_command("import_logs", str(path), stdout=out)
    assert "1 created, 0 updated, 0 unchanged, 1 rejected" in out.getvalue()
    assert "row 2" in out.getvalue()


def test_unchanged_records_are_skipped_by_digest_without_conversion(
    tmp_path, monkeypatch, digest_paths
):
    from cases.feed.parsing import FeedReader

    path = write(tmp_path, HEADER + row("F1") + row("F2") + row("F3"))
    import_json(path)
    converted = []
    original = FeedReader.convert

    def counting(self, raw):
        converted.append(raw.row)
        return original(self, raw)

    monkeypatch.setattr(FeedReader, "convert", counting)
    result = import_json(
        write(tmp_path, HEADER + row("F1") + row("F2", status="closed") + row("F3"), "v2.csv")
    )
    assert (result["updated"], result["unchanged"]) == (1, 2)
    assert converted == [2]


def test_same_values_written_differently_are_unchanged_and_then_skipped(
    tmp_path, monkeypatch, digest_paths
):
    from cases.feed.parsing import FeedReader

    import_json(write(tmp_path, HEADER + row("G1")))
    # The same record with a UK date instead of ISO: a new digest, the same values.
    text = HEADER + row("G1", recorded_at="01/03/2026 10:00")
    result = import_json(write(tmp_path, text, "uk-dates.csv"))
    assert (result["updated"], result["unchanged"]) == (0, 1)
    assert CrimeLog.pgh_event_model.objects.count() == 0
    converted = []
    original = FeedReader.convert

    def counting(self, raw):
        converted.append(raw.row)
        return original(self, raw)

    monkeypatch.setattr(FeedReader, "convert", counting)
    result = import_json(write(tmp_path, text, "uk-dates-again.csv"))
    assert result["unchanged"] == 1
    assert converted == []


def test_flags_with_quotes_backslashes_and_spaces_survive_the_bulk_path(tmp_path):
    import_json(write(tmp_path, HEADER + row("K1", flags='HATE CRIME;A"B;C\\D;DA')))
    assert CrimeLog.objects.get(reference="K1").flags == ["HATE CRIME", 'A"B', "C\\D", "DA"]


def test_a_reimports_changed_rows_are_written_together_and_resume_after_the_last_write(
    tmp_path, monkeypatch
):
    """A re-import gathers its few changed rows over several read batches (a stretch) and
    writes them in one transaction; a stop part-way loses only the stretch being written."""
    from cases.feed import importer
    from cases.feed.parsing import FeedReader

    refs = [f"S{n}" for n in range(1, 11)]
    import_json(write(tmp_path, HEADER + "".join(row(ref) for ref in refs)))
    changed = {"S3", "S8"}
    text = HEADER + "".join(row(ref, status="closed" if ref in changed else "open") for ref in refs)
    path = write(tmp_path, text, "v2.csv")

    # Whole stretches: the two changed rows in one write, not one write per read batch.
    monkeypatch.setattr(importer, "STRETCH_BATCHES", 2)
    writes = []
    original = FeedReader.convert

    def stop_at_row_8(self, raw):
        if raw.row == 8:
            raise RuntimeError("worker killed")
        return original(self, raw)

    monkeypatch.setattr(FeedReader, "convert", stop_at_row_8)
    feed_import = create_feed_import(path=path, origin=FeedImport.Origin.COMMAND)
    with pytest.raises(RuntimeError):
        run_import(feed_import, batch_size=2, on_progress=lambda progress: writes.append(1))
    feed_import.refresh_from_db()
    # Rows 1-4 (read batches 1 and 2) were written as one stretch; rows 5-8 were not.
    assert (len(writes), feed_import.rows_processed) == (1, 4)
    assert (feed_import.updated, feed_import.unchanged) == (1, 3)
    assert CrimeLog.objects.get(reference="S3").status == "closed"
    assert CrimeLog.objects.get(reference="S8").status == "open"

    monkeypatch.setattr(FeedReader, "convert", original)
    monkeypatch.setattr(importer, "STRETCH_BATCHES", 20)
    run_import(feed_import, batch_size=2, on_progress=lambda progress: writes.append(1))
    feed_import.refresh_from_db()
    assert feed_import.status == FeedImport.Status.DONE
    assert len(writes) == 2  # rows 5-10 in one stretch
    assert (feed_import.created, feed_import.updated, feed_import.unchanged) == (0, 2, 8)
    assert CrimeLog.objects.get(reference="S8").status == "closed"
    assert CrimeLog.pgh_event_model.objects.count() == 2


def test_new_logs_are_numbered_in_the_feeds_order(tmp_path):
    """A re-import follows the stored digests in id order (cases/feed/digests.py)."""
    refs = [f"N{n:02d}" for n in (7, 3, 9, 1, 5, 8, 2, 6, 4)]
    import_json(write(tmp_path, HEADER + "".join(row(ref) for ref in refs)))
    assert list(CrimeLog.objects.order_by("pk").values_list("reference", flat=True)) == refs


def _one_pass_errors(path: Path) -> list[dict]:
    """The errors the one-pass parser gives for the file, in the report's shape."""
    with path.open("rb") as handle:
        items = list(iter_feed(handle, fmt="csv", default_source="rms", now=timezone.now()))
    return [
        {"row": item.row, "column": item.column, "message": item.message}
        for item in items
        if isinstance(item, RowError)
    ]


REPEATS = (
    row("K1", status="first")
    + row("K2", recorded_at="yesterday")  # rejected on conversion
    + row("K1", status="second")  # a duplicate in the same batch of two
    + row("K3")
    + row("K1", status="third", recorded_at="bad", area="X" * 65)  # later, with errors of its own
    + row("K2", status="kept?")  # the first K2 was rejected: still a duplicate
    + row("K4", narrative='a "quoted" word')
    + row("K3", status="again")  # batches later
)


@pytest.mark.parametrize("table", ["without logs", "holding logs"])
def test_duplicates_across_batches_are_rejected_as_one_pass_rejects_them(tmp_path, table):
    """Into a table without logs the duplicate rule across batches is held in Postgres
    (cases.feed.staging.start_earlier_keys), into one holding logs in the reader's memory:
    either way the first row of a key is kept and the later ones are rejected with the
    errors the one-pass parser gives them."""
    if table == "holding logs":
        import_json(write(tmp_path, HEADER + row("OTHER"), name="other.csv"))
    path = write(tmp_path, HEADER + REPEATS)
    feed_import = create_feed_import(path=path, origin=FeedImport.Origin.COMMAND)
    run_import(feed_import, batch_size=2)
    feed_import.refresh_from_db()
    result = report(feed_import)
    assert (result["created"], result["rejected"]) == (3, 5)
    assert result["errors"] == _one_pass_errors(path)
    assert [error["row"] for error in result["errors"]] == [2, 3, 5, 5, 5, 6, 8]
    assert CrimeLog.objects.get(reference="K1").status == "first"
    assert CrimeLog.objects.get(reference="K3").status == "open"
    assert not CrimeLog.objects.filter(reference="K2").exists()


def test_a_duplicate_of_a_row_before_the_resume_point_is_rejected_after_it(tmp_path):
    path = write(tmp_path, HEADER + REPEATS)
    feed_import = create_feed_import(path=path, origin=FeedImport.Origin.COMMAND)
    stop_after_writes(feed_import, 2)
    assert feed_import.rows_processed == 4
    run_import(feed_import, batch_size=2)
    feed_import.refresh_from_db()
    result = report(feed_import)
    assert feed_import.status == FeedImport.Status.DONE
    assert (result["created"], result["rejected"]) == (3, 5)
    assert result["errors"] == _one_pass_errors(path)


def test_an_earlier_imports_keys_are_not_duplicates_of_the_next(tmp_path):
    """The keys held in Postgres belong to one import (they go with the reader thread's
    connection, and a reused one is emptied first): a second import into a table still
    without logs starts with none."""
    rejected = write(tmp_path, HEADER + row("E1", recorded_at="bad") + row("E2", recorded_at="bad"))
    first = import_json(rejected)
    assert (first["created"], first["rejected"]) == (0, 2)
    second = import_json(write(tmp_path, HEADER + row("E1") + row("E2"), name="fixed.csv"))
    assert (second["created"], second["rejected"], second["errors"]) == (2, 0, [])

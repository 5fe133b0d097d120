"""Register import: matching, new and unmatched people, bad rows (CSV and XLSX), files that are
not registers, idempotent and corrected re-imports, capacity, and the command's JSON report."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from django.core.management import CommandError, call_command

from foundation.accounts.models import Agency
from foundation.lib.spreadsheets import SpreadsheetRefused
from foundation.lib.working_time import LONDON
from tests.factories import AgencyFactory, UserFactory
from tests.factories.training import (
    EnrolmentFactory,
    SessionFactory,
    TeamFactory,
    TraineeFactory,
)
from tests.training.sheets import REGISTER_HEADER, csv_bytes, with_saved_value, xlsx_bytes
from training.errors import TrainingError
from training.models import Enrolment, ImportReport, Trainee
from training.services.registers import import_register

pytestmark = pytest.mark.django_db

STARTS = datetime(2026, 3, 10, 9, 30, tzinfo=LONDON)
AFTER = STARTS + timedelta(days=1)


@pytest.fixture
def force(db) -> Agency:
    return AgencyFactory(name="Home Force", kind=Agency.Kind.POLICE_FORCE, code="HF")


@pytest.fixture
def session(force):
    return SessionFactory(starts_at=STARTS, capacity=20)


@pytest.fixture
def known(force):
    """Two people on the roster: one found by collar number, one by e-mail."""
    team = TeamFactory(name="Neighbourhood North", organisation=force)
    by_number = TraineeFactory(name="Ada Known", staff_number="1001", email="", team=team)
    by_email = TraineeFactory(
        name="Bea Known", staff_number="", email="bea.known@force.example", team=team
    )
    return by_number, by_email


def run(session, data, **kwargs):
    return import_register(session=session, data=data, by=None, now=AFTER, **kwargs).report


def statuses(session) -> dict[str, str]:
    return dict(session.enrolments.values_list("trainee__name", "status"))


GOOD_AND_BAD = [
    ["Ada Known", "1001", "", "", "", "Attended"],  # row 2: matched by number
    ["", "", "BEA.KNOWN@force.example", "", "", "completed"],  # row 3: matched by e-mail
    ["Cal New", "PC 2002", "", "Neighbourhood North", "Home Force", "DNA"],  # row 4: created
    ["Dee Nameonly", "", "", "", "Home Force", "attended"],  # row 5: unmatched (name only)
    ["Eli Noorg", "3003", "", "", "", "attended"],  # row 6: unmatched (no organisation)
    ["Fay Elsewhere", "4004", "", "", "Atlantis Council", "attended"],  # row 7: unknown org
    ["", "", "", "Neighbourhood North", "Home Force", "attended"],  # row 8: names no one
    ["Gus Maybe", "5005", "", "", "Home Force", "maybe"],  # row 9: unreadable status
    ["Hal Bademail", "", "not-an-email", "", "Home Force", "attended"],  # row 10: bad e-mail
    ["Ada Again", "1001", "", "", "", "Attended"],  # row 11: the same person as row 2
    ["Ivy Blank", "6006", "", "", "Home Force", ""],  # row 12: blank status
]


def check_good_and_bad(report, session, known):
    assert {key: report[key] for key in ("matched", "created", "unmatched", "rejected")} == {
        "matched": 2,
        "created": 1,
        "unmatched": 3,
        "rejected": 5,
    }
    assert (report["added"], report["updated"], report["unchanged"]) == (3, 0, 0)
    errors = {error["row"]: (error["column"], error["message"]) for error in report["errors"]}
    assert errors[8] == (None, "The row names no one: it has no name, staff number or e-mail.")
    assert errors[9][0] == "Attendance"
    assert "Cannot read the status 'maybe'" in errors[9][1]
    assert errors[10][0] == "E-mail"
    assert errors[11] == (None, "The same person as row 2: listed twice.")
    assert errors[12][0] == "Attendance"
    assert [row["row"] for row in report["unmatched_rows"]] == [5, 6, 7]
    assert "name alone" in report["unmatched_rows"][0]["reason"]
    assert "no organisation" in report["unmatched_rows"][1]["reason"]
    assert "'Atlantis Council' is not known" in report["unmatched_rows"][2]["reason"]
    assert statuses(session) == {
        "Ada Known": "attended",
        "Bea Known": "completed",
        "Cal New": "did_not_attend",
    }
    created = Trainee.objects.get(name="Cal New")
    assert created.staff_number == "PC2002"
    assert created.team.name == "Neighbourhood North"
    assert created.source == Trainee.Source.REGISTER
    # Nothing of the rejected or unmatched rows was written.
    assert not Trainee.objects.filter(
        name__in=["Dee Nameonly", "Eli Noorg", "Fay Elsewhere", "Gus Maybe", "Hal Bademail"]
    ).exists()


def test_csv_register_with_bad_rows_and_unmatched_people(session, known):
    report = run(session, csv_bytes(GOOD_AND_BAD))
    check_good_and_bad(report, session, known)
    saved = ImportReport.objects.get()
    assert saved.session == session
    assert saved.report == report


def test_xlsx_register_with_bad_rows_and_unmatched_people(session, known):
    check_good_and_bad(run(session, xlsx_bytes(GOOD_AND_BAD)), session, known)


def test_importing_the_same_register_twice_changes_nothing(session, known):
    data = csv_bytes(GOOD_AND_BAD)
    run(session, data)
    before = (
        sorted(Enrolment.objects.values_list("pk", "status", "status_changed_at")),
        sorted(Trainee.objects.values_list("pk", "name", "updated_at")),
    )
    again = run(session, data)
    assert (again["matched"], again["created"], again["unmatched"], again["rejected"]) == (
        3,
        0,
        3,
        5,
    )
    assert (again["added"], again["updated"], again["unchanged"]) == (0, 0, 3)
    after = (
        sorted(Enrolment.objects.values_list("pk", "status", "status_changed_at")),
        sorted(Trainee.objects.values_list("pk", "name", "updated_at")),
    )
    assert after == before


def test_a_corrected_register_updates_those_attendances_and_lists_them(session, known):
    rows = [
        ["Ada Known", "1001", "", "", "", "Attended"],
        ["Bea Known", "", "bea.known@force.example", "", "", "attended"],
    ]
    run(session, csv_bytes(rows))
    rows[1][5] = "Did not attend"
    report = run(session, csv_bytes(rows))
    assert (report["updated"], report["unchanged"]) == (1, 1)
    assert report["updated_rows"] == [{"row": 3, "from": "attended", "to": "did_not_attend"}]
    assert statuses(session)["Bea Known"] == "did_not_attend"


def test_booked_people_get_their_attendance(session, known):
    ada, _ = known
    EnrolmentFactory(session=session, trainee=ada)
    report = run(session, csv_bytes([["Ada Known", "1001", "", "", "", "attended"]]))
    assert (report["added"], report["updated"]) == (0, 1)
    assert session.enrolments.get().status == "attended"


def test_a_session_over_capacity_rejects_the_rows_beyond_it(force, known):
    small = SessionFactory(starts_at=STARTS, capacity=2)
    rows = [
        ["Ada Known", "1001", "", "", "", "attended"],
        ["New One", "7001", "", "", "Home Force", "attended"],
        ["New Two", "7002", "", "", "Home Force", "attended"],
    ]
    report = run(small, csv_bytes(rows))
    assert (report["added"], report["rejected"]) == (2, 1)
    assert report["errors"][-1]["row"] == 4
    assert "The session is full (2 places)" in report["errors"][-1]["message"]
    # The rejected row created no one (nothing half-written).
    assert not Trainee.objects.filter(name="New Two").exists()
    assert small.enrolments.count() == 2


def test_a_date_outside_the_session_is_rejected(session, known):
    header = [*REGISTER_HEADER, "Date"]
    rows = [
        ["Ada Known", "1001", "", "", "", "attended", "10/03/2026"],
        ["Bea Known", "", "bea.known@force.example", "", "", "attended", "11/03/2026"],
        ["Cal New", "8001", "", "", "Home Force", "attended", "the tenth"],
    ]
    report = run(session, csv_bytes(rows, header))
    assert report["added"] == 1
    errors = {error["row"]: error for error in report["errors"]}
    assert errors[3]["column"] == "Date"
    assert errors[3]["message"] == "The date 11/03/2026 is not the session's date (10/03/2026)."
    assert errors[4]["message"] == "Cannot read the date 'the tenth'."


def test_usual_spellings_of_a_forces_own_sheet(session, known):
    header = ["Forename", "Surname", "Staff No.", "Work e-mail", "Dept", "Agency", "Attended?"]
    rows = [["Ada", "Known", "1001", "", "", "", "Y"], ["Jo", "Newby", "9009", "", "", "HF", "Yes"]]
    report = run(session, csv_bytes(rows, header))
    assert (report["matched"], report["created"], report["rejected"]) == (1, 1, 0)
    assert Trainee.objects.get(staff_number="9009").name == "Jo Newby"


def test_no_status_column_means_attended_and_unknown_columns_are_notices(session, known):
    header = ["Delegate name", "Collar No", "Notes"]
    report = run(session, csv_bytes([["Ada Known", "1001", "late"]], header))
    assert statuses(session) == {"Ada Known": "attended"}
    notices = [error["message"] for error in report["errors"] if error["row"] is None]
    assert "Column 'Notes' is not one the import reads: ignored." in notices
    assert any("no status column" in notice for notice in notices)


def test_a_windows_1252_csv_reads_accents_and_curly_quotes(session, force):
    rows = [["Zoë O\u2019Neill", "1234", "", "", "Home Force", "attended"]]
    report = run(session, csv_bytes(rows, encoding="cp1252"))
    assert report["created"] == 1
    assert Trainee.objects.get(staff_number="1234").name == "Zoë O\u2019Neill"


def test_a_semicolon_separated_csv(session, known):
    report = run(session, csv_bytes([["Ada Known", "1001", "", "", "", "attended"]], delimiter=";"))
    assert report["matched"] == 1


def test_a_matching_user_account_is_linked(session, force):
    user = UserFactory(full_name="Pat Account", collar_number="4321", agency=force)
    report = run(session, csv_bytes([["", "4321", "", "", "", "completed"]]))
    assert report["created"] == 1
    trainee = Trainee.objects.get()
    assert trainee.user == user
    assert trainee.name == "Pat Account"


def test_xlsx_with_a_title_row_merged_cells_and_formulas(session, known):
    rows = [
        ["Ada Known", "1001", "", "", "Home Force", "attended"],  # row 4
        ["Kim Merged", "7777", "", "", None, "attended"],  # row 5: organisation merged from above
        ["Lee Formula", '=CONCAT("88","88")', "", "", "Home Force", "attended"],  # row 6
        ["Mo Formula", '=CONCAT("99","99")', "", "", "Home Force", "attended"],  # row 7
    ]
    data = xlsx_bytes(rows, title="Stalking awareness: register, 10 March 2026", merge=["E4:E5"])
    data = with_saved_value(data, "B6", "8888")  # saved by Excel: read as its value
    report = run(session, data)
    assert report["created"] == 2
    assert Trainee.objects.get(staff_number="7777").organisation.name == "Home Force"
    assert Trainee.objects.get(staff_number="8888").name == "Lee Formula"
    [error] = report["errors"]
    assert (error["row"], error["column"]) == (7, "Collar number")
    assert "formula with no saved value" in error["message"]


def test_xlsx_with_several_sheets(session, known):
    notes = {"Notes": [["Bring your warrant card"]], "Lists": [["attended"], ["DNA"]]}
    data = xlsx_bytes([["Ada Known", "1001", "", "", "", "attended"]], extra_sheets=notes)
    assert run(session, data)["matched"] == 1
    second = {"Day 2": [REGISTER_HEADER, ["Bea Known", "", "bea.known@force.example"]]}
    with pytest.raises(SpreadsheetRefused, match="Several sheets look like a register"):
        run(session, xlsx_bytes([["Ada Known", "1001"]], extra_sheets=second))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"%PDF-1.7\n%binary", "This is a PDF"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a spreadsheet"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "older Excel workbook"),
        (b"PK\x03\x04not really a zip", "damaged ZIP"),
        (b"", "empty"),
        (b"Dear trainer,\nplease find the register attached.\n", "No header row"),
    ],
)
def test_a_file_that_is_not_a_register_is_refused_whole(session, known, data, message):
    with pytest.raises(SpreadsheetRefused, match=message):
        run(session, data)
    assert not ImportReport.objects.exists()
    assert not session.enrolments.exists()


def test_an_opendocument_file_is_refused(session):
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
    with pytest.raises(SpreadsheetRefused, match="OpenDocument"):
        run(session, out.getvalue())


def test_cancelled_and_future_sessions_take_no_register(force, known):
    data = csv_bytes([["Ada Known", "1001", "", "", "", "attended"]])
    with pytest.raises(TrainingError, match="cancelled"):
        run(SessionFactory(starts_at=STARTS, cancelled=True), data)
    future = SessionFactory(starts_at=AFTER + timedelta(days=7))
    with pytest.raises(TrainingError, match="has not started"):
        run(future, data)
    assert not Enrolment.objects.exists()


def test_the_command_prints_the_report_as_json(session, known, tmp_path, capsys):
    path = tmp_path / "register.csv"
    path.write_bytes(csv_bytes(GOOD_AND_BAD))
    call_command("import_attendance", str(path), "--session", str(session.pk), "--json")
    report = json.loads(capsys.readouterr().out)
    assert {"matched", "created", "unmatched", "rejected", "errors"} <= set(report)
    # The same shape as `import_logs --json`: each error has its row, column and message.
    assert all(set(error) == {"row", "column", "message"} for error in report["errors"])
    assert report["rejected"] == 5


def test_the_command_refuses_an_unknown_session_or_file(session, tmp_path):
    path = tmp_path / "register.csv"
    path.write_bytes(csv_bytes([["Ada Known", "1001", "", "", "", "attended"]]))
    with pytest.raises(CommandError, match="There is no session 999999"):
        call_command("import_attendance", str(path), "--session", "999999")
    with pytest.raises(CommandError, match="is not a file"):
        call_command(
            "import_attendance", str(tmp_path / "missing.csv"), "--session", str(session.pk)
        )
    bad = tmp_path / "photo.csv"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    with pytest.raises(CommandError, match="refused and nothing was saved"):
        call_command("import_attendance", str(bad), "--session", str(session.pk))


def test_the_command_prints_a_readable_summary(session, known, tmp_path, capsys):
    path = tmp_path / "register.csv"
    path.write_bytes(csv_bytes(GOOD_AND_BAD))
    call_command("import_attendance", str(path), "--session", str(session.pk))
    out = capsys.readouterr().out
    assert "2 matched, 1 added to the roster, 3 unmatched, 5 rejected" in out
    assert "row 9, column Attendance: Cannot read the status 'maybe'" in out

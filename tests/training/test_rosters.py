"""Roster import: people added and updated, accounts linked, leavers with "replace", bad rows,
idempotent re-import."""

from __future__ import annotations

import pytest

from foundation.accounts.models import Agency
from foundation.lib.spreadsheets import SpreadsheetRefused
from tests.factories import AgencyFactory, UserFactory
from tests.factories.training import TeamFactory, TraineeFactory
from tests.training.sheets import csv_bytes, xlsx_bytes
from training.errors import NotAllowed
from training.models import Trainee
from training.services.rosters import import_roster

pytestmark = pytest.mark.django_db

HEADER = ["Collar number", "Name", "E-mail", "Rank/role", "Team", "Organisation"]


@pytest.fixture
def force(db) -> Agency:
    return AgencyFactory(name="Home Force", kind=Agency.Kind.POLICE_FORCE, code="HF")


@pytest.fixture
def team(force):
    return TeamFactory(name="Neighbourhood North", organisation=force)


def run(team, data, *, replace=False):
    return import_roster(team=team, data=data, replace=replace, by=None).report


ROWS = [
    ["1001", "Ada Officer", "ada@force.example", "Neighbourhood officer", "", ""],
    ["1002", "Ben Officer", "", "Neighbourhood officer", "Neighbourhood North", "HF"],
    ["", "Cy Supervisor", "cy@force.example", "Supervisor", "", ""],
]


def test_a_roster_adds_people_and_a_second_import_changes_nothing(team):
    report = run(team, csv_bytes(ROWS, HEADER))
    assert (report["created"], report["updated"], report["rejected"]) == (3, 0, 0)
    assert set(team.members.values_list("name", flat=True)) == {
        "Ada Officer",
        "Ben Officer",
        "Cy Supervisor",
    }
    assert Trainee.objects.get(staff_number="1001").organisation == team.organisation
    before = sorted(Trainee.objects.values_list("pk", "updated_at"))
    again = run(team, xlsx_bytes(ROWS, HEADER))
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 3)
    assert sorted(Trainee.objects.values_list("pk", "updated_at")) == before


def test_a_changed_row_updates_the_person(team):
    run(team, csv_bytes(ROWS, HEADER))
    changed = [row[:] for row in ROWS]
    changed[0][3] = "Sergeant"
    report = run(team, csv_bytes(changed, HEADER))
    assert (report["updated"], report["unchanged"]) == (1, 2)
    assert Trainee.objects.get(staff_number="1001").role == "Sergeant"


def test_someone_from_another_team_moves_here(team, force):
    elsewhere = TeamFactory(name="Response South", organisation=force)
    person = TraineeFactory(staff_number="1001", email="", team=elsewhere, organisation=force)
    run(team, csv_bytes(ROWS[:1], HEADER))
    person.refresh_from_db()
    assert person.team == team


def test_an_account_is_linked_by_collar_number_or_email(team, force):
    by_number = UserFactory(collar_number="1002", agency=force)
    by_email = UserFactory(email="cy@force.example", agency=force)
    run(team, csv_bytes(ROWS, HEADER))
    assert Trainee.objects.get(staff_number="1002").user == by_number
    assert Trainee.objects.get(email="cy@force.example").user == by_email


def test_replace_removes_people_no_longer_listed(team):
    run(team, csv_bytes(ROWS, HEADER))
    report = run(team, csv_bytes(ROWS[:2], HEADER), replace=True)
    assert report["removed"] == 1
    leaver = Trainee.objects.get(name="Cy Supervisor")
    assert leaver.team is None  # kept for the record of their training


def test_replace_removes_no_one_when_a_row_is_rejected(team):
    run(team, csv_bytes(ROWS, HEADER))
    rows = [ROWS[0], ["", "No Identifier", "", "Officer", "", ""]]
    report = run(team, csv_bytes(rows, HEADER), replace=True)
    assert (report["rejected"], report["removed"]) == (1, 0)
    assert "no one was removed" in report["errors"][-1]["message"]
    assert team.members.count() == 3


def test_bad_rows_are_rejected_with_their_column(team):
    rows = [
        ["2001", "", "", "Officer", "", ""],  # row 2: no name
        ["", "No Number", "", "Officer", "", ""],  # row 3: no number or e-mail
        ["2003", "Bad Mail", "nope", "Officer", "", ""],  # row 4
        ["2004", "Other Team", "", "Officer", "Response South", ""],  # row 5
        ["2005", "Unknown Org", "", "Officer", "", "Atlantis Council"],  # row 6
        ["2006", "Fine Person", "", "Officer", "", ""],  # row 7
        ["2006", "Fine Again", "", "Officer", "", ""],  # row 8: the same as row 7
    ]
    report = run(team, csv_bytes(rows, HEADER))
    assert (report["created"], report["rejected"]) == (1, 6)
    columns = {error["row"]: error["column"] for error in report["errors"]}
    assert columns == {2: "Name", 3: None, 4: "E-mail", 5: "Team", 6: "Organisation", 8: None}
    assert list(team.members.values_list("name", flat=True)) == ["Fine Person"]


def test_a_file_that_is_not_a_roster_is_refused(team):
    with pytest.raises(SpreadsheetRefused):
        run(team, b"%PDF-1.4 not a roster")
    assert not Trainee.objects.exists()


def test_only_trainers_import_rosters(team, officer):
    with pytest.raises(NotAllowed):
        import_roster(team=team, data=csv_bytes(ROWS, HEADER), replace=False, by=officer)

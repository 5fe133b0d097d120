"""Importing a team's roster (CSV or XLSX) — docs/training.md, "Rosters".

The roster says who is on the team and must train, most of them without an account. Each row
is matched like a register's (staff or collar number, then e-mail) and updates that person,
or adds them; a matching user account is linked. With "replace", people on the team whom the
file no longer lists leave the team (they keep their training record) — unless a row was
rejected, when no one is removed. Importing the same roster again changes nothing.
"""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from foundation.accounts.models import User
from foundation.lib.spreadsheets import Table
from training.columns import ROSTER_FIELDS, ColumnMap, key
from training.errors import NotAllowed
from training.models import ImportReport, Team, Trainee
from training.permissions import can_manage_training
from training.services.people import AMBIGUOUS, Directory, Identity, is_email
from training.services.sheets import Rejection, Report, cell, name_of, read_sheet

COUNTS = ("created", "updated", "unchanged", "removed", "rejected")


def import_roster(
    *, team: Team, data: bytes, replace: bool, by: User | None, now: datetime | None = None
) -> ImportReport:
    """Bring a team's roster up to date from a file. Returns the saved report.

    Raises SpreadsheetRefused when the file cannot be read as a roster (nothing saved), or
    NotAllowed when `by` is not a trainer.
    """
    now = timezone.now() if now is None else now
    if by is not None and not can_manage_training(by):
        raise NotAllowed("Trainers keep the rosters.")
    table, columns = read_sheet(data, fields=ROSTER_FIELDS, what="roster")
    report = Report(counts=dict.fromkeys(COUNTS, 0))
    for notice in columns.notices:
        report.notice(notice)
    with transaction.atomic():
        team = Team.objects.select_for_update().select_related("organisation").get(pk=team.pk)
        parsed: list[tuple[int, Identity]] = []
        directory = Directory(
            staff_numbers=[
                Identity.of(staff_number=columns.value(cells, "staff_number")).staff_number
                for _, cells in table.rows
            ],
            emails=[
                Identity.of(email=columns.value(cells, "email")).email for _, cells in table.rows
            ],
        )
        seen_keys: dict[str, int] = {}
        for row, cells in table.rows:
            try:
                identity = _parse(directory, team, table, columns, row, cells)
                earlier = next((seen_keys[k] for k in _keys(identity) if k in seen_keys), None)
                if earlier is not None:
                    raise Rejection(None, f"The same person as row {earlier}: listed twice.")
            except Rejection as rejection:
                report.reject(row, rejection.column, rejection.message)
                continue
            for k in _keys(identity):
                seen_keys[k] = row
            parsed.append((row, identity))
        kept: set[int] = set()
        for row, identity in parsed:
            found = directory.find(identity)
            if found == AMBIGUOUS:
                report.reject(row, None, "The staff number fits people in several organisations.")
                continue
            try:
                with transaction.atomic():
                    if isinstance(found, Trainee):
                        outcome = _update(found, identity, directory, now=now)
                        trainee = found
                    else:
                        trainee = directory.create(
                            identity, source=Trainee.Source.ROSTER, remember=False
                        )
                        outcome = "created"
            except IntegrityError:
                report.reject(
                    row,
                    None,
                    "The details clash with another person's (the same e-mail or staff number).",
                )
                continue
            if outcome == "created":
                directory.remember(trainee)
            kept.add(trainee.pk)
            report.counts[outcome] += 1
        if replace:
            if report.counts["rejected"]:
                report.notice(
                    "Some rows were rejected, so no one was removed from the team: correct "
                    "them and import the roster again."
                )
            else:
                report.counts["removed"] = (
                    Trainee.objects.filter(team=team)
                    .exclude(pk__in=kept)
                    .update(team=None, updated_at=now)
                )
        return ImportReport.objects.create(
            kind=ImportReport.Kind.ROSTER, team=team, by=by, report=report.as_dict()
        )


def _keys(identity: Identity) -> list[str]:
    keys = []
    if identity.staff_number:
        keys.append(f"number:{identity.staff_number}")
    if identity.email:
        keys.append(f"email:{identity.email}")
    return keys


def _parse(
    directory: Directory,
    team: Team,
    table: Table,
    columns: ColumnMap,
    row: int,
    cells: list[str],
) -> Identity:
    name = name_of(table, columns, row, cells)
    staff_number = cell(table, columns, row, cells, "staff_number")
    email = cell(table, columns, row, cells, "email")
    if not name:
        raise Rejection(columns.header.get("name"), "The row has no name.")
    if not (staff_number or email):
        raise Rejection(None, "The row has no staff number or e-mail to tell the person apart.")
    if email and not is_email(email):
        raise Rejection(columns.header["email"], f"'{email}' is not an e-mail address.")
    team_text = cell(table, columns, row, cells, "team")
    if team_text and key(team_text) != key(team.name):
        raise Rejection(
            columns.header["team"],
            f"This row is for the team '{team_text}': import it on that team's page.",
        )
    organisation_text = cell(table, columns, row, cells, "organisation")
    organisation = team.organisation
    if organisation_text:
        named = directory.organisation(organisation_text)
        if named is None:
            raise Rejection(
                columns.header["organisation"],
                f"The organisation '{organisation_text}' is not known: ask an administrator "
                "to add it, or leave the cell blank for the team's own.",
            )
        organisation = named
    return Identity.of(
        name=name,
        staff_number=staff_number,
        email=email,
        organisation=organisation,
        team=team,
        role=cell(table, columns, row, cells, "role"),
    )


def _update(trainee: Trainee, identity: Identity, directory: Directory, *, now: datetime) -> str:
    """Bring a matched person's details in line with the roster: 'updated' or 'unchanged'."""
    wanted: dict[str, object] = {
        "name": identity.name,
        "team_id": identity.team.pk if identity.team else None,
        "organisation_id": identity.organisation.pk if identity.organisation else None,
        "is_active": True,
    }
    if identity.staff_number:
        wanted["staff_number"] = identity.staff_number
    if identity.email:
        wanted["email"] = identity.email
    if identity.role:
        wanted["role"] = identity.role
    if trainee.user_id is None:
        user = directory.find_user(identity)
        if user is not None and user.pk not in directory.by_user:
            wanted["user_id"] = user.pk
    changed = {name: value for name, value in wanted.items() if getattr(trainee, name) != value}
    if not changed:
        return "unchanged"
    for name, value in changed.items():
        setattr(trainee, name, value)
    trainee.updated_at = now
    trainee.save(update_fields=[*changed, "updated_at"])
    if "user_id" in changed:
        directory.remember(trainee)
    return "updated"

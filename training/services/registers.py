"""Importing a session's register (CSV or XLSX) — docs/training.md, "Registers".

The file is read whole first: a file that is not a spreadsheet is refused before anything is
written. Then each row, in its own savepoint, is matched (staff or collar number, then
e-mail), and its attendance recorded. A bad row is rejected with its row number, column and
reason, and never stops the good rows; a row no one matches is listed for the trainer to
resolve. Importing the same register again changes nothing; a corrected register (a changed
status) updates those attendances and lists them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from foundation.accounts.models import User
from foundation.lib.spreadsheets import Table
from training.columns import REGISTER_FIELDS, ColumnMap, key, read_date, read_status
from training.errors import NotAllowed, TrainingError
from training.models import PLACE_HOLDING, Enrolment, ImportReport, Session, Trainee
from training.permissions import can_manage_training
from training.services.people import AMBIGUOUS, Directory, Identity, is_email
from training.services.sheets import Rejection, Report, cell, name_of, read_sheet

COUNTS = ("matched", "created", "unmatched", "rejected", "added", "updated", "unchanged")


@dataclass(frozen=True)
class RegisterRow:
    row: int
    name: str
    staff_number: str
    email: str
    team: str
    organisation: str
    status: str

    def listing(self, reason: str) -> dict[str, object]:
        """The row as the trainer needs it to resolve it by hand."""
        return {
            "row": self.row,
            "name": self.name,
            "staff_number": self.staff_number,
            "email": self.email,
            "team": self.team,
            "organisation": self.organisation,
            "status": self.status,
            "reason": reason,
        }


def _parse_row(
    table: Table, columns: ColumnMap, row: int, cells: list[str], session: Session
) -> RegisterRow:
    """The row's fields, or Rejection (no one named, an unreadable status, e-mail or date)."""
    name = name_of(table, columns, row, cells)
    staff_number = cell(table, columns, row, cells, "staff_number")
    email = cell(table, columns, row, cells, "email")
    if not (name or staff_number or email):
        raise Rejection(None, "The row names no one: it has no name, staff number or e-mail.")
    if email and not is_email(email):
        raise Rejection(columns.header["email"], f"'{email}' is not an e-mail address.")
    if columns.has("status"):
        text = cell(table, columns, row, cells, "status")
        status = read_status(text) if text else None
        if status is None:
            raise Rejection(
                columns.header["status"],
                f"Cannot read the status '{text}': use attended, completed or did not attend."
                if text
                else "The status is blank: use attended, completed or did not attend.",
            )
    else:
        status = Enrolment.Status.ATTENDED
    when = cell(table, columns, row, cells, "date")
    if when:
        day = read_date(when)
        if day is None:
            raise Rejection(columns.header["date"], f"Cannot read the date '{when}'.")
        if not session.local_date <= day <= session.local_end_date:
            raise Rejection(
                columns.header["date"],
                f"The date {day:%d/%m/%Y} is not the session's date "
                f"({session.local_date:%d/%m/%Y}).",
            )
    return RegisterRow(
        row=row,
        name=name,
        staff_number=staff_number,
        email=email,
        team=cell(table, columns, row, cells, "team"),
        organisation=cell(table, columns, row, cells, "organisation"),
        status=status,
    )


def _keys(parsed: RegisterRow, identity: Identity) -> list[str]:
    """What makes two rows the same person, before matching."""
    keys = []
    if identity.staff_number:
        keys.append(f"number:{identity.staff_number}")
    if identity.email:
        keys.append(f"email:{identity.email}")
    if not keys:
        keys.append(f"name:{key(parsed.name)}:{key(parsed.organisation)}")
    return keys


class _Unmatched(Exception):
    def __init__(self, reason: str) -> None:
        self.reason = reason


def import_register(
    *, session: Session, data: bytes, by: User | None, now: datetime | None = None
) -> ImportReport:
    """Record a session's attendance from a register file. Returns the saved report.

    Raises SpreadsheetRefused (the file cannot be read as a register) or TrainingError (the
    session was cancelled or has not started): nothing is saved. Raises NotAllowed when
    `by` is not a trainer (`by=None` is the management command).
    """
    now = timezone.now() if now is None else now
    if by is not None and not can_manage_training(by):
        raise NotAllowed("Trainers import registers.")
    table, columns = read_sheet(data, fields=REGISTER_FIELDS, what="register")
    with transaction.atomic():
        # The lock orders this import with bookings made meanwhile (capacity).
        locked = Session.objects.select_for_update().select_related("course").get(pk=session.pk)
        if locked.is_cancelled:
            raise TrainingError("The session was cancelled: it has no register to import.")
        if locked.starts_at > now:
            raise TrainingError("The session has not started: import its register afterwards.")
        report = _import_rows(locked, table, columns, by=by, now=now)
        return ImportReport.objects.create(
            kind=ImportReport.Kind.REGISTER, session=locked, by=by, report=report.as_dict()
        )


def _import_rows(
    session: Session, table: Table, columns: ColumnMap, *, by: User | None, now: datetime
) -> Report:
    report = Report(
        counts=dict.fromkeys(COUNTS, 0), extra={"unmatched_rows": [], "updated_rows": []}
    )
    for notice in columns.notices:
        report.notice(notice)
    if not columns.has("status"):
        report.notice("There is no status column: everyone listed is recorded as attended.")
    parsed_rows: list[RegisterRow] = []
    for row, cells in table.rows:
        try:
            parsed_rows.append(_parse_row(table, columns, row, cells, session))
        except Rejection as rejection:
            report.reject(row, rejection.column, rejection.message)
    directory = Directory(
        staff_numbers=[Identity.of(staff_number=p.staff_number).staff_number for p in parsed_rows],
        emails=[Identity.of(email=p.email).email for p in parsed_rows],
    )
    enrolments = {enrolment.trainee_id: enrolment for enrolment in session.enrolments.all()}
    places = sum(1 for enrolment in enrolments.values() if enrolment.status in PLACE_HOLDING)
    seen_keys: dict[str, int] = {}
    seen_people: dict[int, int] = {}
    for parsed in parsed_rows:
        organisation = directory.organisation(parsed.organisation)
        identity = Identity.of(
            name=parsed.name,
            staff_number=parsed.staff_number,
            email=parsed.email,
            organisation=organisation,
            team=directory.team(parsed.team, organisation),
        )
        keys = _keys(parsed, identity)
        earlier = next((seen_keys[k] for k in keys if k in seen_keys), None)
        if earlier is not None:
            report.reject(parsed.row, None, f"The same person as row {earlier}: listed twice.")
            continue
        for k in keys:
            seen_keys[k] = parsed.row
        try:
            trainee = _match(directory, identity, parsed)
        except _Unmatched as unmatched:
            report.counts["unmatched"] += 1
            report.extra["unmatched_rows"].append(parsed.listing(unmatched.reason))
            continue
        if trainee is not None and trainee.pk in seen_people:
            report.reject(
                parsed.row, None, f"The same person as row {seen_people[trainee.pk]}: listed twice."
            )
            continue
        existing = enrolments.get(trainee.pk) if trainee is not None else None
        if existing is None and places >= session.capacity:
            report.reject(
                parsed.row,
                None,
                f"The session is full ({session.capacity} places): raise its capacity on the "
                "session page to record more, then import the register again.",
            )
            continue
        try:
            with transaction.atomic():
                created = trainee is None
                if trainee is None:
                    trainee = directory.create(
                        identity, source=Trainee.Source.REGISTER, remember=False
                    )
                outcome, enrolment = _record(
                    session, trainee, existing, parsed.status, by=by, now=now
                )
        except IntegrityError:
            report.reject(
                parsed.row,
                None,
                "The details clash with another person's (the same e-mail or staff number): "
                "check the row against the roster.",
            )
            continue
        if created:
            directory.remember(trainee)
        seen_people[trainee.pk] = parsed.row
        report.counts["created" if created else "matched"] += 1
        report.counts[outcome] += 1
        if outcome == "added":
            places += 1
            enrolments[trainee.pk] = enrolment
        elif outcome == "updated" and existing is not None:
            report.extra["updated_rows"].append(
                {"row": parsed.row, "from": existing.status, "to": parsed.status}
            )
            existing.status = parsed.status
    return report


def _match(directory: Directory, identity: Identity, parsed: RegisterRow) -> Trainee | None:
    """The trainee the row names; None to create one; _Unmatched to list it for the trainer."""
    found = directory.find(identity)
    if found == AMBIGUOUS:
        raise _Unmatched("The staff number fits people in several organisations.")
    if isinstance(found, Trainee):
        return found
    if directory.find_user(identity) is not None:
        return None  # an account matches: a training record is made from it
    if not identity.identifiable:
        raise _Unmatched("No staff number or e-mail, and a name alone does not tell people apart.")
    if not parsed.organisation:
        raise _Unmatched("No one matches, and the row has no organisation to add them to.")
    if identity.organisation is None:
        raise _Unmatched(
            f"No one matches, and the organisation '{parsed.organisation}' is not known."
        )
    if not parsed.name:
        raise _Unmatched("No one matches, and the row has no name to add them with.")
    return None


def _record(
    session: Session,
    trainee: Trainee,
    existing: Enrolment | None,
    status: str,
    *,
    by: User | None,
    now: datetime,
) -> tuple[str, Enrolment]:
    if existing is None:
        created = Enrolment.objects.create(
            session=session, trainee=trainee, status=status, recorded_by=by, status_changed_at=now
        )
        return "added", created
    if existing.status == status:
        return "unchanged", existing
    Enrolment.objects.filter(pk=existing.pk).update(
        status=status, recorded_by=by, status_changed_at=now
    )
    return "updated", existing

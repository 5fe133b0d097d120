"""python manage.py import_attendance PATH --session ID [--json] — see docs/training.md."""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from foundation.lib.spreadsheets import SpreadsheetRefused
from training.errors import TrainingError
from training.models import Session
from training.services.registers import import_register


class Command(BaseCommand):
    help = "Import a session's register (CSV or XLSX). Importing it again changes nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--session", type=int, required=True, help="The session's id.")
        parser.add_argument(
            "--json", action="store_true", help="Print the report as one JSON object."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        if not path.is_file():
            raise CommandError(f"{path} is not a file.")
        # The command runs as the system (no user): it is the operator's tool, like import_logs.
        session = Session.objects.filter(pk=options["session"]).first()
        if session is None:
            raise CommandError(f"There is no session {options['session']}: nothing was imported.")
        try:
            imported = import_register(session=session, data=path.read_bytes(), by=None)
        except (SpreadsheetRefused, TrainingError) as exc:
            raise CommandError(f"The register was refused and nothing was saved: {exc}") from exc
        result = imported.report
        if options["json"]:
            self.stdout.write(json.dumps(result))
            return
        self.stdout.write(
            f"Register for {session.reference}: {result['matched']} matched, "
            f"{result['created']} added to the roster, {result['unmatched']} unmatched, "
            f"{result['rejected']} rejected; {result['added']} attendances recorded, "
            f"{result['updated']} corrected, {result['unchanged']} unchanged."
        )
        for error in result["errors"]:
            where = f"row {error['row']}" if error["row"] else "file"
            column = f", column {error['column']}" if error["column"] else ""
            self.stdout.write(f"  {where}{column}: {error['message']}")
        for row in result["unmatched_rows"]:
            self.stdout.write(f"  row {row['row']} unmatched: {row['reason']}")

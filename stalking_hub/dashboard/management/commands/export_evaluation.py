"""`manage.py export_evaluation PATH`: the pseudonymised evaluation CSV (docs/dashboard.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from stalking_hub.dashboard.evaluation import export_csv
from stalking_hub.dashboard.services import record_export_disclosure


class Command(BaseCommand):
    help = (
        "Write the pseudonymised evaluation export (CSV) to PATH: no names, addresses, dates of "
        "birth, references or free text; ids as keyed hashes (HUB_EVALUATION_KEY); months only."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="Where to write the CSV (must not exist).")
        parser.add_argument(
            "--complete-only",
            action="store_true",
            help="Leave out the cases with less than 12 months of follow-up (marked otherwise).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        if path.exists():
            raise CommandError(f"{path} exists already: choose a new file name.")
        if not path.parent.is_dir():
            raise CommandError(f"The folder {path.parent} does not exist.")

        def progress(done: int, total: int) -> None:
            self.stderr.write(f"\r{done:,} of {total:,} cases", ending="")

        try:
            content, rows = export_csv(
                now=timezone.now(), include_short=not options["complete_only"], progress=progress
            )
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from error
        self.stderr.write("")
        # Recorded before the file exists: if the audit cannot be written, nothing leaves.
        record_export_disclosure(user=None, object_id="command", rows=rows, via="manage.py")
        path.write_text(content, encoding="utf-8")
        self.stdout.write(self.style.SUCCESS(f"Wrote {rows:,} cases to {path}."))

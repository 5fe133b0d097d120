"""python manage.py import_logs PATH [--source NAME] [--json] — see docs/log-feed.md."""

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cases.feed.importer import (
    ImportRefused,
    create_feed_import,
    file_checksum,
    is_decodable,
    report,
    run_import,
)
from cases.feed.parsing import detect_format
from cases.feed.schema import FeedUnreadable
from cases.models import FeedImport


class Command(BaseCommand):
    help = "Import a crime-log feed file (CSV or JSON Lines). Re-importing is idempotent."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--source", default="rms", help="Source system name (default rms).")
        parser.add_argument(
            "--json", action="store_true", help="Print the report as one JSON object."
        )
        parser.add_argument(
            "--format", choices=["csv", "jsonl"], help="Override the format from the suffix."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        if not path.is_file():
            raise CommandError(f"{path} is not a file.")
        try:
            fmt = options["format"] or detect_format(path)
        except (FeedUnreadable, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        # The file's checksum (hashlib lets go of the interpreter) while the file's encoding is
        # checked: two whole reads of the file at once (about half a second a million rows).
        with ThreadPoolExecutor(max_workers=1) as pool:
            checksum = pool.submit(file_checksum, path)
            decodable = is_decodable(path)
            feed_import = create_feed_import(
                path=path,
                origin=FeedImport.Origin.COMMAND,
                source=options["source"],
                fmt=fmt,
                checksum=checksum.result(),
            )
        try:
            # An undecodable file is checked again there, and refused.
            feed_import = run_import(feed_import, checked_decodable=decodable)
        except ImportRefused as exc:
            raise CommandError(f"The file was refused and nothing was imported: {exc}") from exc
        result = report(feed_import)
        if options["json"]:
            self.stdout.write(json.dumps(result))
            return
        self.stdout.write(
            f"Import #{feed_import.pk}: {result['created']} created, {result['updated']} updated, "
            f"{result['unchanged']} unchanged, {result['rejected']} rejected."
        )
        for error in result["errors"][:50]:  # type: ignore[index]
            where = f"row {error['row']}" if error["row"] else "file"
            column = f", column {error['column']}" if error["column"] else ""
            self.stdout.write(f"  {where}{column}: {error['message']}")
        if len(result["errors"]) > 50:  # type: ignore[arg-type]
            self.stdout.write(f"  … and {len(result['errors']) - 50} more (use --json).")  # type: ignore[arg-type]

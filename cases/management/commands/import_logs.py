"""python manage.py import_logs PATH [--source NAME] [--json] — see docs/log-feed.md."""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cases.feed.importer import ImportRefused, create_feed_import, report, run_import
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
        feed_import = create_feed_import(
            path=path, origin=FeedImport.Origin.COMMAND, source=options["source"], fmt=fmt
        )
        try:
            feed_import = run_import(feed_import)
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

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from risk.definitions import InstrumentFileError
from risk.sync import sync_instruments


class Command(BaseCommand):
    help = (
        "Sync the risk instrument structure files (risk/instruments/) into the database: "
        "new files are added, changed ones (by checksum) updated, removed ones deactivated."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = sync_instruments()
        except InstrumentFileError as exc:
            raise CommandError(f"Nothing synced: {exc}") from exc
        for label, keys in (
            ("created", report.created),
            ("updated", report.updated),
            ("deactivated", report.deactivated),
            ("unchanged", report.unchanged),
        ):
            if keys:
                self.stdout.write(f"{label}: {', '.join(keys)}")
        for warning in report.warnings:
            self.stderr.write(self.style.WARNING(f"warning: {warning}"))
        if not report.changed:
            self.stdout.write(self.style.SUCCESS("Instruments already up to date."))
        else:
            self.stdout.write(self.style.SUCCESS("Instruments synced."))

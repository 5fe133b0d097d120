"""The auditor's CSV export of filtered access records: itself a disclosure, recorded before
anything is served (docs/access.md, "The auditor's page")."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from django.db.models import QuerySet

from foundation.audit.models import AccessRecord
from foundation.audit.selectors import readable_type

# A spreadsheet runs a cell starting with one of these as a formula (CSV injection): such a
# cell is written with a leading apostrophe, which the spreadsheet shows as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# One export holds at most this many records: narrow the filter for more.
EXPORT_LIMIT = 100_000
COLUMNS = (
    "when_utc",
    "user",
    "roles",
    "agency",
    "action",
    "outcome",
    "record_type",
    "object_type",
    "object_id",
    "need",
    "justification",
    "request_id",
)


def neutralise(value: object) -> str:
    """The cell as text that no spreadsheet will run as a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def _row(record: AccessRecord) -> list[str]:
    return [
        neutralise(cell)
        for cell in (
            record.at.strftime("%Y-%m-%d %H:%M:%S"),
            record.user.email if record.user else "",
            record.roles,
            record.agency_name,
            record.get_action_display(),
            record.get_outcome_display(),
            readable_type(record.object_type),
            record.object_type,
            record.object_id,
            record.need,
            record.justification,
            record.request_id,
        )
    ]


def csv_lines(records: QuerySet[AccessRecord]) -> Iterable[str]:
    """The header, then one line per record (newest first), streamed in chunks."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for record in records[:EXPORT_LIMIT].iterator(chunk_size=2000):
        writer.writerow(_row(record))
        if buffer.tell() > 64_000:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()

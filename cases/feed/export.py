"""Writing feed values back out to a spreadsheet safely."""

from typing import Final

# A cell starting with one of these is run as a formula by Excel, LibreOffice and Sheets
# (OWASP "CSV Injection"). The feed stores such values verbatim; escaping is an export job.
FORMULA_PREFIXES: Final = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: str) -> str:
    """`value` for a CSV export cell: a leading `'` when it would otherwise be a formula."""
    if value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value

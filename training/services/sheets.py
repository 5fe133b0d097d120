"""What registers and rosters share: reading the file, the column map, and the report in the
shape of `import_logs --json` (counts, then `errors`: each with its row, column and message;
file-level notices first, with no row)."""

from __future__ import annotations

from dataclasses import dataclass, field

from foundation.lib.spreadsheets import Table, read_table
from training.columns import ColumnMap, header_test, map_columns


@dataclass
class Rejection(Exception):
    """One row refused: nothing of it is saved."""

    column: str | None
    message: str


@dataclass
class Report:
    counts: dict[str, int]
    errors: list[dict[str, object]] = field(default_factory=list)
    extra: dict[str, list[dict[str, object]]] = field(default_factory=dict)

    def notice(self, message: str) -> None:
        self.errors.append({"row": None, "column": None, "message": message})

    def reject(self, row: int, column: str | None, message: str) -> None:
        self.counts["rejected"] += 1
        self.errors.append({"row": row, "column": column, "message": message})

    def as_dict(self) -> dict[str, object]:
        return {**self.counts, "errors": self.errors, **self.extra}


def read_sheet(data: bytes, *, fields: tuple[str, ...], what: str) -> tuple[Table, ColumnMap]:
    """The table and its columns. Raises SpreadsheetRefused for a file that cannot be read."""
    table = read_table(data, is_header=header_test(fields), what=what)
    return table, map_columns(table.headers, fields)


def cell(table: Table, columns: ColumnMap, row: int, cells: list[str], name: str) -> str:
    """A field's text in a row; a formula cell with no saved value rejects the row."""
    position = columns.index.get(name)
    if position is None:
        return ""
    problem = table.unreadable.get((row, position))
    if problem:
        raise Rejection(columns.header[name], problem)
    return columns.value(cells, name)


def name_of(table: Table, columns: ColumnMap, row: int, cells: list[str]) -> str:
    """The name column, or first name and surname put together."""
    name = cell(table, columns, row, cells, "name")
    if name:
        return name
    parts = [
        cell(table, columns, row, cells, "first_name"),
        cell(table, columns, row, cells, "surname"),
    ]
    return " ".join(part for part in parts if part)

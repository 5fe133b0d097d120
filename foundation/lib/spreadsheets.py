"""Reading and writing the spreadsheets people bring and take away: CSV and XLSX.

Reading (`read_table`) turns an uploaded file into rows of text with the spreadsheet's own row
numbers, whatever it came as: CSV in UTF-8 (with or without a byte-order mark) or
Windows-1252, comma-, semicolon- or tab-separated; or an XLSX workbook, where a formula gives
its saved value, a merged block gives its value to every cell it covers, and the one sheet
holding a recognisable header row is read. Anything else is refused whole with a message a
user can act on (`SpreadsheetRefused`): nothing is read from a file that is not a spreadsheet.

Writing (`csv_bytes`, `xlsx_bytes`) neutralises every text cell that a spreadsheet program
would run as a formula (one starting with `=`, `+`, `-`, `@`, a tab or a carriage return) by
putting an apostrophe in front: an exported name such as `=HYPERLINK(...)` stays text
(OWASP, "CSV injection").
"""

from __future__ import annotations

import csv
import io
import warnings
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time

# A register or a roster is small; a bigger file is a mistake (or an attack on memory).
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
# How far down a header row may sit (below a title, a date, a blank line...).
HEADER_SEARCH_ROWS = 10
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


class SpreadsheetRefused(ValueError):
    """The file cannot be read as a spreadsheet; the message says why and what to do."""


@dataclass(frozen=True)
class Table:
    """The rows below the header row. Row numbers are the ones a spreadsheet program shows."""

    header_row: int
    headers: list[str]
    rows: list[tuple[int, list[str]]]
    # (row number, column index) -> why the cell could not be read (a formula with no value).
    unreadable: dict[tuple[int, int], str] = field(default_factory=dict)
    sheet: str = ""
    encoding: str = ""


HeaderTest = Callable[[list[str]], bool]


def read_table(data: bytes, *, is_header: HeaderTest, what: str = "spreadsheet") -> Table:
    """Read an uploaded CSV or XLSX file. `is_header` says whether a row is the header row.

    Raises SpreadsheetRefused (nothing is read) for an empty, oversized or unreadable file, a
    file of another kind (a PDF, an image, an old .xls workbook...), a file without a header
    row, or a workbook where several sheets have one.
    """
    if not data:
        raise SpreadsheetRefused("The file is empty.")
    if len(data) > MAX_BYTES:
        raise SpreadsheetRefused(
            f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB: split it, or save it as CSV."
        )
    kind = _sniff(data)
    if kind == "xlsx":
        return _read_xlsx(data, is_header=is_header, what=what)
    return _read_csv(data, is_header=is_header, what=what)


def _sniff(data: bytes) -> str:
    """'xlsx' or 'csv' from the content (never the file name); refuse anything else."""
    head = data[:8]
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile as exc:
            raise SpreadsheetRefused(
                "The file is a damaged ZIP archive, not a spreadsheet."
            ) from exc
        if "xl/workbook.xml" in names:
            return "xlsx"
        if "content.xml" in names:
            raise SpreadsheetRefused(
                "This looks like an OpenDocument spreadsheet (.ods): save it as .xlsx or CSV."
            )
        raise SpreadsheetRefused("The file is a ZIP archive, not a spreadsheet.")
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise SpreadsheetRefused(
            "This is an older Excel workbook (.xls) or another Office file: save it as .xlsx "
            "or CSV."
        )
    if head.startswith(b"%PDF"):
        raise SpreadsheetRefused("This is a PDF, not a spreadsheet: ask for the CSV or XLSX.")
    if b"\x00" in data[:8192]:
        raise SpreadsheetRefused(
            "The file is not a spreadsheet (it holds binary data): upload a CSV or XLSX file."
        )
    return "csv"


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        # Excel's "CSV" on Windows in the UK: Windows-1252 (é, £, curly quotes).
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as exc:
        raise SpreadsheetRefused(
            "The file's text is neither UTF-8 nor Windows-1252: save it as 'CSV UTF-8' or XLSX."
        ) from exc


def _read_csv(data: bytes, *, is_header: HeaderTest, what: str) -> Table:
    text, encoding = _decode(data)
    sample = "\n".join(text.splitlines()[: HEADER_SEARCH_ROWS + 5])
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        grid = [
            [cell.strip() for cell in row]
            for row in csv.reader(io.StringIO(text, newline=""), dialect)
        ]
    except csv.Error as exc:
        raise SpreadsheetRefused(f"The CSV file cannot be read: {exc}.") from exc
    table = _table_from_grid(grid, is_header=is_header, what=what)
    return Table(
        header_row=table.header_row,
        headers=table.headers,
        rows=table.rows,
        encoding=encoding,
    )


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a staff number typed as a number: 1234, not 1234.0
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time.min else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _read_xlsx(data: bytes, *, is_header: HeaderTest, what: str) -> Table:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        with warnings.catch_warnings():
            # openpyxl warns about workbook features it does not read (data validation,
            # conditional formatting): they do not matter for the values.
            warnings.simplefilter("ignore")
            values_book = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
            formula_book = openpyxl.load_workbook(io.BytesIO(data), data_only=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise SpreadsheetRefused("The workbook cannot be opened: save it again as .xlsx.") from exc

    found: list[Table] = []
    for sheet in values_book.worksheets:
        if sheet.max_row > MAX_ROWS:
            raise SpreadsheetRefused(f"Sheet '{sheet.title}' has more than {MAX_ROWS} rows.")
        grid = [[_cell_text(value) for value in row] for row in sheet.iter_rows(values_only=True)]
        for merged in sheet.merged_cells.ranges:
            top_left = grid[merged.min_row - 1][merged.min_col - 1]
            for row_index in range(merged.min_row - 1, merged.max_row):
                for col_index in range(merged.min_col - 1, merged.max_col):
                    grid[row_index][col_index] = top_left
        try:
            table = _table_from_grid(grid, is_header=is_header, what=what)
        except SpreadsheetRefused:
            continue  # a notes or lists sheet: no header row here
        unreadable: dict[tuple[int, int], str] = {}
        formulas = formula_book[sheet.title]
        for row_number, cells in table.rows:
            for col_index in range(len(cells)):
                formula = formulas.cell(row=row_number, column=col_index + 1)
                if formula.data_type == "f" and not cells[col_index]:
                    unreadable[(row_number, col_index)] = (
                        "a formula with no saved value: open the file in Excel and save it, "
                        "or paste the values"
                    )
        found.append(
            Table(
                header_row=table.header_row,
                headers=table.headers,
                rows=table.rows,
                unreadable=unreadable,
                sheet=sheet.title,
            )
        )
    if not found:
        raise SpreadsheetRefused(_no_header_message(what))
    if len(found) > 1:
        names = ", ".join(f"'{table.sheet}'" for table in found)
        raise SpreadsheetRefused(
            f"Several sheets look like a {what} ({names}): keep one {what} per file."
        )
    return found[0]


def _no_header_message(what: str) -> str:
    return (
        f"No header row found in the first {HEADER_SEARCH_ROWS} rows: the {what} needs a row "
        "naming its columns (see the accepted column names)."
    )


def _table_from_grid(grid: list[list[str]], *, is_header: HeaderTest, what: str) -> Table:
    for index, row in enumerate(grid[:HEADER_SEARCH_ROWS]):
        if is_header(row):
            header_row = index + 1
            if len(grid) - header_row > MAX_ROWS:
                raise SpreadsheetRefused(f"The {what} has more than {MAX_ROWS} rows.")
            rows = [
                (header_row + offset + 1, cells)
                for offset, cells in enumerate(grid[header_row:])
                if any(cell for cell in cells)
            ]
            return Table(header_row=header_row, headers=row, rows=rows)
    raise SpreadsheetRefused(_no_header_message(what))


# --- Writing --------------------------------------------------------------------------------


def neutralise(value: object) -> object:
    """A text cell a spreadsheet would run as a formula, with an apostrophe in front."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def _export_cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, (int, float, date)):
        return value
    return neutralise(str(value))


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """CSV in UTF-8 with a byte-order mark (Excel then reads accents right), every text cell
    neutralised."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([_export_cell(cell) for cell in header])
    for row in rows:
        writer.writerow(
            [cell.isoformat() if isinstance(cell, date) else _export_cell(cell) for cell in row]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def xlsx_bytes(title: str, header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """A one-sheet workbook, every text cell neutralised and stored as text (never a formula)."""
    import openpyxl
    from openpyxl.styles import Font

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title[:31]
    for row_index, row in enumerate([header, *rows], start=1):
        for col_index, value in enumerate(row, start=1):
            cell = sheet.cell(row=row_index, column=col_index)
            cell.value = _export_cell(value)
            if isinstance(cell.value, str):
                cell.data_type = "s"
            if row_index == 1:
                cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

"""The shared spreadsheet helper: reading CSV and XLSX as their rows, and writing exports whose
formula-like cells are neutralised."""

from __future__ import annotations

import csv
import io
from datetime import date

import openpyxl
import pytest

from foundation.lib.spreadsheets import (
    SpreadsheetRefused,
    csv_bytes,
    neutralise,
    read_table,
    xlsx_bytes,
)


def has_name(cells: list[str]) -> bool:
    return "Name" in cells


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (
            '=HYPERLINK("http://evil.example","click")',
            '\'=HYPERLINK("http://evil.example","click")',
        ),
        ("+44 1234", "'+44 1234"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("Ada Lovelace", "Ada Lovelace"),
        ("", ""),
        (-5, -5),
        (None, None),
    ],
)
def test_neutralise(value, expected):
    assert neutralise(value) == expected


ROWS = [["=1+2", "+44", "-x", "@cmd", "plain", 7, date(2026, 3, 1)]]
HEADER = ["A", "B", "C", "D", "E", "F", "G"]


def test_csv_export_neutralises_formula_cells():
    data = csv_bytes(HEADER, ROWS)
    assert data.startswith("\ufeff".encode())
    [header, row] = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert header == HEADER
    assert row == ["'=1+2", "'+44", "'-x", "'@cmd", "plain", "7", "2026-03-01"]


def test_xlsx_export_neutralises_formula_cells_and_stores_text():
    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes("Export", HEADER, ROWS)))
    sheet = book.active
    values = [cell.value for cell in sheet[2]]
    assert values[:5] == ["'=1+2", "'+44", "'-x", "'@cmd", "plain"]
    assert values[5] == 7
    assert all(cell.data_type != "f" for cell in sheet[2])


def test_reading_finds_the_header_below_a_title():
    data = b"Register for 10 March\n\nName,Number\nAda,1\n,\nBen,2\n"
    table = read_table(data, is_header=has_name)
    assert table.header_row == 3
    assert table.rows == [(4, ["Ada", "1"]), (6, ["Ben", "2"])]
    assert table.encoding == "utf-8"


def test_reading_a_utf8_bom_and_windows_1252():
    assert read_table("\ufeffName\nZoë\n".encode(), is_header=has_name).rows == [(2, ["Zoë"])]
    table = read_table("Name\nO\u2019Neill\n".encode("cp1252"), is_header=has_name)
    assert (table.rows, table.encoding) == ([(2, ["O\u2019Neill"])], "cp1252")


def test_xlsx_numbers_and_dates_read_as_text():
    book = openpyxl.Workbook()
    book.active.append(["Name", "Number", "Date"])
    book.active.append(["Ada", 1234, date(2026, 3, 10)])
    book.active.append(["Ben", 12.0, None])
    out = io.BytesIO()
    book.save(out)
    table = read_table(out.getvalue(), is_header=has_name)
    assert table.rows == [(2, ["Ada", "1234", "2026-03-10"]), (3, ["Ben", "12", ""])]
    assert table.sheet == "Sheet"


def test_an_oversized_file_is_refused(monkeypatch):
    monkeypatch.setattr("foundation.lib.spreadsheets.MAX_BYTES", 10)
    with pytest.raises(SpreadsheetRefused, match="larger than"):
        read_table(b"Name\n" + b"x" * 20, is_header=has_name)

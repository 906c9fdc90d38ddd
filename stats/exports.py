"""The quarter as an Excel workbook (STAT-1), from a figures dict (`stats.selectors.quarter_figures()`,
live or frozen) and, optionally, the quarter's detail rows:

- 汇总 (summary): every figure of the quarter, the levels and the last eight quarters as small
  tables, each with a native Excel bar chart drawn from those cells (openpyxl chart objects, which
  Excel and WPS draw and recolour themselves, not pictures);
- one sheet per breakdown (level, occupation, kind of appraisal, kind of candidate, center), a row
  per item and a 合计 row from the quarter's totals;
- 明细 (detail), when rows are given: one row per application, streamed.

The whole workbook is write-only (openpyxl streams each sheet to disk as it is written, so 100,000
detail rows cost little memory; benchmarks/bench_stats.py measures it), which is why every cell is
made with `appraisal.spreadsheets.safe_row()`: an occupation named "=HYPERLINK(...)" stays text.
The workbook holds no formulas at all: the totals are the figures computed by the database.
"""

from __future__ import annotations

from decimal import Decimal

from appraisal.spreadsheets import safe_row, workbook_bytes
from stats import analysis

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BREAKDOWN_SHEETS = (
    ("level", "按等级"), ("occupation", "按职业"), ("appraisal_kind", "按鉴定类别"),
    ("candidate_kind", "按考生类别"), ("center", "按机构"),
)
FIGURE_KEYS = tuple(analysis.FIGURE_LABELS)
COUNT_FORMAT = "#,##0"
MONEY_FORMAT = "#,##0.00"
PERCENT_FORMAT = "0.0%"
DETAIL_HEADERS = ("序号", "申报编号", "姓名", "身份证号", "鉴定机构", "申报职业", "等级", "鉴定类别", "考生类别",
                  "补考", "申报状态", "鉴定结果", "证书编号", "证书状态", "应缴鉴定费（元）", "已缴费")
DETAIL_WIDTHS = (7, 10, 10, 20, 24, 16, 12, 12, 12, 6, 10, 8, 22, 10, 12, 8)


def file_name(figures: dict) -> str:
    return f"统计_{figures['center']['name']}_{figures['year']}年第{figures['quarter']}季度.xlsx"


def _styles():
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    thin = Side(style="thin", color="999999")
    return {
        "title": {"font": Font(bold=True, size=14)},
        "header": {"font": Font(bold=True), "fill": PatternFill("solid", fgColor="DDE7F3"),
                   "alignment": Alignment(horizontal="center", vertical="center", wrap_text=True),
                   "border": Border(top=thin, bottom=thin, left=thin, right=thin)},
        "total": {"font": Font(bold=True), "fill": PatternFill("solid", fgColor="F2F2F2")},
    }


def _format(key: str) -> str:
    if key == "pass_rate":
        return PERCENT_FORMAT
    return MONEY_FORMAT if key in analysis.MONEY else COUNT_FORMAT


def _value(figures: dict, key: str):
    """A cell's value: the pass rate as a fraction (Excel's percent format shows it), money as a
    number with its cents, counts as integers; None stays an empty cell."""
    if key == "pass_rate":
        return analysis.pass_rate(figures)
    value = figures.get(key)
    if value is None:
        return None
    return float(Decimal(value)) if key in analysis.MONEY else int(value)


def _figure_cells(sheet, figures: dict, **style) -> list:
    from openpyxl.cell import WriteOnlyCell

    cells = []
    for key in FIGURE_KEYS:
        cell = WriteOnlyCell(sheet, value=_value(figures, key))
        cell.number_format = _format(key)
        for name, setting in style.items():
            setattr(cell, name, setting)
        cells.append(cell)
    return cells


def _widths(sheet, widths) -> None:
    from openpyxl.utils import get_column_letter

    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def _heading(figures: dict) -> str:
    return f"{figures['center']['name']} {analysis.quarter_label(figures['year'], figures['quarter'])}职业技能鉴定统计"


def _summary(workbook, figures: dict, styles) -> None:
    from openpyxl.chart import BarChart, Reference

    sheet = workbook.create_sheet("汇总")
    _widths(sheet, (22, 14, 14, 14, 10))
    sheet.freeze_panes = "A4"
    sheet.append(safe_row(sheet, [_heading(figures)], **styles["title"]))
    sheet.append(safe_row(sheet, [f"统计机构：{figures['center']['name']}　　统计季度：{analysis.quarter_label(figures['year'], figures['quarter'])}"]))
    sheet.append(safe_row(sheet, ["指标", "本季度"], **styles["header"]))
    for key, cell in zip(FIGURE_KEYS, _figure_cells(sheet, figures["totals"]), strict=True):
        sheet.append([*safe_row(sheet, [analysis.FIGURE_LABELS[key]]), cell])
    row = 4 + len(FIGURE_KEYS)  # the next row to be written

    # By level: the table the first chart draws.
    levels = figures["breakdowns"].get("level", [])
    sheet.append([])
    sheet.append(safe_row(sheet, ["各等级", "参加鉴定（人）", "鉴定合格（人）", "合格率"], **styles["header"]))
    level_header = row + 1
    for item in levels:
        sheet.append([*safe_row(sheet, [str(item["label"])]),
                      *safe_row(sheet, [_value(item["figures"], "appraised"), _value(item["figures"], "qualified")],
                                number_format=COUNT_FORMAT),
                      *safe_row(sheet, [analysis.pass_rate(item["figures"])], number_format=PERCENT_FORMAT)])
    row = level_header + 1 + len(levels)

    # The last eight quarters: the table the second chart draws.
    trend = figures.get("trend", [])[-8:]
    sheet.append([])
    sheet.append(safe_row(sheet, ["季度", "参加鉴定（人）", "鉴定合格（人）", "合格率"], **styles["header"]))
    trend_header = row + 1
    for point in trend:
        sheet.append([*safe_row(sheet, [f"{point['year']}年第{point['quarter']}季度"]),
                      *safe_row(sheet, [point.get("appraised") or 0, point.get("qualified") or 0],
                                number_format=COUNT_FORMAT),
                      *safe_row(sheet, [analysis.pass_rate(point)], number_format=PERCENT_FORMAT)])

    if levels:
        chart = BarChart()
        chart.type = "col"
        chart.title = "各等级参加鉴定与合格人数"
        chart.y_axis.title = "人数"
        data = Reference(sheet, min_col=2, max_col=3, min_row=level_header, max_row=level_header + len(levels))
        chart.add_data(data, titles_from_data=True)
        chart.set_categories(Reference(sheet, min_col=1, min_row=level_header + 1, max_row=level_header + len(levels)))
        chart.width, chart.height = 16, 8
        sheet.add_chart(chart, "G3")
    if trend:
        chart = BarChart()
        chart.type = "col"
        chart.title = "近八个季度参加鉴定人数"
        data = Reference(sheet, min_col=2, max_col=2, min_row=trend_header, max_row=trend_header + len(trend))
        chart.add_data(data, titles_from_data=True)
        chart.set_categories(Reference(sheet, min_col=1, min_row=trend_header + 1, max_row=trend_header + len(trend)))
        chart.width, chart.height = 16, 8
        sheet.add_chart(chart, "G20")


def _breakdown(workbook, figures: dict, key: str, title: str, styles) -> None:
    sheet = workbook.create_sheet(title)
    _widths(sheet, (24, *(12 for _ in FIGURE_KEYS)))
    sheet.freeze_panes = "B4"
    sheet.append(safe_row(sheet, [f"{_heading(figures)}（{title}）"], **styles["title"]))
    sheet.append(safe_row(sheet, ["合格率 = 鉴定合格人数 ÷ 参加鉴定人数；金额单位：元"]))
    sheet.append(safe_row(sheet, ["名称", *(analysis.FIGURE_LABELS[k] for k in FIGURE_KEYS)], **styles["header"]))
    for item in figures["breakdowns"].get(key, []):
        sheet.append([*safe_row(sheet, [str(item["label"])]), *_figure_cells(sheet, item["figures"])])
    sheet.append([*safe_row(sheet, ["合计"], **styles["total"]),
                  *_figure_cells(sheet, figures["totals"], **styles["total"])])


def _details(workbook, rows, styles, progress, total) -> None:
    from appraisal.idnumbers import mask_id_number

    sheet = workbook.create_sheet("明细")
    _widths(sheet, DETAIL_WIDTHS)
    sheet.freeze_panes = "A2"
    sheet.append(safe_row(sheet, DETAIL_HEADERS, **styles["header"]))
    for number, row in enumerate(rows, start=1):
        row = list(row)
        row[2] = mask_id_number(row[2]) if row[2] else ""  # statistics never need a full ID number
        sheet.append(safe_row(sheet, [number, *row]))
        if progress:
            progress(number, total or number)


def quarter_workbook(figures: dict, *, details=None, detail_count: int | None = None, progress=None) -> bytes:
    """The .xlsx of the quarter. `details`: an iterable of tuples in DETAIL_HEADERS's order without
    the 序号 (numbered here), read once, streamed; `detail_count` the number of rows, for
    `progress(done, total)`."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    styles = _styles()
    _summary(workbook, figures, styles)
    for key, title in BREAKDOWN_SHEETS:
        _breakdown(workbook, figures, key, title, styles)
    if details is not None:
        _details(workbook, details, styles, progress, detail_count)
    return workbook_bytes(workbook)


# --- The detail rows ------------------------------------------------------------------------------


def detail_rows(center, year: int, quarter: int, *, limit: int | None = None):
    """The applications received in the quarter under `center` (the authority engine's
    `under_center`; the caller has checked the user may see `center`), as DETAIL_HEADERS rows
    without the 序号: one query, streamed from the database (`iterator`), whatever the count."""
    from appraisal.models import Level
    from certificates.models import State
    from registration.models import Status
    from stats.definitions import APPRAISAL_KINDS, CANDIDATE_KINDS

    rows = _detail_query(center, year, quarter)
    if limit is not None:
        rows = rows[:limit]
    appraisal_kinds, candidate_kinds = dict(APPRAISAL_KINDS), dict(CANDIDATE_KINDS)
    statuses, states = dict(Status.choices), dict(State.choices)
    levels = {level.value: str(level.label) for level in Level}
    for (pk, name, id_number, center_name, occupation, level, appraisal_kind, candidate_kind, retake, status,
         sat, failed, number, state, fee_due, fee_paid) in rows.iterator(chunk_size=2000):
        yield (pk, name, id_number, center_name, occupation, levels.get(level, level),
               str(appraisal_kinds.get(appraisal_kind, appraisal_kind)), str(candidate_kinds.get(candidate_kind, "")),
               "是" if retake else "否", str(statuses.get(status, status)),
               ("不合格" if failed else "合格") if sat else "", number or "", str(states.get(state, "")) if state else "",
               float(fee_due) if fee_due is not None else None, "是" if fee_paid else "否")


def _detail_query(center, year: int, quarter: int):
    """The detail rows' one query, as raw values. Whether the candidate qualified and the certificate
    come from correlated subqueries, so the rows stay one per application."""
    import datetime

    from django.db.models import (
        BooleanField,
        Case,
        CharField,
        Exists,
        ExpressionWrapper,
        F,
        OuterRef,
        Q,
        Subquery,
        Value,
        When,
    )
    from django.utils import timezone

    from appraisal import authority
    from certificates.models import Certificate, State
    from exams.models import DisciplineIncident, IncidentMeasure, Score, SessionStatus
    from registration.models import Application
    from stats.selectors import quarter_bounds

    start, end = quarter_bounds(year, quarter)
    since, until = (timezone.make_aware(datetime.datetime.combine(day, datetime.time.min)) for day in (start, end))
    scores = Score.objects.filter(application=OuterRef("pk"), session__status=SessionStatus.PUBLISHED)
    measured = DisciplineIncident.objects.filter(
        application=OuterRef("pk"), measure__in=(IncidentMeasure.DISQUALIFIED, IncidentMeasure.SUBJECT_VOID))
    certificate = Certificate.objects.filter(application=OuterRef("pk")).exclude(state=State.REVOKED).order_by("-pk")
    rows = (
        Application.objects.filter(authority.under_center(center), submitted_at__gte=since, submitted_at__lt=until)
        .order_by("pk")
        .annotate(
            # Not qualified as the figures count it (selectors.figures._not_qualified): a failed
            # score, or a subject made void or the candidate disqualified (EXAM-11).
            sat=Exists(scores),
            failed=ExpressionWrapper(Q(Exists(scores.filter(passed=False))) | Q(Exists(measured)),
                                     output_field=BooleanField()),
            certificate_number=Subquery(certificate.values("number")[:1]),
            certificate_state=Subquery(certificate.values("state")[:1]),
            appraisal_kind=Case(When(unified_appraisal__isnull=True, then=Value("daily")),
                                default=F("occupation__category"), output_field=CharField()),
            candidate_kind=Case(
                When(candidate__school__isnull=False, then=Value("school_student")),
                When(candidate__employer_body__kind="affiliated_unit", then=Value("affiliated_unit")),
                When(candidate__employer_body__isnull=False, then=Value("enterprise_employee")),
                default=Value("other"), output_field=CharField()),
        )
        .values_list("pk", "name", "id_number", "center__name", "occupation__name", "level", "appraisal_kind",
                     "candidate_kind", "is_retake", "status", "sat", "failed", "certificate_number",
                     "certificate_state", "fee_due", "fee_paid")
    )
    return rows

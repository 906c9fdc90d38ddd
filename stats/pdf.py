"""The 统计分析报告 as a PDF (STAT-1), in the province's layout: the title, the center and the
quarter, the report's sections as staff wrote them, the quarter's tables and its charts.

It reads only a figures dict and the report's text, so a frozen submission prints exactly what was
submitted. Rendered by the project's WeasyPrint path (appraisal/pdf.py: A4, the subset CJK font,
no network); the charts are the page's SVG (stats/charts.py), which WeasyPrint draws as vectors.
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone

from appraisal.pdf import render_pdf
from stats import analysis, charts

TEMPLATE = "pdf/stats_report.html"
STYLESHEETS = ("pdf/base.css", "pdf/stats_report.css")
# The figures of the tables, in this order (the workbook has them all).
TABLE_KEYS = ("applied", "approved", "appraised", "qualified", "pass_rate", "certified", "delivered", "fees_paid")
TABLE_BREAKDOWNS = (("level", "按等级"), ("appraisal_kind", "按鉴定类别"), ("candidate_kind", "按考生类别"),
                    ("center", "按机构"))


def file_name(figures: dict) -> str:
    return f"统计分析报告_{figures['center']['name']}_{figures['year']}年第{figures['quarter']}季度.pdf"


def _row(label, figures: dict) -> dict:
    return {"label": str(label), "cells": [analysis.value_text(figures, key) for key in TABLE_KEYS]}


def report_context(figures: dict, text: str, *, version: str = "", printed_on=None) -> dict:
    """What the PDF prints, as display strings (the template holds no logic)."""
    printed_on = printed_on or timezone.localdate()
    tables = []
    for key, title in TABLE_BREAKDOWNS:
        items = figures["breakdowns"].get(key, [])
        if items:
            tables.append({"title": title, "rows": [_row(item["label"], item["figures"]) for item in items],
                           "total": _row("合计", figures["totals"])})
    return {
        "title": "职业技能鉴定统计分析报告",
        "center": figures["center"]["name"],
        "quarter": analysis.quarter_label(figures["year"], figures["quarter"]),
        "version": version,
        "printed_on": f"{printed_on.year}年{printed_on.month}月{printed_on.day}日",
        "body": analysis.render(text),
        "headers": [analysis.FIGURE_LABELS[key] for key in TABLE_KEYS],
        "tables": tables,
        "charts": list(charts.all_svgs(figures).values()),
    }


def report_pdf(figures: dict, text: str, *, version: str = "", printed_on=None) -> bytes:
    html = render_to_string(TEMPLATE, report_context(figures, text, version=version, printed_on=printed_on))
    return render_pdf(html, stylesheets=STYLESHEETS)

"""STAT-1: the 统计分析报告 PDF: title, center, quarter, the sections, the tables and the charts."""

from __future__ import annotations

import datetime
import io

from django.template.loader import render_to_string
from pypdf import PdfReader

from stats import analysis
from stats import pdf as stats_pdf
from tests.stats_outputs.sample import figures


def test_stat1_report_html_holds_title_sections_tables_and_charts():
    """STAT-1: the province's layout: title, center, quarter, the staff's sections, tables, charts."""
    data = figures()
    text = analysis.draft(data) + "\n## 六、补充\n<b>不是标签</b>"
    context = stats_pdf.report_context(data, text, version="第2版", printed_on=datetime.date(2026, 10, 9))
    html = render_to_string(stats_pdf.TEMPLATE, context)
    assert "<h1 class=\"title\">职业技能鉴定统计分析报告</h1>" in html
    assert "统计机构：长春市职业技能鉴定中心" in html and "统计季度：2026年第三季度" in html
    assert "版本：第2版" in html and "打印日期：2026年10月9日" in html
    assert "<h2>一、总体情况</h2>" in html and "<h2>六、补充</h2>" in html
    assert "&lt;b&gt;不是标签&lt;/b&gt;" in html
    assert "<caption>按等级</caption>" in html and ">76.7%<" in html  # the 合计 row's pass rate
    assert html.count("<svg") == 3 and "<script" not in html


def test_stat1_report_pdf_renders_with_text_and_charts():
    """STAT-1: the PDF renders; its text holds the title, the center, the quarter and a table."""
    content = stats_pdf.report_pdf(figures(), analysis.draft(figures()), printed_on=datetime.date(2026, 10, 9))
    assert content.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(content))
    text = "".join(page.extract_text() for page in reader.pages).replace(" ", "")
    for expected in ("职业技能鉴定统计分析报告", "长春市职业技能鉴定中心", "2026年第三季度", "一、总体情况", "按等级",
                     "各等级合格率"):
        assert expected in text, expected
    assert len(reader.pages) >= 2
    assert stats_pdf.file_name(figures()) == "统计分析报告_长春市职业技能鉴定中心_2026年第3季度.pdf"

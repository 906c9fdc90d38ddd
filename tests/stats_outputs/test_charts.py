"""STAT-1: the quarter's charts, server-rendered SVG (pygal), safe on a page under the site's CSP."""

from __future__ import annotations

import re
from xml.etree import ElementTree

import pytest
from django.template import Context, Template

from stats import charts
from tests.stats_outputs.sample import figures


def _parse(svg):
    return ElementTree.fromstring(str(svg))


def _texts(svg):
    return [t.text for t in _parse(svg).iter() if t.tag.endswith("text") and t.text]


@pytest.mark.parametrize("name", list(charts.CHARTS))
def test_stat1_each_chart_is_svg_without_script(name):
    """STAT-1: every chart is one well-formed <svg> with bars, no <script>, marked for the page."""
    svg = charts.svg(figures(), name, nonce="abc123")
    root = _parse(svg)
    assert root.tag.endswith("svg") and root.get("data-chart") == name and root.get("role") == "img"
    assert "<script" not in svg and "style=" not in svg and "tooltip-overlay" not in svg
    assert all(style.get("nonce") == "abc123" for style in root.iter() if style.tag.endswith("style"))
    assert len(re.findall(r'class="rect reactive tooltip-trigger"', svg)) >= 3


def test_stat1_pass_rate_by_level_values():
    """STAT-1: pass rate by level, in percent, one bar per level in the figures' order."""
    svg = charts.svg(figures(), "pass_rate_by_level")
    texts = _texts(svg)
    assert "各等级合格率（%）" in texts
    assert {"90.0%", "75.0%", "40.0%"} <= set(texts)   # 54/60, 30/40, 8/20
    assert texts.index("五级/初级工") < texts.index("四级/中级工") < texts.index("三级/高级工")


def test_stat1_trend_shows_last_eight_quarters():
    """STAT-1: appraised by quarter over the last eight quarters, oldest first."""
    data = figures()
    data["trend"] = [{"year": 2024, "quarter": 3, "appraised": 999, "qualified": 1, "pass_rate": 0}] + data["trend"]
    texts = _texts(charts.svg(data, "appraised_trend"))
    assert "2024年3季" not in texts and "999" not in texts
    assert texts.index("2024年4季") < texts.index("2026年3季")
    assert "170" in texts  # the last quarter's 100 + 70


def test_stat1_top_occupations_largest_on_top_and_bounded():
    """STAT-1: the top occupations by appraised, at most TOP_OCCUPATIONS, largest first."""
    occupations = [(i, f"职业{i:02d}", i * 3, i) for i in range(1, 15)]
    svg = charts.svg(figures(occupations=occupations), "top_occupations")
    texts = _texts(svg)
    assert "职业14" in texts and "职业05" in texts and "职业04" not in texts
    assert len(re.findall(r'class="rect reactive tooltip-trigger"', svg)) == charts.TOP_OCCUPATIONS


def test_stat1_hostile_labels_are_text():
    """STAT-1: an occupation named like markup is written as text inside the SVG."""
    svg = charts.svg(figures(occupations=[(1, '<script>alert(1)</script>"&', 10, 5)]), "top_occupations")
    assert "<script>alert" not in svg
    assert '<script>alert(1)</script>"&' in _texts(svg)


def test_stat1_empty_quarter_says_no_data():
    """STAT-1: nothing appraised: the chart says so instead of failing."""
    empty = figures(levels=[], occupations=[])
    empty["trend"] = []
    for name in charts.CHARTS:
        assert "暂无数据" in _texts(charts.svg(empty, name))


def test_stat1_unknown_chart_refused():
    with pytest.raises(ValueError):
        charts.svg(figures(), "pie_of_everything")


def test_stat1_template_tags_draw_charts_with_the_request_nonce():
    """STAT-1: the template tags put the charts on a page with the page's CSP nonce."""
    html = Template('{% load stats_charts %}{% stats_chart data "appraised_trend" %}|{% stats_charts data %}').render(
        Context({"data": figures(), "CSP_NONCE": "n0nce"}))
    assert html.count("<svg") == 4 and html.count('data-chart="appraised_trend"') == 2
    assert 'nonce="n0nce"' in html and "stats-charts" in html

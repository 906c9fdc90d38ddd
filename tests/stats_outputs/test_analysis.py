"""STAT-1: the 统计分析报告 draft written from the figures, and its markup rendered safely."""

from __future__ import annotations

from stats import analysis
from tests.stats_outputs.sample import figures


def test_stat1_draft_states_totals_and_pass_rate():
    """STAT-1: the draft opens with the quarter's totals, the pass rate computed from them."""
    text = analysis.draft(figures())
    assert text.startswith("# 长春市职业技能鉴定中心2026年第三季度职业技能鉴定统计分析报告")
    # 120 appraised, 92 qualified: 76.7 %
    assert "参加鉴定 **120** 人，鉴定合格 **92** 人" in text
    assert "合格率 **76.7%**" in text


def test_stat1_draft_compares_previous_quarter_and_last_year():
    """STAT-1: the change against the previous quarter and the same quarter of last year."""
    now = figures()
    before = figures(quarter=2, scale=2)   # 240 appraised
    ago = figures(year=2025, scale=1)      # 120 appraised
    text = analysis.draft(now, previous=before, year_ago=ago)
    row = next(line for line in text.splitlines() if line.startswith("| 参加鉴定人数"))
    assert row == "| 参加鉴定人数 | 120 | 240 | -120（-50.0%） | 120 | +0（+0.0%） |"
    assert "| 上季度（2026年第二季度） |" in text
    rate_row = next(line for line in text.splitlines() if line.startswith("| 鉴定合格率"))
    assert "+0.0个百分点" in rate_row


def test_stat1_draft_without_comparisons_says_so():
    """STAT-1: no previous figures: the comparison section says there is nothing to compare."""
    text = analysis.draft(figures())
    assert "上季度和上年同期均无数据，不作比较。" in text
    assert "无上季度数据，不作比较。" in text


def test_stat1_movers_name_occupations_and_levels_that_grew_or_fell_most():
    """STAT-1: the occupations and levels that grew or fell most, largest change first."""
    before = figures(quarter=2, occupations=[(1, "电工", 20, 18), (2, "焊工", 60, 40), (3, "育婴员", 25, 20),
                                             (5, "保育员", 10, 9)])
    now = figures()
    grew, fell = analysis.movers(now, before, "occupation")
    assert grew == [("电工", 20, 50, 30), ("中式烹调师", 0, 15, 15)]
    assert fell == [("焊工", 60, 30, -30), ("保育员", 10, 0, -10)]
    text = analysis.draft(now, previous=before)
    assert "- 参加鉴定人数增长较多的职业：电工（20 → 50，+30）；中式烹调师（0 → 15，+15）" in text
    assert "- 参加鉴定人数下降较多的职业：焊工（60 → 30，-30）；保育员（10 → 0，-10）" in text


def test_stat1_pass_rates_far_from_province_average_are_flagged():
    """STAT-1: a level or occupation 15 points or more from the province's rate, with at least 10
    candidates, is flagged; a small group is not."""
    province = figures(center=(1, "吉林省职业技能鉴定中心"))  # 76.7 %
    now = figures(occupations=[(1, "电工", 50, 49), (2, "焊工", 30, 22), (3, "育婴员", 9, 1), (4, "茶艺师", 12, 4)])
    rows = analysis.flagged(now, analysis.pass_rate(province["totals"]))
    labels = [(breakdown, label) for breakdown, label, _, _ in rows]
    assert ("level", "三级/高级工") in labels          # 8 / 20 = 40 %
    assert ("occupation", "茶艺师") in labels          # 4 / 12 = 33 %
    assert ("occupation", "电工") in labels            # 98 %
    assert ("occupation", "育婴员") not in labels      # only 9 appraised
    assert ("occupation", "焊工") not in labels        # 73 %: within range
    assert labels[0] == ("occupation", "茶艺师")         # furthest first (-43 points)
    text = analysis.draft(now, province=province)
    assert "全省平均合格率为 76.7%" in text and "| 职业 | 茶艺师 | 12 | 33.3% | -43.3个百分点 |" in text


def test_stat1_nobody_appraised_gives_no_rate_and_no_division_by_zero():
    """STAT-1: an empty quarter writes a draft with dashes, not an error."""
    empty = figures(levels=[(5, "五级/初级工", 0, 0)], occupations=[(1, "电工", 0, 0)])
    text = analysis.draft(empty, previous=empty, year_ago=empty)
    assert "合格率 **—**" in text
    assert "本季度全省无人参加鉴定" in text


def test_stat1_render_markup_to_html():
    """STAT-1: the light markup: title, sections, bullets, bold, tables, paragraphs."""
    html = analysis.render("# 标题\n## 一、总体\n本季度 **120** 人\n第二行\n\n- 甲\n- 乙\n| a | b |\n| 1 | 2 |\n尾")
    assert html == ("<h1>标题</h1>\n<h2>一、总体</h2>\n<p>本季度 <strong>120</strong> 人<br>第二行</p>\n"
                    "<ul><li>甲</li><li>乙</li></ul>\n"
                    '<table class="report-table"><thead><tr><th>a</th><th>b</th></tr></thead>'
                    "<tbody><tr><td>1</td><td>2</td></tr></tbody></table>\n<p>尾</p>")


def test_stat1_render_escapes_hostile_text():
    """STAT-1: staff text and occupation names are escaped before the markup applies."""
    html = analysis.render('## <script>alert(1)</script>\n- **<img src=x onerror=alert(1)>**\n| "a" | <b> |\n| x | y |')
    assert "<script>" not in html and "<img" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<strong>&lt;img src=x onerror=alert(1)&gt;</strong>" in html


def test_stat1_draft_renders_and_escapes_labels():
    """STAT-1: a label with markup characters in the draft prints as typed."""
    now = figures(occupations=[(1, "<电工>|A", 50, 10)])
    html = analysis.render(analysis.draft(now, province=figures()))
    assert "&lt;电工&gt;｜A" in html and "<电工>" not in html

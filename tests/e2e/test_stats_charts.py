"""The quarter page in the browser (STAT-1): the city's charts are drawn (SVG bars with a size,
coloured by the chart's own style, so the Content Security Policy let it apply) and the Excel
download runs through its job page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from appraisal.models import Center
from tests.stats.generated import generate, standard_centers

pytestmark = pytest.mark.e2e
YEAR, QUARTER = 2025, 3
BAR_FILL = "rgb(31, 95, 168)"  # stats.charts.COLORS[0]


@pytest.fixture
def records(demo):
    by_code = {c.division_code: c for c in Center.objects.filter(division_code__isnull=False)}
    centers = {"province": by_code["220000"], "changchun": by_code["220100"], "nongan": by_code["220122"],
               "yushu": by_code["220182"], "jilin_city": by_code["220200"], "yongji": by_code["220221"],
               "siping": by_code["220300"], "gongzhuling": by_code["220381"],
               "changbaishan": Center.objects.get(name="长白山管委会职业技能鉴定中心"),
               "school": Center.objects.get(kind="school"), "enterprise": Center.objects.get(kind="enterprise"),
               "affiliated": Center.objects.get(kind="affiliated_unit")}
    generate(standard_centers(centers), year=YEAR, quarter=QUARTER)
    return centers


def test_stat1_the_quarter_page_draws_its_charts(page, login, url, records, artifacts):
    """STAT-1: pass rate by level, appraised over eight quarters and the top occupations are drawn
    on the city's quarter page, with no CSP violation, and the Excel export reaches its job page."""
    violations = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    login(page, "staff_changchun")
    page.goto(url(f"/stats/?center={records['changchun'].pk}&year={YEAR}&quarter={QUARTER}"))
    charts = page.get_by_test_id("stats-charts")
    expect(charts).to_be_visible()
    for name in ("pass_rate_by_level", "appraised_trend", "top_occupations"):
        chart = charts.locator(f'svg[data-chart="{name}"]')
        expect(chart).to_be_visible()
        box = chart.bounding_box()
        assert box["width"] > 250 and box["height"] > 100, (name, box)
        bars = chart.locator("rect.rect")
        assert bars.count() >= 1, name
        tallest = max(bars.nth(i).bounding_box()["height"] for i in range(bars.count()))
        widest = max(bars.nth(i).bounding_box()["width"] for i in range(bars.count()))
        assert tallest > 0 and widest > 0, name  # quarters without candidates draw no height
        fill = bars.first.evaluate("element => getComputedStyle(element).fill")
        assert fill == BAR_FILL, (name, fill)
    expect(charts.locator('svg[data-chart="pass_rate_by_level"]')).to_contain_text("各等级合格率")
    page.screenshot(path=artifacts / "stats-charts.png", full_page=True)
    assert not violations, violations
    page.get_by_test_id("stats-excel").click()
    page.wait_for_url("**/jobs/*/")
    expect(page.get_by_test_id("job-file")).to_contain_text(".xlsx")

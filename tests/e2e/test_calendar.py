"""The public calendar page and its registration-deadline calculator (CAL-1, CAL-3) in a browser."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_deadline_calculator_counts_working_days_around_national_day(page, demo, url):
    """CAL-3: 10 working days before Saturday 2017-10-14, skipping the National Day holiday
    (1-8 October) and counting Saturday 30 September, an adjusted working day: 26 September."""
    page.goto(url("/calendar/"))  # public: no login
    expect(page.get_by_role("heading", level=1)).to_have_text("鉴定日历")
    # Which unified appraisals are listed depends on today's date: not asserted here.
    expect(page.get_by_role("heading", name="日常鉴定报名截止日计算")).to_be_visible()

    page.get_by_label("鉴定日", exact=True).fill("2017-10-14")
    page.get_by_label("延长工作日", exact=True).select_option("0")
    page.get_by_role("button", name="计算", exact=True).click()

    expect(page.get_by_test_id("deadline")).to_have_text("报名截止：2017年9月26日 24:00")
    expect(page.get_by_role("alert")).to_have_count(0)
    # The form keeps what was asked.
    expect(page.get_by_label("鉴定日", exact=True)).to_have_value("2017-10-14")


def test_extension_outside_the_choices_cannot_be_picked(page, demo, url):
    page.goto(url("/calendar/"))
    options = page.get_by_label("延长工作日", exact=True).locator("option")
    expect(options).to_have_text(["0", "1", "2"])


def test_year_without_maintained_holidays_shows_a_chinese_error(page, demo, url):
    page.goto(url("/calendar/?appraisal_day=2035-05-05&extension_days=0"))

    expect(page.get_by_role("alert")).to_contain_text("2035年的法定节假日尚未维护，无法计算工作日。")
    expect(page.get_by_test_id("deadline")).to_have_count(0)

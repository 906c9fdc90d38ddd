"""CAL-4 / CAL-3: the province enters next year's holidays and adjusted working days on their
calendar page, previews the registration deadline it moves (待公布 → a date) and saves; the public
calendar then shows the deadline."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from appraisal import calendar_keeping
from appraisal.models import Center, ScheduledAppraisalDay, User, WorkdayOverride

pytestmark = pytest.mark.e2e


def test_cal4_province_enters_next_years_holidays_and_sees_a_deadline_move(demo, page, login, url, artifacts):
    year = timezone.localdate().year + 1
    WorkdayOverride.objects.filter(day__year=year).delete()
    if calendar_keeping.library_knows(year):
        pytest.skip("the calendar library knows next year already")
    # A 长春 day three weeks into next year: its deadline counts back into next year's calendar.
    day = datetime.date(year, 1, 20)
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    scheduled = ScheduledAppraisalDay.objects.create(center=Center.objects.get(division_code="220100"), day=day)

    login(page, "province_admin")
    page.get_by_test_id("home-notices").get_by_role("link", name=f"{year}年法定节假日和调休安排尚未录入").click()
    form = page.get_by_test_id("calendar-keep-form")
    expect(form.get_by_label("年度")).to_have_value(str(year))
    form.get_by_label("法定节假日（休息）").fill(f"{year}-01-01 元旦\n{day:%Y-%m-%d} 测试假日")
    form.get_by_role("button", name="预览").click()

    moved = page.get_by_test_id("moved-deadline").filter(has_text=f"{day:%Y-%m-%d}")
    expect(moved).to_contain_text("待公布")
    expected = calendar_keeping.preview(
        User.objects.get(username="province_admin"), year=year,
        plan=calendar_keeping.plan_year(year=year, holidays=[
            calendar_keeping.DayRange(datetime.date(year, 1, 1), datetime.date(year, 1, 1)),
            calendar_keeping.DayRange(day, day)], working_days=[]),
    )
    after = next(m.after for m in expected["moved"] if m.scheduled.pk == scheduled.pk)
    expect(moved).to_contain_text(f"{after:%Y-%m-%d}")
    expect(page.get_by_test_id("month-workdays")).to_contain_text("1月")
    page.screenshot(path=artifacts / "calendar-keep-preview.png", full_page=True)
    assert not WorkdayOverride.objects.filter(day__year=year).exists()  # a preview saves nothing

    page.get_by_test_id("calendar-keep-form").get_by_role("button", name="保存").click()
    expect(page.locator(".messages")).to_contain_text(f"已保存{year}年工作日历（2天调整）")
    page.goto(url("/calendar/"))
    expect(page.locator("tr", has_text=f"{day:%Y-%m-%d}").filter(has_text="长春市")).to_contain_text(
        f"{after:%Y-%m-%d} 24:00")


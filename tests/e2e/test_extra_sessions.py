"""Extra appraisal sessions in the browser (CAL-6): the 农安县 clerk asks for an extra day, the 长春市
clerk (the upper level) approves it from the pending list, the day is put on 农安县's schedule, and the
requester sees the request approved."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from appraisal.models import Center, ScheduledAppraisalDay, User
from registration.models import ExtraSessionRequest, ExtraSessionStatus
from registration.services.extra_sessions import EXTRA_SESSION_NOTE
from tests.registration.conftest import ensure_calendar_known

pytestmark = pytest.mark.e2e

REASON = "农安县汽修企业职工120人集中报名，定期鉴定日无法容纳。"


@pytest.fixture
def wanted_day(demo):
    """A weekday 40 days ahead (the demo schedules Saturdays only), in a year the calendar knows."""
    day = timezone.localdate() + datetime.timedelta(days=40)
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    ensure_calendar_known(day.year)
    nongan = Center.objects.get(division_code="220122")
    assert not ScheduledAppraisalDay.objects.filter(center=nongan, day=day).exists()
    return day


def test_cal6_county_requests_city_approves_day_is_scheduled(page, browser, login, url, artifacts, wanted_day):
    nongan = Center.objects.get(division_code="220122")

    # The county clerk asks; a past date is refused first, with the reason in Chinese.
    login(page, "staff_nongan")
    page.goto(url("/registration/extra-sessions/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("增加鉴定场次")
    form = page.get_by_test_id("extra-session-form")
    expect(form.get_by_label("申请机构")).to_have_value(str(nongan.pk))
    form.get_by_label("申请鉴定日期").fill(f"{timezone.localdate():%Y-%m-%d}")
    form.get_by_label("职业").select_option(label="汽车维修工")
    form.get_by_label("预计人数").fill("120")
    form.get_by_label("申请理由").fill(REASON)
    form.get_by_role("button", name="提交申请").click()
    expect(page.get_by_test_id("extra-session-form")).to_contain_text("申请鉴定日期必须在今天之后。")
    assert not ExtraSessionRequest.objects.exists()

    form = page.get_by_test_id("extra-session-form")
    form.get_by_label("申请鉴定日期").fill(f"{wanted_day:%Y-%m-%d}")
    form.get_by_role("button", name="提交申请").click()
    expect(page.locator(".messages")).to_contain_text("增加鉴定场次申请已提交，等待上级审批。")
    listed = page.get_by_test_id("extra-session-list").locator("tbody tr")
    expect(listed).to_have_count(1)
    expect(listed.first).to_contain_text(f"{wanted_day:%Y-%m-%d}")
    expect(listed.first).to_contain_text("待审批")
    # The requester cannot decide their own request: nothing waits for them.
    expect(page.get_by_test_id("pending-link")).to_have_count(0)

    # The city clerk, in another browser, opens the pending list and approves.
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1280, "height": 800})
    context.set_default_timeout(10_000)
    try:
        city = context.new_page()
        login(city, "staff_changchun")
        city.goto(url("/registration/extra-sessions/"))
        city.get_by_test_id("pending-link").click()
        expect(city.get_by_role("heading", level=1)).to_have_text("增加鉴定场次审批")
        pending = city.get_by_test_id("pending-request")
        expect(pending).to_have_count(1)
        expect(pending).to_contain_text("农安县职业技能鉴定中心")
        expect(pending).to_contain_text(f"{wanted_day.year}年{wanted_day.month}月{wanted_day.day}日")
        expect(pending).to_contain_text(REASON)
        expect(pending).to_contain_text("孙县员")
        pending.get_by_label("审批意见").fill("同意增加场次")
        pending.get_by_role("button", name="批准", exact=True).click()
        expect(city.locator(".messages")).to_contain_text(
            f"已批准农安县职业技能鉴定中心 {wanted_day:%Y-%m-%d} 增加鉴定场次，已列入定期鉴定日（仅受理汽车维修工）。")
        expect(city.get_by_test_id("pending-request")).to_have_count(0)
        expect(city.get_by_text("没有待审批的申请。")).to_be_visible()
        city.screenshot(path=artifacts / "extra-sessions-approved-city.png", full_page=True)
    finally:
        context.close()

    scheduled = ScheduledAppraisalDay.objects.get(center=nongan, day=wanted_day)
    assert scheduled.note == EXTRA_SESSION_NOTE
    request = ExtraSessionRequest.objects.get()
    assert request.status == ExtraSessionStatus.APPROVED
    assert request.scheduled_day == scheduled
    assert request.decided_by == User.objects.get(username="staff_changchun")

    # The requester sees it approved, with the decision and who made it.
    page.reload()
    row = page.get_by_test_id("extra-session-list").locator("tbody tr").first
    expect(row.locator(".badge")).to_have_text("已批准")
    expect(row).to_contain_text("同意增加场次")
    expect(row).to_contain_text("钱市员")
    page.screenshot(path=artifacts / "extra-sessions-approved-county.png", full_page=True)

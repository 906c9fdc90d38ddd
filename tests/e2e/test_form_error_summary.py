"""A refused application form says why where the candidate is looking. On a phone the REG-1 form is
several screens long: when the server refuses it (出生年月 contradicting the ID number, a future
颁证时间), the page comes back with an error summary on top of the form, scrolled into view and
focused, that lists every error with a link to its field. The same on the edit page and on the
clerk's entry form."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from appraisal.demo import DEMO_CANDIDATE
from registration.models import Application

pytestmark = pytest.mark.e2e

BIRTH_MISMATCH = "与身份证号中的出生日期"  # the demo candidate (220122199003150019) was born 1990-03
FUTURE_CERTIFICATE = "颁证时间不能是未来的日期。"


def in_viewport(page, locator):
    box = locator.bounding_box()
    height = page.viewport_size["height"]
    return box is not None and box["y"] >= 0 and box["y"] + min(box["height"], height) <= height


def assert_lists_every_error(page, summary):
    """One item per error shown at a field (plus the form's own), each field's linked to it."""
    expect(summary).to_be_visible()
    expect(summary).to_have_attribute("role", "alert")
    field_errors = page.locator("form .error[data-field], form .error:not(.error-summary)[role=alert]")
    form_errors = summary.get_by_test_id("form-errors").locator("li")
    items = summary.locator("li")
    assert items.count() >= 1
    assert items.count() == field_errors.count() + form_errors.count()
    for link in summary.get_by_role("link").all():
        target = link.get_attribute("href")
        assert target.startswith("#id_"), target
        expect(page.locator(target)).to_have_count(1)


def apply_step_two(page, url, day):
    """Step one on the phone (汽车维修工, level 5), then the chosen day's REG-1 form."""
    page.goto(url("/registration/my/apply/"))
    page.get_by_label("申报职业").select_option(label="汽车维修工")
    page.get_by_label("申报等级").select_option(label="五级/初级工")
    page.get_by_role("button", name="查询受理机构和可报名的鉴定").click()
    page.get_by_test_id("open-appraisals").locator("li").filter(
        has_text=f"{day.year}年{day.month}月{day.day}日"
    ).get_by_role("link", name="选择并填写申报表").click()
    expect(page.get_by_label("姓名")).to_have_value("王考生")


def fill_form(page, birth_month="1990-03", certificate_date=""):
    page.get_by_label("性别").select_option(label="男")
    page.get_by_label("出生年月").fill(birth_month)
    page.get_by_label("文化程度").select_option(label="高中/中专/技校")
    page.get_by_label("现职业").fill("汽车修理")
    if certificate_date:
        page.get_by_label("颁证时间").fill(certificate_date)
    page.get_by_label("已从事本职业工作年限").fill("4")
    page.get_by_label("工作简历").fill("2012年至今在农安县某汽车维修有限公司从事汽车维修工作。")


def test_reg1_refused_application_shows_the_summary_in_view_on_a_phone(
    phone_page, login, url, open_nongan_day, artifacts
):
    page = phone_page
    login(page, DEMO_CANDIDATE["username"])
    apply_step_two(page, url, open_nongan_day.day)
    next_year = timezone.localdate() + datetime.timedelta(days=400)
    fill_form(page, birth_month="1985-06", certificate_date=f"{next_year:%Y-%m-%d}")
    # More than one screen of reasons is no reason to start the page at the top.
    page.get_by_label("姓名").fill("王某某")
    page.get_by_label("联系电话").fill("12345")
    page.get_by_role("button", name="保存申报表").click()

    summary = page.get_by_test_id("error-summary")
    expect(summary).to_be_focused()  # focused (and so announced) as soon as the page is back
    assert in_viewport(page, summary), summary.bounding_box()
    expect(summary).to_contain_text("申报表未保存")
    expect(summary).to_contain_text(BIRTH_MISMATCH)
    assert_lists_every_error(page, summary)
    assert not Application.objects.filter(candidate__username=DEMO_CANDIDATE["username"]).exists()
    page.screenshot(path=artifacts / "candidate-apply-error-summary-phone.png")

    # The link goes to the field, focused, with its label in view (not hidden above the top edge).
    summary.get_by_role("link", name="出生年月").click()
    field = page.get_by_label("出生年月")
    expect(field).to_be_focused()
    assert in_viewport(page, page.locator("label[for=id_birth_month]"))
    assert in_viewport(page, field)
    expect(page.locator('[data-field="birth_month"]')).to_contain_text(BIRTH_MISMATCH)

    # Corrected, the form saves; no summary on the way.
    field.fill("1990-03")
    page.get_by_label("姓名").fill(DEMO_CANDIDATE["full_name"])
    page.get_by_label("联系电话").fill(DEMO_CANDIDATE["phone"])
    page.get_by_label("颁证时间").fill("")
    page.get_by_role("button", name="保存申报表").click()
    expect(page.get_by_test_id("application-status")).to_have_text("草稿")
    expect(page.get_by_test_id("error-summary")).to_have_count(0)


def test_reg1_refused_edit_shows_the_summary_in_view_on_a_phone(phone_page, login, url, open_nongan_day):
    page = phone_page
    login(page, DEMO_CANDIDATE["username"])
    apply_step_two(page, url, open_nongan_day.day)
    fill_form(page)
    page.get_by_role("button", name="保存申报表").click()
    expect(page.get_by_test_id("application-status")).to_have_text("草稿")
    expect(page.get_by_test_id("error-summary")).to_have_count(0)

    page.get_by_role("link", name="修改", exact=True).click()
    expect(page.get_by_role("heading", name="修改申报表")).to_be_visible()
    expect(page.get_by_test_id("error-summary")).to_have_count(0)  # nothing to say before a refusal
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    page.get_by_label("颁证时间").fill(f"{tomorrow:%Y-%m-%d}")
    page.get_by_role("button", name="保存", exact=True).click()

    summary = page.get_by_test_id("error-summary")
    expect(summary).to_be_focused()
    assert in_viewport(page, summary), summary.bounding_box()
    expect(summary).to_contain_text(FUTURE_CERTIFICATE)
    assert_lists_every_error(page, summary)
    summary.get_by_role("link", name="颁证时间").click()
    expect(page.get_by_label("颁证时间")).to_be_focused()
    assert in_viewport(page, page.locator("label[for=id_held_certificate_date]"))


def test_reg3_clerk_entry_form_refused_shows_the_summary(phone_page, login, url, open_nongan_day):
    page = phone_page
    login(page, "staff_nongan")
    page.goto(url("/registration/staff/enter/"))
    page.get_by_label("考生身份证号").fill(DEMO_CANDIDATE["id_number"])
    page.get_by_role("button", name="查找").click()
    page.get_by_role("link", name="为该考生录入申报").click()
    page.get_by_label("申报职业").select_option(label="汽车维修工")
    page.get_by_label("申报等级").select_option(label="五级/初级工")
    page.get_by_role("button", name="查询可报名的鉴定").click()
    page.get_by_label("出生年月").fill("1985-06")
    page.get_by_label("文化程度").select_option(label="高中/中专/技校")
    page.get_by_label("已从事本职业工作年限").fill("3")
    page.get_by_label("工作简历").fill("2019年至今在农安县从事汽车维修。")
    page.get_by_role("button", name="保存申报草稿").click()

    summary = page.get_by_test_id("error-summary")
    expect(summary).to_be_focused()
    assert in_viewport(page, summary), summary.bounding_box()
    expect(summary).to_contain_text("申报草稿未保存")
    expect(summary).to_contain_text(BIRTH_MISMATCH)
    assert_lists_every_error(page, summary)
    summary.get_by_role("link", name="出生年月").click()
    expect(page.get_by_label("出生年月")).to_be_focused()

"""MSG-3, MSG-4 in the browser on a phone: a candidate who forgot their password finds 忘记密码 on the
login page, gets a six-digit code by SMS, is refused a wrong one in Chinese, sets a new password
and logs in with it."""

import re

import pytest
from playwright.sync_api import expect

from appraisal.demo import DEMO_CANDIDATE, DEMO_PASSWORD
from appraisal.models import User
from tests.e2e.conftest import no_sideways_scroll

pytestmark = pytest.mark.e2e

NEW_PASSWORD = "Yalu-River-Ferry-2026"


def test_msg3_candidate_resets_the_password_on_a_phone(phone_page, demo, url, login, artifacts, sms_outbox):
    page = phone_page
    page.goto(url("/login/"))
    expect(page.locator(".login-help")).to_contain_text("报名咨询电话")
    page.get_by_role("link", name="忘记密码？").click()
    page.wait_for_url(url("/password/forgot/"))
    no_sideways_scroll(page)
    page.get_by_label("身份证号").fill(DEMO_CANDIDATE["id_number"])
    page.get_by_label("注册时登记的手机号").fill(DEMO_CANDIDATE["phone"])
    page.get_by_role("button", name="获取验证码").click()
    page.wait_for_url(url("/password/forgot/code/"))
    expect(page.get_by_role("status")).to_contain_text("验证码已发送到该手机，10分钟内有效")
    assert [m.phone for m in sms_outbox] == [DEMO_CANDIDATE["phone"]]
    code = re.search(r"验证码(\d{6})", sms_outbox[0].text).group(1)

    # A wrong code first: refused in Chinese, the password unchanged.
    page.get_by_label("短信验证码").fill("000000" if code != "000000" else "111111")
    page.get_by_label("新密码", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("再次输入新密码").fill(NEW_PASSWORD)
    page.get_by_role("button", name="重新设置密码").click()
    expect(page.get_by_role("alert")).to_have_text("验证码不正确或已失效，请核对或重新获取验证码。")
    no_sideways_scroll(page)
    page.screenshot(path=artifacts / "password-reset-wrong-code-phone.png", full_page=True)
    assert User.objects.get(username="candidate").check_password(DEMO_PASSWORD)

    page.get_by_label("短信验证码").fill(code)
    page.get_by_label("新密码", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("再次输入新密码").fill(NEW_PASSWORD)
    page.get_by_role("button", name="重新设置密码").click()
    page.wait_for_url(url("/login/"))
    expect(page.locator(".messages")).to_contain_text("密码已重新设置，请用新密码登录。")
    login(page, "candidate", NEW_PASSWORD)
    expect(page.get_by_role("link", name="我的成绩")).to_be_visible()
    page.screenshot(path=artifacts / "password-reset-done-phone.png", full_page=True)


def test_msg4_an_unregistered_number_sees_the_same_pages(phone_page, demo, url, sms_outbox):
    page = phone_page
    page.goto(url("/password/forgot/"))
    page.get_by_label("身份证号").fill("11010519491231002X")
    page.get_by_label("注册时登记的手机号").fill("13900000000")
    page.get_by_role("button", name="获取验证码").click()
    page.wait_for_url(url("/password/forgot/code/"))
    expect(page.get_by_role("status")).to_contain_text("验证码已发送到该手机，10分钟内有效")
    assert sms_outbox == []

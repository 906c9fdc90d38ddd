"""A candidate changes their password on a phone (e.g. the initial one a center handed out): a wrong
old password is refused in Chinese, a right one changes it, and after logging out only the new
password opens the account."""

import pytest
from playwright.sync_api import expect

from appraisal.demo import DEMO_PASSWORD
from appraisal.models import User

pytestmark = pytest.mark.e2e

NEW_PASSWORD = "Changbai-Tianchi-2017"


def fill_change_form(page, old, new, confirm=None):
    page.get_by_label("旧密码", exact=True).fill(old)
    page.get_by_label("新密码", exact=True).fill(new)
    page.get_by_label("新密码确认", exact=True).fill(new if confirm is None else confirm)
    page.get_by_role("button", name="确认修改").click()


def test_candidate_changes_password_on_a_phone_and_logs_in_with_it(phone_page, login, url, artifacts, demo):
    page = phone_page
    login(page, "candidate")
    page.get_by_role("link", name="修改密码").click()
    page.wait_for_url(url("/password/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("修改密码")

    # A wrong old password: refused in Chinese, the password unchanged.
    fill_change_form(page, "not-my-password", NEW_PASSWORD)
    expect(page.get_by_role("alert")).to_have_text("您的旧密码不正确，请重新输入。")
    # The two new passwords must match.
    fill_change_form(page, DEMO_PASSWORD, NEW_PASSWORD, confirm=NEW_PASSWORD + "x")
    expect(page.get_by_role("alert")).to_have_text("输入的两个密码不一致。")
    page.screenshot(path=artifacts / "password-change-error.png", full_page=True)
    assert User.objects.get(username="candidate").check_password(DEMO_PASSWORD)

    # The right old password: changed, and the candidate stays signed in.
    fill_change_form(page, DEMO_PASSWORD, NEW_PASSWORD)
    page.wait_for_url(url("/"))
    expect(page.locator(".messages")).to_contain_text("密码已修改。")
    widths = page.evaluate("({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})")
    assert widths["scroll"] <= widths["inner"], widths

    # Log out; the old password no longer works, the new one does.
    page.get_by_role("button", name="退出").click()
    page.wait_for_url(url("/login/"))
    expect(page.locator(".messages")).to_contain_text("您已安全退出。")
    page.get_by_label("用户名", exact=True).fill("candidate")
    page.get_by_label("密码", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page).to_have_url(url("/login/"))
    expect(page.get_by_role("alert")).to_have_text("用户名或密码不正确，请重新输入。")
    login(page, "candidate", NEW_PASSWORD)
    expect(page.get_by_role("link", name="我的成绩")).to_be_visible()
    page.screenshot(path=artifacts / "password-changed-home.png", full_page=True)

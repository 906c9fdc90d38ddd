"""Login, the home page of each role, and logout in a real browser (ORG-8 scope on the home page,
personal data masked for the candidate), on a phone as well as a desktop."""

import pytest
from playwright.sync_api import expect

from appraisal.demo import DEMO_CANDIDATE, DEMO_PASSWORD

pytestmark = pytest.mark.e2e

NONGAN = "农安县职业技能鉴定中心"


def test_center_staff_logs_in_on_a_phone_sees_home_and_logs_out(phone_page, demo, login, url, artifacts):
    page = phone_page
    login(page, "staff_nongan")

    expect(page.get_by_role("heading", level=1)).to_have_text("孙县员，您好")
    expect(page.get_by_test_id("user-center")).to_contain_text(NONGAN)
    expect(page.get_by_test_id("user-scope")).to_have_text(f"{NONGAN}本机构。")
    # The style sheet was served and applied (a phone layout without it proves nothing).
    assert page.evaluate("document.styleSheets.length && document.styleSheets[0].cssRules.length") > 0
    # Mobile first: nothing wider than the phone's screen, so no sideways scrolling of the page.
    widths = page.evaluate("({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})")
    assert widths["scroll"] <= widths["inner"], widths

    page.screenshot(path=artifacts / "home-phone.png", full_page=True)

    page.get_by_role("button", name="退出").click()
    page.wait_for_url(url("/login/"))
    expect(page.get_by_role("heading", name="登录")).to_be_visible()
    expect(page.locator(".messages")).to_contain_text("您已安全退出。")
    # The session is gone: the home page sends us back to the login page.
    page.goto(url("/"))
    expect(page).to_have_url(url("/login/?next=/"))


def test_wrong_password_shows_a_chinese_error(page, demo, url):
    page.goto(url("/login/"))
    page.get_by_label("用户名", exact=True).fill("staff_nongan")
    page.get_by_label("密码", exact=True).fill(DEMO_PASSWORD + "x")
    page.get_by_role("button", name="登录", exact=True).click()

    expect(page.get_by_role("alert")).to_have_text("用户名或密码不正确，请重新输入。")
    expect(page).to_have_url(url("/login/"))
    # The username is kept, the password is not.
    expect(page.get_by_label("用户名", exact=True)).to_have_value("staff_nongan")
    expect(page.get_by_label("密码", exact=True)).to_have_value("")


def test_candidate_sees_a_masked_id_number(page, demo, login):
    login(page, "candidate")

    full = DEMO_CANDIDATE["id_number"]
    facts = page.locator(".facts")
    expect(facts).to_contain_text(full[:6] + "********" + full[-4:])
    expect(page.locator("body")).not_to_contain_text(full)
    expect(page.get_by_test_id("candidate-region")).to_have_text("农安县")
    # Candidates get no staff menu.
    expect(page.get_by_role("link", name="鉴定机构")).to_have_count(0)

"""EXAM-2 / EXAM-4: a county clerk records a kitchen and a car workshop, each for its trade, plans a
汽车维修工 session and seats it automatically: the candidates go only to the car workshop, and those
it cannot hold are told why."""

import pytest
from playwright.sync_api import expect

from appraisal.models import Center, Occupation, User
from exams import services
from exams.models import SeatAssignment
from tests.e2e.test_exam_schedule import CANDIDATES, approved_applications  # noqa: F401  (a fixture)

pytestmark = pytest.mark.e2e


def test_exam2_skill_subject_is_seated_only_in_a_suitable_room(page, login, url, artifacts, approved_applications):  # noqa: F811
    clerk = User.objects.get(username="staff_nongan")
    site = services.create_site(actor=clerk, center=Center.objects.get(division_code="220122"),
                                name="农安县实操考点", address="农安县")
    services.add_room(actor=clerk, site=site, name="A烹饪实训室", capacity=20, equipment="灶台20套",
                      purpose="skill", occupations=[Occupation.objects.get(name="中式烹调师")])
    login(page, "staff_nongan")

    # The car workshop is added on the page, for 汽车维修工 only, with 4 benches.
    page.goto(url("/exams/sites/"))
    card = page.get_by_test_id("site").filter(has_text="农安县实操考点")
    card.locator("summary", has_text="添加考场").click()
    card.get_by_label("考场名称").fill("B汽修车间")
    card.get_by_label("考位数").fill("4")
    card.get_by_label("设备设施").fill("汽车维修实训台4套")
    card.get_by_label("用途").select_option(label="技能考核场地")
    card.get_by_label("服务职业（技能考核场地）").select_option(label="汽车维修工")
    card.get_by_role("button", name="添加考场").click()
    rows = page.get_by_test_id("site").filter(has_text="农安县实操考点").get_by_test_id("room-row")
    expect(rows.filter(has_text="B汽修车间")).to_contain_text("技能考核场地（汽车维修工）")
    expect(rows.filter(has_text="A烹饪实训室")).to_contain_text("技能考核场地（中式烹调师）")

    page.goto(url("/exams/sessions/"))
    page.get_by_role("link", name="安排考试场次").click()
    page.get_by_role("link", name="显示已过的鉴定日").click()  # the demo's 2017 days are past (EXAM-1)
    form = page.get_by_test_id("session-form")
    form.locator("select[name=site]").select_option(label="农安县实操考点（农安县职业技能鉴定中心）")
    form.locator("select[name=occupation]").select_option(label="汽车维修工")
    form.locator("select[name=level]").select_option(label="五级/初级工")
    form.locator("select[name=appraisal]").select_option(label="2017-06-17 定期鉴定日（已过）")
    page.get_by_role("button", name="安排场次").click()
    page.get_by_role("button", name="自动编排考位").click()

    expect(page.get_by_test_id("seated-count")).to_contain_text("本次编排 4 名考生")
    unseated = page.get_by_test_id("unseated-row")
    expect(unseated).to_have_count(CANDIDATES - 4)
    expect(unseated.first).to_contain_text("考位已满：考点适合本场次的考场均无空余考位。")
    page.screenshot(path=artifacts / "room-purpose-seating.png", full_page=True)
    rooms = set(SeatAssignment.objects.filter(session__site=site).values_list("room__name", flat=True))
    assert rooms == {"B汽修车间"}  # no car mechanic in the kitchen

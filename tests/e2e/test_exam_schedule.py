"""A county clerk schedules an exam in the browser (EXAM-1, EXAM-4): creates a site with a room,
plans a session on a 2017 scheduled day, seats the candidates automatically and opens the seat chart
(座位表), which prints on A4."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from appraisal.models import Center, Occupation, Role, ScheduledAppraisalDay, User
from exams.models import ExamSession, SeatAssignment
from registration.models import Application, Status
from tests.exams.conftest import make_id_number

pytestmark = pytest.mark.e2e

CANDIDATES = 6


@pytest.fixture
def approved_applications(demo):
    """Approved, paid applications for 汽车维修工 level 5 at 农安 on 2017-06-17 (made directly)."""
    nongan = Center.objects.get(division_code="220122")
    day = ScheduledAppraisalDay.objects.get(center=nongan, day=datetime.date(2017, 6, 17))
    occupation = Occupation.objects.get(name="汽车维修工")
    created = []
    for i in range(CANDIDATES):
        id_number = make_id_number(i, birth=datetime.date(1988, 5, 1 + i))
        user = User.objects.create(username=f"e2e{i}", role=Role.CANDIDATE, full_name=f"考生{'甲乙丙丁戊己'[i]}",
                                   id_number=id_number, region=nongan)
        created.append(Application.objects.create(
            candidate=user, center=nongan, occupation=occupation, level=5, scheduled_day=day,
            status=Status.APPROVED, name=user.full_name, gender="M", birth_month=datetime.date(1988, 5, 1),
            education="senior", id_number=id_number, phone="13800000000", years_in_occupation=5,
            work_history="从事本职业五年", fee_paid=True, submitted_at=timezone.now(),
        ))
    return created


def test_exam4_county_clerk_schedules_and_seats_a_session(page, login, url, artifacts, approved_applications):
    login(page, "staff_nongan")

    # A site with one room of 40 seats.
    page.goto(url("/exams/sites/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("考点与考场")
    page.locator("summary", has_text="新建考点").click()
    page.get_by_label("考点名称").fill("农安县职业技能鉴定考点")
    page.get_by_label("地址").fill("农安县黄龙路88号")
    page.get_by_role("button", name="创建考点").click()
    expect(page.locator(".messages")).to_contain_text("已创建考点“农安县职业技能鉴定考点”")
    site_card = page.get_by_test_id("site").filter(has_text="农安县职业技能鉴定考点")
    site_card.locator("summary", has_text="添加考场").click()
    site_card.get_by_label("考场名称").fill("第一考场")
    site_card.get_by_label("考位数").fill("0")
    site_card.get_by_role("button", name="添加考场").click()
    expect(page.locator(".error").first).to_contain_text("考位数必须是1到1000之间的整数。")
    site_card = page.get_by_test_id("site").filter(has_text="农安县职业技能鉴定考点")
    site_card.get_by_label("考位数").fill("40")
    site_card.get_by_label("设备设施").fill("汽车维修实训台8套")
    site_card.get_by_role("button", name="添加考场").click()
    expect(page.get_by_test_id("room-row")).to_contain_text("汽车维修实训台8套")

    # A session on the 2017-06-17 scheduled day for 汽车维修工 level 5.
    page.goto(url("/exams/sessions/"))
    page.get_by_role("link", name="安排考试场次").click()
    page.get_by_role("link", name="显示已过的鉴定日").click()  # the demo's 2017 days are past (EXAM-1)
    form = page.get_by_test_id("session-form")
    form.locator("select[name=site]").select_option(label="农安县职业技能鉴定考点（农安县职业技能鉴定中心）")
    form.locator("select[name=occupation]").select_option(label="汽车维修工")
    form.locator("select[name=level]").select_option(label="五级/初级工")
    form.locator("select[name=appraisal]").select_option(label="2017-06-17 定期鉴定日（已过）")
    page.get_by_role("button", name="安排场次").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("汽车维修工 · 五级/初级工")
    expect(page.get_by_test_id("subjects")).to_contain_text("理论知识")
    expect(page.get_by_test_id("eligible-count")).to_contain_text(f"{CANDIDATES} 人")
    session = ExamSession.objects.get()

    # Seat everyone automatically, then open the seat chart.
    page.get_by_role("button", name="自动编排考位").click()
    expect(page.get_by_test_id("seated-count")).to_contain_text(f"本次编排 {CANDIDATES} 名考生")
    assert SeatAssignment.objects.filter(session=session).count() == CANDIDATES
    page.get_by_role("link", name="查看座位表").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("座位表")
    expect(page.get_by_test_id("seat")).to_have_count(CANDIDATES)
    first = approved_applications[0]
    expect(page.get_by_test_id("seat").first).to_contain_text(first.name)
    expect(page.get_by_test_id("seat").first).to_contain_text(first.id_number[:6] + "********" + first.id_number[-4:])
    expect(page.locator("body")).not_to_contain_text(first.id_number)
    page.screenshot(path=artifacts / "exam-seat-chart.png", full_page=True)

    # Printed: no navigation, no print button, one A4 page for the room.
    page.emulate_media(media="print")
    expect(page.locator(".topbar")).to_be_hidden()
    expect(page.get_by_role("button", name="打印座位表")).to_be_hidden()
    page.screenshot(path=artifacts / "exam-seat-chart-print.png", full_page=True)
    pdf = page.pdf(path=artifacts / "exam-seat-chart.pdf", prefer_css_page_size=True, print_background=True)
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1  # 40 seats and the signatures fit one A4 page

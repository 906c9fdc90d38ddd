"""Scores end to end (EXAM-6, EXAM-7, ORG-8): an examiner enters scores in the grid, the candidate on a
phone sees none before publication, the county clerk publishes, and the candidate then sees them."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from appraisal.demo import DEMO_CANDIDATE
from appraisal.models import Center, Occupation, ScheduledAppraisalDay, User
from exams import services
from exams.models import ExaminerQualification, Score, SeatAssignment, Subject
from registration.models import Application, Status
from tests.e2e.conftest import no_sideways_scroll

pytestmark = pytest.mark.e2e


@pytest.fixture
def seated_session(demo):
    """A session of 汽车维修工 level 5 at 农安县 on 2017-06-17 with the demo candidate seated and the
    demo examiner assigned."""
    nongan = Center.objects.get(division_code="220122")
    staff = User.objects.get(username="staff_nongan")
    examiner = User.objects.get(username="examiner")
    occupation = Occupation.objects.get(name="汽车维修工")
    ExaminerQualification.objects.create(examiner=examiner, occupation=occupation, highest_level=3,
                                         certificate_number="KP2015-0001", valid_until=datetime.date(2019, 12, 31))
    day, _created = ScheduledAppraisalDay.objects.get_or_create(center=nongan, day=datetime.date(2017, 6, 17))
    candidate = User.objects.get(username="candidate")
    Application.objects.create(
        candidate=candidate, center=nongan, occupation=occupation, level=5, scheduled_day=day,
        status=Status.APPROVED, name=DEMO_CANDIDATE["full_name"], gender="M", birth_month=datetime.date(1990, 3, 1),
        education="senior", id_number=DEMO_CANDIDATE["id_number"], phone=DEMO_CANDIDATE["phone"],
        years_in_occupation=5, work_history="从事汽车维修五年", fee_paid=True, submitted_at=timezone.now(),
    )
    site = services.create_site(actor=staff, center=nongan, name="农安县职业技能鉴定考点", address="农安县黄龙路1号")
    services.add_room(actor=staff, site=site, name="第一考场", capacity=30)
    session = services.schedule_session(actor=staff, center=nongan, site=site, occupation=occupation, level=5,
                                        target=day, allow_past=True)
    assert services.assign_seats_automatically(session=session, actor=staff).seated == 1
    services.assign_examiner(session=session, examiner=examiner, actor=staff)
    return session


def test_exam6_exam7_examiner_enters_staff_publishes_candidate_sees_scores(page, phone_page, login, url,
                                                                          seated_session, artifacts):
    session = seated_session
    seat = SeatAssignment.objects.get(session=session)

    # The examiner finds the session and enters both subjects in the grid.
    login(page, "examiner")
    page.goto(url("/exams/scores/"))
    page.get_by_test_id("score-sessions").get_by_role("link", name="汽车维修工 · 五级/初级工").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("成绩录入")
    page.get_by_test_id(f"score-{seat.ticket_number}-theory").fill("101")
    page.get_by_test_id(f"score-{seat.ticket_number}-skill").fill("85")
    page.get_by_test_id("save-scores").click()
    expect(page.get_by_test_id("grid-error")).to_contain_text("未保存任何成绩")
    expect(page.get_by_test_id("cell-error")).to_contain_text("成绩必须在0到100之间")
    assert not Score.objects.exists()
    page.get_by_test_id(f"score-{seat.ticket_number}-theory").fill("78.5")
    page.get_by_test_id("save-scores").click()
    expect(page.locator(".messages")).to_contain_text("已保存 2 项成绩。")
    expect(page.get_by_test_id(f"score-{seat.ticket_number}-theory")).to_have_value("78.5")
    expect(page.get_by_text("录入：吴考评").first).to_be_visible()
    page.screenshot(path=artifacts / "scores-grid.png", full_page=True)

    # Before publication the candidate, on a phone, sees that scores are not out, and no numbers.
    phone = phone_page
    login(phone, "candidate")
    phone.goto(url("/exams/my/scores/"))
    expect(phone.get_by_role("heading", name="我的成绩")).to_be_visible()
    expect(phone.get_by_test_id("waiting")).to_contain_text("成绩尚未发布")
    expect(phone.locator("main")).not_to_contain_text("78.5")
    expect(phone.locator("main")).not_to_contain_text("85.0")
    phone.screenshot(path=artifacts / "candidate-scores-before.png", full_page=True)

    # The county clerk publishes.
    page.get_by_role("button", name="退出").click()
    login(page, "staff_nongan")
    page.goto(url(f"/exams/scores/sessions/{session.pk}/"))
    page.once("dialog", lambda dialog: dialog.accept())  # publishing asks for confirmation
    page.get_by_test_id("publish").click()
    expect(page.locator(".messages")).to_contain_text("成绩已发布")
    expect(page.get_by_role("heading", level=1)).to_have_text("成绩（已发布）")

    # Now the candidate sees the scores and the outcome.
    phone.reload()
    expect(phone.get_by_test_id("waiting")).to_have_count(0)
    result = phone.get_by_test_id("result")
    expect(result).to_contain_text("汽车维修工 · 五级/初级工")
    expect(result.get_by_test_id("outcome")).to_have_text("合格")
    expect(result.get_by_test_id("score-value")).to_have_text(["78.5", "85.0"])
    expect(result).to_contain_text("保留期已过")  # a 2017 pass: kept one year from its exam day (EXAM-8)
    no_sideways_scroll(phone)
    phone.screenshot(path=artifacts / "candidate-scores-after.png", full_page=True)

    phone.goto(url("/exams/my/tickets/"))
    expect(phone.get_by_test_id("ticket-number")).to_have_text(seat.ticket_number)
    expect(phone.get_by_test_id("seat")).to_have_text("第一考场 · 1号")
    no_sideways_scroll(phone)
    phone.screenshot(path=artifacts / "candidate-tickets.png", full_page=True)
    assert Score.objects.get(application=seat.application, subject=Subject.THEORY).passed

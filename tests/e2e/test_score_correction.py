"""A published score corrected in the browser (EXAM-6, EXAM-7): the 农安县 clerk asks for a correction
from the published score sheet, the 长春市 clerk (the upper level) approves it, and the candidate, on a
phone, sees the corrected score and the outcome it changes."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from appraisal.demo import DEMO_CANDIDATE
from appraisal.models import Center, Occupation, ScheduledAppraisalDay, User
from exams import services
from exams.models import (
    CorrectionStatus,
    ExaminerQualification,
    Score,
    ScoreChange,
    ScoreCorrectionRequest,
    Subject,
)
from registration.models import Application, Status

pytestmark = pytest.mark.e2e


@pytest.fixture
def published_session(demo):
    """汽车维修工 level 5 at 农安县 on 2017-06-17: the demo candidate seated, the demo examiner assigned,
    theory 58 (failed) and skill 85 entered, the results published."""
    nongan = Center.objects.get(division_code="220122")
    staff = User.objects.get(username="staff_nongan")
    examiner = User.objects.get(username="examiner")
    occupation = Occupation.objects.get(name="汽车维修工")
    ExaminerQualification.objects.get_or_create(
        examiner=examiner, occupation=occupation,
        defaults={"highest_level": 3, "certificate_number": "KP2015-0001", "valid_until": datetime.date(2019, 12, 31)})
    day, _created = ScheduledAppraisalDay.objects.get_or_create(center=nongan, day=datetime.date(2017, 6, 17))
    application = Application.objects.create(
        candidate=User.objects.get(username="candidate"), center=nongan, occupation=occupation, level=5,
        scheduled_day=day, status=Status.APPROVED, name=DEMO_CANDIDATE["full_name"], gender="M",
        birth_month=datetime.date(1990, 3, 1), education="senior", id_number=DEMO_CANDIDATE["id_number"],
        phone=DEMO_CANDIDATE["phone"], years_in_occupation=5, work_history="从事汽车维修五年", fee_paid=True,
        submitted_at=timezone.now(),
    )
    site = services.create_site(actor=staff, center=nongan, name="农安县职业技能鉴定考点", address="农安县黄龙路1号")
    services.add_room(actor=staff, site=site, name="第一考场", capacity=30)
    session = services.schedule_session(actor=staff, center=nongan, site=site, occupation=occupation, level=5,
                                        target=day, allow_past=True)
    assert services.assign_seats_automatically(session=session, actor=staff).seated == 1
    services.assign_examiner(session=session, examiner=examiner, actor=staff)
    services.enter_score(application=application, subject=Subject.THEORY, value="58", actor=examiner)
    services.enter_score(application=application, subject=Subject.SKILL, value="85", actor=examiner)
    return services.publish_session(session=session, actor=staff)


def test_exam6_county_requests_correction_city_approves_candidate_sees_it(page, phone_page, browser, login, url,
                                                                          artifacts, published_session):
    session = published_session
    theory = Score.objects.get(session=session, subject=Subject.THEORY)

    # Before: the candidate sees the failed theory score.
    phone = phone_page
    login(phone, "candidate")
    phone.goto(url("/exams/my/scores/"))
    result = phone.get_by_test_id("result")
    expect(result.get_by_test_id("score-value")).to_have_text(["58.0", "85.0"])
    expect(result.get_by_test_id("outcome")).to_have_text("不合格")

    # The county clerk asks for the correction from the published sheet; a score above 100 is refused.
    login(page, "staff_nongan")
    page.goto(url(f"/exams/scores/sessions/{session.pk}/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("成绩（已发布）")
    cell = page.get_by_test_id("published-scores").locator('td[data-label="理论知识"]')
    expect(cell.get_by_test_id("value")).to_have_text("58.0")
    cell.locator("summary", has_text="成绩更正申请").click()
    cell.get_by_label("更正后成绩").fill("101")
    cell.get_by_label("更正理由").fill("复核发现第三大题漏计10分")
    cell.get_by_role("button", name="提交上级审批").click()
    expect(page.locator(".messages")).to_contain_text("成绩必须在0到100之间")
    assert not ScoreCorrectionRequest.objects.exists()

    cell = page.get_by_test_id("published-scores").locator('td[data-label="理论知识"]')
    cell.locator("summary", has_text="成绩更正申请").click()
    cell.get_by_label("更正后成绩").fill("68")
    cell.get_by_label("更正理由").fill("复核发现第三大题漏计10分")
    cell.get_by_role("button", name="提交上级审批").click()
    expect(page.locator(".messages")).to_contain_text("成绩更正申请已提交，等待上级鉴定机构审批。")
    cell = page.get_by_test_id("published-scores").locator('td[data-label="理论知识"]')
    expect(cell.get_by_test_id("correction-status")).to_have_text("更正申请 68.0：待审批")
    expect(cell.get_by_test_id("value")).to_have_text("58.0")  # unchanged until approved
    # The requester's own level does not decide it.
    page.goto(url("/exams/scores/corrections/"))
    expect(page.get_by_test_id("no-corrections")).to_be_visible()

    # The city clerk approves.
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1280, "height": 800})
    context.set_default_timeout(10_000)
    try:
        city = context.new_page()
        login(city, "staff_changchun")
        city.goto(url("/exams/scores/corrections/"))
        expect(city.get_by_role("heading", level=1)).to_have_text("成绩更正审批")
        correction = city.get_by_test_id("correction")
        expect(correction).to_have_count(1)
        expect(correction).to_contain_text("王考生")
        expect(correction).to_contain_text("理论知识")
        expect(correction).to_contain_text("复核发现第三大题漏计10分")
        expect(correction.get_by_test_id("new-value")).to_have_text("68.0")
        correction.get_by_label("审批意见（不予批准时必填）").fill("经复核属实")
        correction.get_by_role("button", name="批准", exact=True).click()
        expect(city.locator(".messages")).to_contain_text("已批准：王考生 理论知识。")
        expect(city.get_by_test_id("no-corrections")).to_be_visible()
        city.screenshot(path=artifacts / "score-correction-approved.png", full_page=True)
    finally:
        context.close()

    theory.refresh_from_db()
    assert str(theory.value) == "68.0" and theory.passed
    assert ScoreCorrectionRequest.objects.get().status == CorrectionStatus.APPROVED
    change = ScoreChange.objects.filter(score=theory).latest("pk")
    assert (str(change.old_value), str(change.new_value)) == ("58.0", "68.0")

    # The county sheet shows it approved; the candidate now sees 68.0 and the outcome 合格.
    page.goto(url(f"/exams/scores/sessions/{session.pk}/"))
    cell = page.get_by_test_id("published-scores").locator('td[data-label="理论知识"]')
    expect(cell.get_by_test_id("value")).to_have_text("68.0")
    expect(cell.get_by_test_id("correction-status")).to_contain_text("已批准")

    phone.reload()
    result = phone.get_by_test_id("result")
    expect(result.get_by_test_id("score-value")).to_have_text(["68.0", "85.0"])
    expect(result.get_by_test_id("outcome")).to_have_text("合格")
    expect(result.get_by_test_id("retake-hint")).to_have_count(0)
    widths = phone.evaluate("({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})")
    assert widths["scroll"] <= widths["inner"], widths
    phone.screenshot(path=artifacts / "score-correction-candidate.png", full_page=True)

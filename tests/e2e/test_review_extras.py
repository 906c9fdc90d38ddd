"""Three more review flows in a browser: the HR bureau's opinion on an approved application, read
back by the candidate (REG-1); the clerk checks the original lower-level certificate before
approving (REG-2); the province enters a retake of a cancelled occupation for a candidate (REG-3,
CAL-5)."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from appraisal.demo import DEMO_CANDIDATE
from appraisal.models import Occupation, RetakeDay, User
from registration import services
from registration.models import Application, MaterialKind, Status
from tests.e2e.conftest import no_sideways_scroll
from tests.registration.conftest import good_file, open_registration_date

pytestmark = pytest.mark.e2e


@pytest.fixture
def apply_at_nongan(open_nongan_day, settings, tmp_path, monkeypatch):
    """Submits a complete 汽车维修工 application of the demo candidate at 农安县 (services only)."""
    settings.MEDIA_ROOT = tmp_path
    # The 申报表 PDF is another part's job; its task is not what these tests are about.
    monkeypatch.setattr(services.applications, "_enqueue_form_pdf", lambda application_id: None)
    candidate = User.objects.get(username="candidate")

    def submit(level, **certificate):
        application = services.create_application(
            candidate=candidate, actor=candidate, occupation=Occupation.objects.get(name="汽车维修工"), level=level,
            target=open_nongan_day, name=DEMO_CANDIDATE["full_name"], gender="M",
            birth_month=datetime.date(1990, 3, 1), education="senior", id_number=DEMO_CANDIDATE["id_number"],
            phone=DEMO_CANDIDATE["phone"], employer_name=DEMO_CANDIDATE["employer_name"], years_in_occupation=4,
            work_history="2012年至今在农安县某汽车维修有限公司从事汽车维修工作。",
        )
        if certificate:
            services.update_application(application, actor=candidate, **certificate)
        for kind in services.required_materials(application):
            services.attach_material(application, kind=kind, uploaded=good_file(kind), actor=candidate)
        return services.submit_application(application, actor=candidate)

    return submit


def test_reg1_hr_official_writes_the_opinion_and_the_candidate_reads_it_on_a_phone(
    page, phone_page, login, url, artifacts, apply_at_nongan
):
    application = apply_at_nongan(5)
    services.approve_application(application, actor=User.objects.get(username="staff_nongan"),
                                 opinion="材料齐全，同意申报。")
    today = f"{timezone.localdate():%Y-%m-%d}"
    opinion = "同意该同志参加汽车维修工五级/初级工鉴定。"

    # 长春市's HR official: 农安县 is within the city's scope.
    login(page, "hr_official")
    page.goto(url(f"/registration/staff/review/{application.pk}/"))
    expect(page.get_by_test_id("status")).to_have_text("审核通过")
    section = page.get_by_test_id("hr-opinion")
    expect(section.get_by_test_id("hr-opinion-recorded")).to_have_count(0)
    form = section.get_by_test_id("hr-opinion-form")
    form.get_by_label("人社部门意见").fill(opinion)
    form.get_by_role("button", name="保存").click()

    expect(page.locator(".messages")).to_contain_text("已保存人社部门意见。")
    recorded = page.get_by_test_id("hr-opinion-recorded")
    expect(recorded.locator("dt:text-is('人社部门意见') + dd")).to_have_text(opinion)
    expect(recorded.locator("dt:text-is('填写日期') + dd")).to_have_text(today)
    expect(recorded.locator("dt:text-is('填写人') + dd")).to_have_text("郑人社")
    # The form stays, prefilled, for a correction.
    expect(page.get_by_test_id("hr-opinion-form").get_by_label("人社部门意见")).to_have_value(opinion)
    page.screenshot(path=artifacts / "review-extras-hr-opinion.png", full_page=True)

    stored = Application.objects.get(pk=application.pk)
    assert (stored.hr_opinion, stored.hr_opinion_date, stored.hr_opinion_by.username) == (
        opinion, timezone.localdate(), "hr_official"
    )
    assert stored.status == Status.APPROVED  # an opinion is no change of status

    # The candidate, on a phone, sees the opinion and its date on their application.
    login(phone_page, "candidate")
    phone_page.goto(url(f"/registration/my/{application.pk}/"))
    expect(phone_page.get_by_test_id("application-status")).to_have_text("审核通过")
    expect(phone_page.locator("dt:text-is('人社部门意见') + dd")).to_have_text(f"{opinion}（{today}）")
    expect(phone_page.locator("dt:text-is('鉴定中心意见') + dd")).to_have_text(f"材料齐全，同意申报。（{today}）")
    no_sideways_scroll(phone_page)
    phone_page.screenshot(path=artifacts / "review-extras-hr-opinion-candidate-phone.png", full_page=True)


def test_reg2_clerk_checks_the_original_certificate_before_approving(page, login, url, artifacts, apply_at_nongan):
    application = apply_at_nongan(
        4, held_certificate="汽车维修工", held_certificate_level=5,
        held_certificate_issuer="吉林省人力资源和社会保障厅", held_certificate_date=datetime.date(2012, 6, 1),
    )
    assert MaterialKind.LOWER_CERTIFICATE in services.required_materials(application)
    login(page, "staff_nongan")
    page.goto(url(f"/registration/staff/review/{application.pk}/"))
    expect(page.get_by_test_id("status")).to_have_text("待审核")
    decisions = page.get_by_test_id("decisions")
    expect(decisions.get_by_test_id("originals-unchecked")).to_have_text(
        "审核通过前请核验原件：下一等级职业资格证书（见“申报材料”）"
    )
    certificate = page.get_by_test_id("original-lower_certificate")
    expect(certificate).not_to_contain_text("原件已核验")

    # Approving first is refused, with the reason, and changes nothing.
    page.get_by_role("button", name="审核通过").click()
    refusal = "请先核验以下证书的原件，再审核通过：下一等级职业资格证书。"
    expect(page.locator(".messages")).to_contain_text(f"审核通过未完成：{refusal}")
    expect(page.get_by_test_id("decisions").get_by_role("alert")).to_have_text(refusal)
    expect(page.get_by_test_id("status")).to_have_text("待审核")
    assert Application.objects.get(pk=application.pk).status == Status.SUBMITTED

    # The clerk has seen the original: one click records it, with their name.
    page.get_by_test_id("original-lower_certificate").get_by_role("button", name="已核验原件").click()
    expect(page.locator(".messages")).to_contain_text("已记录：下一等级职业资格证书原件已核验。")
    certificate = page.get_by_test_id("original-lower_certificate")
    expect(certificate.locator(".badge")).to_have_text("原件已核验")
    expect(certificate).to_contain_text("孙县员")
    expect(certificate.get_by_role("button", name="已核验原件")).to_have_count(0)
    expect(page.get_by_test_id("originals-unchecked")).to_have_count(0)

    page.get_by_role("button", name="审核通过").click()
    expect(page.locator(".messages")).to_contain_text("已审核通过：王考生。")
    expect(page.get_by_test_id("status")).to_have_text("审核通过")
    expect(page.get_by_test_id("original-lower_certificate")).to_contain_text("原件已核验")
    page.screenshot(path=artifacts / "review-extras-original-checked.png", full_page=True)

    application = Application.objects.get(pk=application.pk)
    assert application.status == Status.APPROVED
    material = application.materials.get(kind=MaterialKind.LOWER_CERTIFICATE)
    assert material.original_checked_by.username == "staff_nongan" and material.original_checked_at is not None


@pytest.fixture
def open_retake_day(demo):
    """This year's unified retake day 45 days ahead (registration open today), for 2016's failures."""
    day = open_registration_date()
    retake, _created = RetakeDay.objects.update_or_create(
        year=day.year, kind="unified", defaults={"day": day, "failed_in_year": 2016}
    )
    return retake


def test_reg3_cal5_province_enters_a_retake_for_the_demo_candidate(
    page, login, url, artifacts, open_retake_day, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    login(page, "province_admin")
    page.goto(url("/registration/staff/enter/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("代考生录入申报")
    page.get_by_label("考生身份证号").fill(DEMO_CANDIDATE["id_number"])
    page.get_by_role("button", name="查找").click()
    found = page.get_by_test_id("found-candidate")
    expect(found).to_contain_text("王考生")
    expect(found).to_contain_text("农安县")
    found.get_by_role("link", name="为该考生录入申报").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("为王考生录入申报")
    page.get_by_label("申报职业").select_option(label="物流师")  # cancelled by the State Council
    page.get_by_label("申报等级").select_option(label="四级/中级工")
    page.get_by_label("补考（国务院取消的职业").check()
    page.get_by_role("button", name="查询可报名的鉴定").click()

    expect(page.get_by_role("heading", name="申报表（物流师 · 四级/中级工（补考））")).to_be_visible()
    target = page.get_by_label("鉴定场次")
    expect(target.locator(f'option[value="RetakeDay:{open_retake_day.pk}"]')).to_contain_text(
        f"{open_retake_day.day:%Y-%m-%d}"
    )
    target.select_option(value=f"RetakeDay:{open_retake_day.pk}")
    # From the account and the ID number.
    expect(page.get_by_label("姓名")).to_have_value("王考生")
    expect(page.get_by_label("出生年月")).to_have_value("1990-03")
    page.get_by_label("文化程度").select_option(label="高中/中专/技校")
    page.get_by_label("已从事本职业工作年限").fill("4")
    page.get_by_label("工作简历").fill("2012年至今在农安县某物流有限公司从事物流工作。")
    page.get_by_label("原鉴定年度").fill("2016")
    page.get_by_label("原准考证号").fill("1622010100123")
    page.get_by_label("补考科目").fill("理论知识")
    page.get_by_role("button", name="保存申报草稿").click()

    expect(page.locator(".messages")).to_contain_text("已代考生录入申报草稿")
    expect(page).to_have_url(url(f"/registration/staff/review/{Application.objects.get(is_retake=True).pk}/"))
    expect(page.get_by_test_id("status")).to_have_text("草稿")
    facts = page.get_by_test_id("application-facts")
    expect(facts.locator("dt:text-is('补考') + dd")).to_have_text(
        "原鉴定年度 2016，原准考证号 1622010100123，补考科目 理论知识"
    )
    expect(facts.locator("dt:text-is('申报职业') + dd")).to_have_text("物流师")
    expect(page.locator("dt:text-is('鉴定场次') + dd")).to_have_text(str(open_retake_day))
    expect(page.locator("dt:text-is('代录人员') + dd")).to_contain_text("赵省管")
    page.screenshot(path=artifacts / "review-extras-retake-entered.png", full_page=True)

    application = Application.objects.get(is_retake=True)
    assert application.candidate.username == "candidate"
    assert application.status == Status.DRAFT
    assert application.retake_day == open_retake_day
    assert (application.retake_original_year, application.retake_original_ticket) == (2016, "1622010100123")
    assert application.occupation.name == "物流师" and application.level == 4
    assert application.entered_by.username == "province_admin"

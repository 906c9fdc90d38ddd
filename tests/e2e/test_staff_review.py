"""A county clerk reviews an application in a browser (REG-5, ORG-8): queue, search, detail, the
photo through the permission-checked viewer, returned with a reason, approved after resubmission."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from appraisal.demo import DEMO_CANDIDATE
from appraisal.models import Center, Occupation, ScheduledAppraisalDay, User
from registration import services
from registration.models import Application, MaterialKind, Status
from tests.registration.conftest import ensure_calendar_known, good_file

pytestmark = pytest.mark.e2e


@pytest.fixture
def submitted_application(demo, settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path
    # The 申报表 PDF is another part's job; its task is not what this test is about.
    monkeypatch.setattr(services.applications, "_enqueue_form_pdf", lambda application_id: None)
    today = timezone.localdate()
    day = today + datetime.timedelta(days=45)
    for year in {today.year, day.year}:
        ensure_calendar_known(year)
    target, _created = ScheduledAppraisalDay.objects.get_or_create(
        center=Center.objects.get(division_code="220122"), day=day
    )
    candidate = User.objects.get(username="candidate")
    application = services.create_application(
        candidate=candidate, actor=candidate, occupation=Occupation.objects.get(name="汽车维修工"), level=5,
        target=target, name=DEMO_CANDIDATE["full_name"], gender="M", birth_month=datetime.date(1990, 3, 1),
        education="senior", id_number=DEMO_CANDIDATE["id_number"], phone=DEMO_CANDIDATE["phone"],
        employer_name=DEMO_CANDIDATE["employer_name"], years_in_occupation=4,
        work_history="2012年至今在农安县某汽车维修有限公司从事汽车维修工作。",
    )
    for kind in services.required_materials(application):
        services.attach_material(application, kind=kind, uploaded=good_file(kind), actor=candidate)
    return services.submit_application(application, actor=candidate)


def test_reg5_county_clerk_returns_then_approves_in_the_browser(page, login, url, artifacts, submitted_application):
    application = submitted_application
    login(page, "staff_nongan")

    page.goto(url("/registration/staff/review/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("报名审核")
    page.get_by_label("姓名或身份证号").fill("王考生")
    page.get_by_role("button", name="查询").click()
    rows = page.get_by_test_id("queue-row")
    expect(rows).to_have_count(1)
    full = DEMO_CANDIDATE["id_number"]
    expect(rows.first).to_contain_text(full[:6] + "********" + full[-4:])
    expect(rows.first).to_contain_text("待审核")
    expect(rows.first).to_contain_text("4/4")
    expect(page.locator("body")).not_to_contain_text(full)
    page.screenshot(path=artifacts / "staff-review-queue.png", full_page=True)

    rows.first.get_by_role("link", name="王考生").click()
    expect(page.get_by_test_id("status")).to_have_text("待审核")
    expect(page.get_by_test_id("id-number")).to_have_text(full)  # the full number, on the detail page only
    expect(page.get_by_test_id("eligibility")).to_contain_text("材料齐全")
    # The photo is served through the permission-checked viewer and really is an image.
    thumb = page.get_by_role("img", name="考生照片")
    expect(thumb).to_be_visible()
    page.wait_for_function("() => { const i = document.querySelector('img.photo-thumb'); return i && i.complete; }")
    assert thumb.evaluate("img => img.naturalWidth") == 330
    href = page.get_by_role("link", name="查看小二寸彩色免冠照片").get_attribute("href")
    photo = page.request.get(url(href))
    assert photo.status == 200
    assert photo.headers["content-type"] == "image/jpeg"
    assert photo.headers["cache-control"] == "private, no-store"
    assert photo.body()[:3] == b"\xff\xd8\xff"
    page.screenshot(path=artifacts / "staff-review-detail.png", full_page=True)

    page.get_by_label("退回原因（必填）").fill("照片背景不是白色，请重新拍摄。")
    page.get_by_role("button", name="退回修改").click()
    expect(page.locator(".messages")).to_contain_text("已退回修改：王考生。")
    expect(page.get_by_test_id("status")).to_have_text("退回修改")
    expect(page.get_by_test_id("audit")).to_contain_text("照片背景不是白色，请重新拍摄。")
    expect(page.get_by_test_id("audit")).to_contain_text("孙县员")
    expect(page.get_by_test_id("decisions")).to_have_count(0)

    # The candidate retakes the photo and resubmits (their own pages are another part's).
    candidate = User.objects.get(username="candidate")
    services.attach_material(application, kind=MaterialKind.PHOTO, uploaded=good_file(MaterialKind.PHOTO),
                             actor=candidate)
    services.submit_application(application, actor=candidate)

    page.reload()
    expect(page.get_by_test_id("status")).to_have_text("待审核")
    page.get_by_label("审核意见（可选）").fill("材料齐全，同意申报。")
    page.get_by_role("button", name="审核通过").click()
    expect(page.get_by_test_id("status")).to_have_text("审核通过")
    expect(page.get_by_test_id("audit")).to_contain_text("材料齐全，同意申报。")

    application = Application.objects.get(pk=application.pk)
    assert application.status == Status.APPROVED
    steps = list(application.transitions.values_list("to_status", "actor__username", "reason"))
    assert steps[-3:] == [
        (Status.RETURNED, "staff_nongan", "照片背景不是白色，请重新拍摄。"),
        (Status.SUBMITTED, "candidate", ""),
        (Status.APPROVED, "staff_nongan", "材料齐全，同意申报。"),
    ]


def test_reg5_review_pages_fit_a_phone(phone_page, login, url, artifacts, submitted_application):
    """The queue and the detail are usable on a phone: no sideways scrolling, rows labelled."""
    page = phone_page
    login(page, "staff_nongan")
    page.goto(url("/registration/staff/review/"))
    row = page.get_by_test_id("queue-row").first
    # The stacked cells carry their column's name.
    label = row.locator("td").nth(1).evaluate("td => getComputedStyle(td, '::before').content")
    assert "身份证号" in label, label
    widths = page.evaluate("({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})")
    assert widths["scroll"] <= widths["inner"], widths
    page.screenshot(path=artifacts / "staff-review-queue-phone.png", full_page=True)

    row.get_by_role("link", name="王考生").click()
    expect(page.get_by_test_id("status")).to_have_text("待审核")
    widths = page.evaluate("({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})")
    assert widths["scroll"] <= widths["inner"], widths
    expect(page.get_by_role("button", name="审核通过")).to_be_visible()
    page.screenshot(path=artifacts / "staff-review-detail-phone.png", full_page=True)


def test_reg3_clerk_registers_a_walk_in_candidate_and_captures_the_photo_on_a_phone(
    phone_page, login, url, artifacts, demo, settings, tmp_path
):
    """REG-3 at the counter: register the candidate, enter the form, take the photo with the camera."""
    settings.MEDIA_ROOT = tmp_path
    today = timezone.localdate()
    day = today + datetime.timedelta(days=45)
    for year in {today.year, day.year}:
        ensure_calendar_known(year)
    ScheduledAppraisalDay.objects.get_or_create(center=Center.objects.get(division_code="220122"), day=day)
    id_number = "220122199201010017"  # valid checksum, born 1992-01, male
    page = phone_page
    login(page, "staff_nongan")

    page.goto(url("/registration/staff/enter/"))
    page.get_by_label("考生身份证号").fill(id_number)
    page.get_by_role("button", name="查找").click()
    expect(page.get_by_test_id("new-candidate")).to_be_visible()
    expect(page.get_by_label("所在地区")).to_have_value(str(Center.objects.get(division_code="220122").pk))
    page.get_by_label("姓名").fill("李柜台")
    page.get_by_label("联系电话").fill("13600000000")
    page.get_by_role("button", name="注册考生").click()
    password = page.get_by_test_id("initial-password").inner_text()
    assert User.objects.get(id_number=id_number).check_password(password)
    page.get_by_role("link", name="继续：为该考生录入申报").click()

    page.get_by_label("申报职业").select_option(label="汽车维修工")
    page.get_by_label("申报等级").select_option(label="五级/初级工")
    page.get_by_role("button", name="查询可报名的鉴定").click()
    expect(page.get_by_label("鉴定场次")).to_contain_text(f"{day:%Y-%m-%d} 农安县职业技能鉴定中心")
    expect(page.get_by_label("出生年月")).to_have_value("1992-01")
    page.get_by_label("文化程度").select_option(label="高中/中专/技校")
    page.get_by_label("已从事本职业工作年限").fill("3")
    page.get_by_label("工作简历").fill("2019年至今在农安县从事汽车维修。")
    page.screenshot(path=artifacts / "staff-enter-phone.png", full_page=True)
    page.get_by_role("button", name="保存申报草稿").click()

    expect(page.locator(".messages")).to_contain_text("已代考生录入申报草稿")
    expect(page.get_by_test_id("status")).to_have_text("草稿")
    camera = page.get_by_label("拍摄或选择照片")
    expect(camera).to_have_attribute("accept", "image/*")
    expect(camera).to_have_attribute("capture", "environment")
    camera.set_input_files(files=[{"name": "photo.jpg", "mimeType": "image/jpeg",
                                   "buffer": good_file(MaterialKind.PHOTO).read()}])
    page.get_by_role("button", name="上传照片").click()
    expect(page.locator(".messages")).to_contain_text("已上传：小二寸彩色免冠照片。")
    expect(page.get_by_role("img", name="考生照片")).to_be_visible()
    widths = page.evaluate("({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})")
    assert widths["scroll"] <= widths["inner"], widths
    page.screenshot(path=artifacts / "staff-enter-detail-phone.png", full_page=True)

    application = Application.objects.get(id_number=id_number)
    assert application.entered_by.username == "staff_nongan"
    assert application.materials.get(kind=MaterialKind.PHOTO).uploaded_by.username == "staff_nongan"

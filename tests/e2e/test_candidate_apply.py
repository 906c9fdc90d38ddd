"""A candidate applies on a phone, end to end (REG-1, REG-2, REG-5, CAL-3): log in, choose 汽车维修工
level 5, see which center appraises and why, fill in the form, upload the photo and the PDFs,
submit, and see 待审核 — without the page ever scrolling sideways."""


import pytest
from playwright.sync_api import expect

from registration.models import Application, Status
from tests.e2e.conftest import no_sideways_scroll
from tests.registration.conftest import image_bytes, pdf_bytes

pytestmark = pytest.mark.e2e

NONGAN = "农安县职业技能鉴定中心"


@pytest.fixture
def files(tmp_path):
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(image_bytes(330, 480))
    pdf = tmp_path / "scan.pdf"
    pdf.write_bytes(pdf_bytes())
    return {"photo": photo, "pdf": pdf}


def test_reg1_reg2_candidate_applies_on_a_phone(phone_page, login, url, open_nongan_day, files, artifacts):
    page = phone_page
    login(page, "candidate")

    page.goto(url("/registration/my/"))
    expect(page.get_by_role("heading", name="我的申报")).to_be_visible()
    no_sideways_scroll(page)
    page.get_by_role("link", name="新建申报").click()

    # Step one: occupation and level; the page names the center and the rule behind it.
    page.get_by_label("申报职业").select_option(label="汽车维修工")
    page.get_by_label("申报等级").select_option(label="五级/初级工")
    page.get_by_role("button", name="查询受理机构和可报名的鉴定").click()
    expect(page.get_by_test_id("choice-center")).to_have_text(NONGAN)
    expect(page.get_by_test_id("choice-reason")).to_contain_text("负责本县（市）初级工、中级工鉴定")
    option = page.get_by_test_id("open-appraisals").locator("li").filter(
        has_text=f"{open_nongan_day.day.year}年{open_nongan_day.day.month}月{open_nongan_day.day.day}日"
    )
    no_sideways_scroll(page)
    option.get_by_role("link", name="选择并填写申报表").click()

    # Step two: the REG-1 form; name and ID number come from the account.
    expect(page.get_by_label("姓名")).to_have_value("王考生")
    expect(page.get_by_label("身份证号")).to_be_disabled()
    page.get_by_label("性别").select_option(label="男")
    page.get_by_label("出生年月").fill("1990-03")
    page.get_by_label("文化程度").select_option(label="高中/中专/技校")
    page.get_by_label("现职业").fill("汽车修理")
    page.get_by_label("已从事本职业工作年限").fill("4")
    page.get_by_label("工作简历").fill("2012年至今在农安县某汽车维修有限公司从事汽车维修工作。")
    no_sideways_scroll(page)
    page.screenshot(path=artifacts / "candidate-apply-form-phone.png", full_page=True)
    page.get_by_role("button", name="保存申报表").click()

    # The detail page: a draft, with what is still missing.
    expect(page.get_by_test_id("application-status")).to_have_text("草稿")
    expect(page.get_by_test_id("missing")).to_contain_text("缺少材料")
    photo_input = page.locator('[data-kind="photo"] input[type=file]')
    expect(photo_input).not_to_have_attribute("capture", "user")  # camera or gallery
    expect(photo_input).to_have_attribute("accept", "image/jpeg,image/png")
    no_sideways_scroll(page)
    page.screenshot(path=artifacts / "candidate-application-draft-phone.png", full_page=True)

    kinds = page.get_by_test_id("materials").locator("li[data-kind]").evaluate_all(
        "items => items.map(li => li.dataset.kind)"
    )
    assert kinds[:3] == ["id_card", "education", "photo"] and "work_proof" in kinds
    for kind in kinds:
        row = page.locator(f'[data-kind="{kind}"]')
        row.locator("input[type=file]").set_input_files(files["photo"] if kind == "photo" else files["pdf"])
        row.get_by_role("button", name="上传").click()
        expect(page.locator(f'[data-kind="{kind}"]')).to_contain_text("已上传")
    expect(page.get_by_test_id("missing")).to_have_count(0)
    expect(page.get_by_test_id("checks")).not_to_contain_text("✗")

    page.get_by_role("button", name="提交", exact=True).click()
    expect(page.get_by_test_id("application-status")).to_have_text("待审核")
    expect(page.locator(".messages")).to_contain_text("申报已提交，请等待鉴定机构审核。")
    expect(page.get_by_test_id("transitions")).to_contain_text("草稿 → 待审核")
    no_sideways_scroll(page)
    page.screenshot(path=artifacts / "candidate-application-detail-phone.png", full_page=True)

    application = Application.objects.get(candidate__username="candidate")
    assert application.status == Status.SUBMITTED
    assert application.scheduled_day == open_nongan_day
    assert application.materials.count() == len(kinds)

    page.goto(url("/registration/my/"))
    expect(page.get_by_test_id("my-applications")).to_contain_text("待审核")
    no_sideways_scroll(page)


def test_reg5_sign_up_on_a_phone_with_a_bad_id_then_a_good_one(phone_page, demo, url, artifacts):
    from stdnum.cn import ric

    good = "22012219950101002" + ric.calc_check_digit("22012219950101002" + "0")
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    page = phone_page
    page.goto(url("/registration/signup/"))
    page.get_by_label("姓名").fill("李新生")
    page.get_by_label("身份证号").fill(bad)
    page.get_by_label("联系电话").fill("13900000001")
    page.locator("#id_password1").fill("Changbai-2017")
    page.get_by_label("再次输入密码").fill("Changbai-2017")
    page.get_by_label("所在地区").select_option(label="农安县")
    page.get_by_role("button", name="注册").click()

    expect(page.locator('[data-field="id_number"]')).to_have_text("身份证号校验位错误，请核对后重新输入。")
    no_sideways_scroll(page)
    page.screenshot(path=artifacts / "candidate-signup-error-phone.png", full_page=True)

    page.get_by_label("身份证号").fill(good)
    page.locator("#id_password1").fill("Changbai-2017")  # password fields come back empty
    page.get_by_label("再次输入密码").fill("Changbai-2017")
    page.get_by_role("button", name="注册").click()
    expect(page.get_by_role("heading", name="我的申报")).to_be_visible()
    expect(page.locator(".messages")).to_contain_text("注册成功")

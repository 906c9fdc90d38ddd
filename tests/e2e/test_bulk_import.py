"""A county clerk imports candidates from Excel in the browser (REG-3, REG-5): downloads the template,
uploads a file with one good row and one row whose ID number has a wrong check digit, sees the bad row
reported by row number with the Chinese reason and nothing imported, then uploads it again asking to
import only the good rows."""

import datetime
import io

import pytest
from openpyxl import Workbook, load_workbook
from playwright.sync_api import expect

from appraisal.models import Center, ScheduledAppraisalDay
from registration import import_sheet
from registration.models import Application, Status
from tests.exams.conftest import make_id_number
from tests.registration.conftest import open_registration_date

pytestmark = pytest.mark.e2e

GOOD_ID = make_id_number(1, birth=datetime.date(1985, 6, 15))
# The same number with another check digit: only the checksum is wrong.
BAD_ID = GOOD_ID[:-1] + ("0" if GOOD_ID[-1] != "0" else "1")


@pytest.fixture
def open_day(demo):
    """A scheduled day of 农安县 45 days ahead: registration is open today, its year's calendar known."""
    day = open_registration_date()
    nongan = Center.objects.get(division_code="220122")
    return ScheduledAppraisalDay.objects.create(center=nongan, day=day)


def row(name, id_number, phone):
    values = {
        "姓名": name, "性别": "男", "出生年月": "1985-06", "身份证号": id_number, "文化程度": "高中/中专/技校",
        "联系电话": phone, "工作单位": "农安县某汽修厂", "现职业": "汽车修理", "已从事本职业工作年限": 6,
        "工作简历": "2011年至今在农安县从事汽车维修。", "现已持证书": "", "证书等级": "", "所在地区": "农安县",
    }
    return [values[h] for h in import_sheet.HEADERS]


def workbook_bytes():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(import_sheet.HEADERS))
    sheet.append(row("赵一", GOOD_ID, "13900000001"))  # row 2
    sheet.append(row("钱二", BAD_ID, "13900000002"))  # row 3
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def choose_and_upload(page, day, *, only_good_rows=False):
    form = page.get_by_test_id("import-form")
    form.get_by_label("申报职业").select_option(label="汽车维修工")
    form.get_by_label("申报等级").select_option(label="五级/初级工")
    form.get_by_label("鉴定场次").select_option(value=f"day:{day.pk}")
    form.get_by_label("报名信息表（.xlsx）").set_input_files(
        {"name": "考生名单.xlsx", "mimeType": import_sheet.XLSX_CONTENT_TYPE, "buffer": workbook_bytes()}
    )
    checkbox = form.get_by_label("只导入正确的行（有错误的行不导入）")
    if only_good_rows:
        checkbox.check()
    else:
        checkbox.uncheck()
    form.get_by_role("button", name="上传并校验").click()


def test_reg3_template_download_and_import_reports_bad_rows_then_imports_good_ones(page, login, url, artifacts,
                                                                                     open_day):
    login(page, "staff_nongan")
    page.goto(url("/registration/bulk/import/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("批量导入考生")

    # The template: served as .xlsx to the signed-in clerk, and downloadable by clicking the link.
    template_url = page.get_by_test_id("template-link").get_attribute("href")
    response = page.request.get(url(template_url))
    assert response.status == 200
    assert response.headers["content-type"] == import_sheet.XLSX_CONTENT_TYPE
    with page.expect_download() as download_info:
        page.get_by_test_id("template-link").click()
    download = download_info.value
    assert download.suggested_filename == "考生批量导入模板.xlsx"
    with open(download.path(), "rb") as saved:
        template = load_workbook(io.BytesIO(saved.read()))
    assert [c.value for c in template.worksheets[0][1]] == list(import_sheet.HEADERS)

    # A file with a bad row: checked in the background (the embedded default runs it at once), its
    # page shows the report: nothing is imported, the row is named with its reason.
    choose_and_upload(page, open_day)
    expect(page.get_by_role("heading", level=1)).to_have_text("批量导入考生")
    expect(page.get_by_test_id("job-state")).to_contain_text("已完成：共处理 2 行")
    result = page.get_by_test_id("import-result")
    expect(result.get_by_role("heading", level=2)).to_have_text("未导入")
    expect(result.get_by_test_id("count-total")).to_have_text("2")
    expect(result.get_by_test_id("count-good")).to_have_text("1")
    expect(result.get_by_test_id("count-errors")).to_have_text("1")
    expect(result.get_by_role("alert")).to_contain_text("文件中有 1 行错误，未导入任何数据")
    errors = result.get_by_test_id("import-errors").locator("tbody tr")
    expect(errors).to_have_count(1)
    expect(errors.first).to_contain_text("第3行")
    expect(errors.first).to_contain_text("钱二")
    expect(errors.first).to_contain_text("身份证号校验位错误")
    page.screenshot(path=artifacts / "bulk-import-errors.png", full_page=True)
    assert not Application.objects.filter(scheduled_day=open_day).exists()

    # Again, importing only the good rows: one draft for 赵一.
    page.get_by_test_id("import-again").click()
    choose_and_upload(page, open_day, only_good_rows=True)
    result = page.get_by_test_id("import-result")
    expect(result).to_contain_text("已导入 1 名考生的申报草稿。")
    expect(result.get_by_role("heading", level=2)).to_have_text("导入完成")
    expect(result.get_by_test_id("count-imported")).to_have_text("1")
    expect(result.get_by_test_id("import-errors")).to_contain_text("第3行")
    page.screenshot(path=artifacts / "bulk-import-done.png", full_page=True)
    imported = Application.objects.get(scheduled_day=open_day)
    assert (imported.name, imported.id_number, imported.status) == ("赵一", GOOD_ID, Status.DRAFT)


def test_reg3_a_long_import_shows_its_progress_and_then_its_report(page, login, url, demo):
    """A job still running: its page shows how far it got, follows it without a reload by hand, and
    shows the report when it is done."""
    from appraisal.models import BackgroundJob, JobStatus, User

    clerk = User.objects.get(username="staff_nongan")
    job = BackgroundJob.objects.create(kind="registration.bulk_import", owner=clerk, status=JobStatus.RUNNING,
                                       done=1200, total=5000, params={"file_name": "考生名单.xlsx"})
    login(page, "staff_nongan")
    page.goto(url(f"/jobs/{job.pk}/"))
    expect(page.get_by_test_id("job-state")).to_contain_text("已处理 1200 / 5000 行")
    expect(page.locator("progress")).to_have_attribute("value", "1200")
    BackgroundJob.objects.filter(pk=job.pk).update(done=3600)
    expect(page.get_by_test_id("job-state")).to_contain_text("已处理 3600 / 5000 行")  # polled, no reload
    BackgroundJob.objects.filter(pk=job.pk).update(
        done=5000, status=JobStatus.DONE, result={"saved": True, "total_rows": 5000, "good_count": 5000,
                                                  "imported": 5000, "created_accounts": 4990,
                                                  "existing_accounts": 10, "errors": []})
    result = page.get_by_test_id("import-result")
    expect(result).to_contain_text("已导入 5000 名考生的申报草稿。")
    expect(result.get_by_test_id("count-imported")).to_have_text("5000")

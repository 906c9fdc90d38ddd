"""The registration report in the browser (REG-3): the county clerk asks for a day's report on the
export page, the job's page says how many rows were written and offers the file, which downloads
with the day's applications and full ID numbers."""

import datetime
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from appraisal.demo import DEMO_CANDIDATE
from appraisal.models import Center, Occupation, ScheduledAppraisalDay, User
from registration import exports
from registration.models import Application, Status

pytestmark = pytest.mark.e2e


@pytest.fixture
def reported_day(demo):
    """A 农安县 day of 2017 with the demo candidate's submitted application."""
    nongan = Center.objects.get(division_code="220122")
    day, _created = ScheduledAppraisalDay.objects.get_or_create(center=nongan, day=datetime.date(2017, 6, 17))
    Application.objects.create(
        candidate=User.objects.get(username="candidate"), center=nongan, occupation=Occupation.objects.get(
            name="汽车维修工"), level=5, scheduled_day=day, status=Status.SUBMITTED, name=DEMO_CANDIDATE["full_name"],
        gender="M", birth_month=datetime.date(1990, 3, 1), education="senior", id_number=DEMO_CANDIDATE["id_number"],
        phone=DEMO_CANDIDATE["phone"], years_in_occupation=5, work_history="从事汽车维修五年",
        submitted_at=timezone.now(),
    )
    return day


def test_reg3_the_clerk_exports_a_days_report_through_its_job_page(page, login, url, reported_day, artifacts):
    login(page, "staff_nongan")
    page.goto(url("/registration/bulk/exports/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("报名数据导出")
    page.screenshot(path=artifacts / "exports-page.png", full_page=True)
    row = page.get_by_test_id("export-days").locator("tbody tr").filter(has_text="2017-06-17")
    row.get_by_role("button", name="导出 Excel").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("导出报名数据上报表")
    expect(page.get_by_test_id("job-state")).to_contain_text("已完成：共处理 1 行")
    page.screenshot(path=artifacts / "export-job-done.png", full_page=True)
    with page.expect_download() as download_info:
        page.get_by_test_id("job-file").click()
    download = download_info.value
    assert download.suggested_filename == "报名数据_农安县职业技能鉴定中心_20170617.xlsx"
    with open(download.path(), "rb") as saved:
        sheet = load_workbook(io.BytesIO(saved.read())).active
    assert sheet["A1"].value == exports.REPORT_TITLE
    rows = [r for r in sheet.iter_rows(min_row=4, values_only=True) if r[0] is not None]
    assert [(r[1], r[4]) for r in rows] == [(DEMO_CANDIDATE["full_name"], DEMO_CANDIDATE["id_number"])]

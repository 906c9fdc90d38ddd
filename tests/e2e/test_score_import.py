"""The Excel score import in the browser (EXAM-6): an examiner downloads the session's template,
fills it in, uploads a file with a row of someone not in the session and sees, on the job's page,
that row named with its reason and nothing saved; uploads it again corrected and sees what was
saved, then the scores in the grid. A long import shows its progress, then its report."""

import datetime
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from appraisal.demo import DEMO_CANDIDATE
from appraisal.models import Center, Occupation, ScheduledAppraisalDay, User
from exams import scoring, services
from exams.models import ExaminerQualification, Score, SeatAssignment
from registration.models import Application, Status
from tests.exams.conftest import make_id_number

pytestmark = pytest.mark.e2e


def approved(candidate, *, nongan, occupation, day, name, id_number, phone):
    return Application.objects.create(
        candidate=candidate, center=nongan, occupation=occupation, level=5, scheduled_day=day,
        status=Status.APPROVED, name=name, gender="M", birth_month=datetime.date(1990, 3, 1), education="senior",
        id_number=id_number, phone=phone, years_in_occupation=5, work_history="从事汽车维修五年", fee_paid=True,
        submitted_at=timezone.now(),
    )


@pytest.fixture
def seated_session(demo):
    """汽车维修工 level 5 at 农安县 on 2017-06-17: two candidates seated, the demo examiner assigned."""
    nongan = Center.objects.get(division_code="220122")
    staff = User.objects.get(username="staff_nongan")
    examiner = User.objects.get(username="examiner")
    occupation = Occupation.objects.get(name="汽车维修工")
    ExaminerQualification.objects.create(examiner=examiner, occupation=occupation, highest_level=3,
                                         certificate_number="KP2015-0001", valid_until=datetime.date(2019, 12, 31))
    day, _created = ScheduledAppraisalDay.objects.get_or_create(center=nongan, day=datetime.date(2017, 6, 17))
    common = {"nongan": nongan, "occupation": occupation, "day": day}
    approved(User.objects.get(username="candidate"), name=DEMO_CANDIDATE["full_name"],
             id_number=DEMO_CANDIDATE["id_number"], phone=DEMO_CANDIDATE["phone"], **common)
    second_id = make_id_number(7, birth=datetime.date(1988, 5, 2))
    second = User.objects.create(username=second_id, role="candidate", full_name="李导入", id_number=second_id,
                                 region=nongan)
    approved(second, name="李导入", id_number=second_id, phone="13900000077", **common)
    site = services.create_site(actor=staff, center=nongan, name="农安县职业技能鉴定考点", address="农安县黄龙路1号")
    services.add_room(actor=staff, site=site, name="第一考场", capacity=30)
    session = services.schedule_session(actor=staff, center=nongan, site=site, occupation=occupation, level=5,
                                        target=day, allow_past=True)
    assert services.assign_seats_automatically(session=session, actor=staff).seated == 2
    services.assign_examiner(session=session, examiner=examiner, actor=staff)
    return session


def filled(template: bytes, *, stranger: bool) -> bytes:
    """The downloaded template with both subjects filled in; with a row for a ticket not in the session."""
    workbook = load_workbook(io.BytesIO(template))
    sheet = workbook.worksheets[0]
    for row in sheet.iter_rows(min_row=2):
        row[2].value, row[3].value = 78.5, 85
    if stranger:
        sheet.append(["209901010101", "外来人", 60, 60])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(page, content: bytes):
    form = page.get_by_test_id("import-form")
    form.get_by_label("成绩文件（.xlsx）").set_input_files(
        {"name": "成绩.xlsx", "mimeType": scoring.XLSX_CONTENT_TYPE, "buffer": content})
    form.get_by_role("button", name="上传并校验").click()


def test_exam6_score_import_reports_a_bad_row_then_saves_the_corrected_file(page, login, url, seated_session,
                                                                            artifacts):
    session = seated_session
    login(page, "examiner")
    page.goto(url(f"/exams/scores/sessions/{session.pk}/"))
    page.get_by_role("link", name="Excel导入成绩").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Excel导入成绩")
    with page.expect_download() as download_info:
        page.get_by_test_id("template-link").click()
    with open(download_info.value.path(), "rb") as saved:
        template = saved.read()

    # A row of someone not in the session: the job's page names it, and nothing is saved.
    upload(page, filled(template, stranger=True))
    expect(page.get_by_test_id("job-state")).to_contain_text("已完成：共处理 3 行")
    report = page.get_by_test_id("import-report")
    expect(report.get_by_role("heading", level=2)).to_have_text("未导入")
    expect(report.get_by_test_id("count-total")).to_have_text("3")
    expect(report.get_by_test_id("count-errors")).to_have_text("1")
    expect(report.get_by_role("alert")).to_contain_text("文件中有 1 行错误，未保存任何成绩")
    errors = report.get_by_test_id("import-errors").locator("tbody tr")
    expect(errors).to_have_count(1)
    expect(errors.first).to_contain_text("第4行")
    expect(errors.first).to_contain_text("不属于本场次")
    page.screenshot(path=artifacts / "score-import-errors.png", full_page=True)
    assert not Score.objects.exists()

    # Corrected: both candidates' two subjects are saved, and the grid shows them.
    report.get_by_test_id("import-again").click()
    upload(page, filled(template, stranger=False))
    report = page.get_by_test_id("import-report")
    expect(report.get_by_role("heading", level=2)).to_have_text("导入完成")
    expect(report).to_contain_text("导入完成：新录入 4 项，修改 0 项，未变 0 项。")
    expect(report.get_by_test_id("count-created")).to_have_text("4项")
    page.screenshot(path=artifacts / "score-import-done.png", full_page=True)
    assert Score.objects.filter(session=session).count() == 4
    report.get_by_test_id("back-to-sheet").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("成绩录入")
    for seat in SeatAssignment.objects.filter(session=session):
        expect(page.get_by_test_id(f"score-{seat.ticket_number}-theory")).to_have_value("78.5")


def test_exam6_a_long_score_import_shows_its_progress_and_then_its_report(page, login, url, seated_session):
    from appraisal.models import BackgroundJob, JobStatus

    examiner = User.objects.get(username="examiner")
    job = BackgroundJob.objects.create(
        kind="exams.score_import", owner=examiner, status=JobStatus.RUNNING, done=300, total=1000,
        params={"session": seated_session.pk, "reason": "", "file_name": "成绩.xlsx", "session_label": "2017-06-17"})
    login(page, "examiner")
    page.goto(url(f"/jobs/{job.pk}/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Excel导入成绩")
    expect(page.get_by_test_id("job-state")).to_contain_text("已处理 300 / 1000 行")
    BackgroundJob.objects.filter(pk=job.pk).update(done=700)
    expect(page.get_by_test_id("job-state")).to_contain_text("已处理 700 / 1000 行")  # polled, no reload
    BackgroundJob.objects.filter(pk=job.pk).update(
        done=1000, status=JobStatus.DONE, result={"saved": True, "total_rows": 1000, "created": 1990, "updated": 10,
                                                  "unchanged": 0, "errors": []})
    report = page.get_by_test_id("import-report")
    expect(report).to_contain_text("导入完成：新录入 1990 项，修改 10 项，未变 0 项。")
    expect(page.get_by_test_id("job-state")).to_contain_text("已完成：共处理 1000 行")

"""The score import (EXAM-6) off the request: the upload page refuses at once what it can, the rows
are checked and saved all or nothing in a background job that reports its progress, its page (its
owner's only) shows the report, and the job asks the owner's scope and right to mark again when it
runs (ORG-8, EXAM-5)."""

import io

import pytest
from django.urls import reverse
from openpyxl import Workbook

from appraisal.jobs import run_job
from appraisal.models import BackgroundJob, JobStatus
from exams import jobs, services
from exams.models import ExaminerAssignment, Score, ScoreChange, SeatAssignment


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def seats(seated_session):
    return list(SeatAssignment.objects.filter(session=seated_session).select_related("application").order_by("pk"))


def upload(rows, name="成绩.xlsx"):
    workbook = Workbook()
    workbook.active.append(["准考证号", "姓名", "理论知识", "操作技能"])
    for row in rows:
        workbook.active.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.name = name
    buffer.seek(0)
    return buffer


def good_rows(seats, theory=70, skill=80):
    return [(s.ticket_number, s.application.name, theory, skill) for s in seats]


def import_url(session):
    return reverse("exams:score_import", args=[session.pk])


def post_import(client, session, rows, *, run=True, capture=None, reason=""):
    """Upload; with `run`, the job runs at the commit (as the embedded default runs it)."""
    with capture(execute=run):
        response = client.post(import_url(session), {"file": upload(rows), "reason": reason})
    assert response.status_code == 302, response.content.decode()[:2000]
    return BackgroundJob.objects.get(pk=int(response.url.strip("/").split("/")[-1])), response.url


def test_exam6_the_upload_runs_as_a_job_whose_page_shows_what_was_saved(
        client, seated_session, seats, examiner, django_capture_on_commit_callbacks):
    client.force_login(examiner)
    job, url = post_import(client, seated_session, good_rows(seats), capture=django_capture_on_commit_callbacks)
    assert url == reverse("job_detail", args=[job.pk])
    job.refresh_from_db()
    assert (job.kind, job.status, job.owner, job.done, job.total) == (jobs.SCORE_IMPORT, JobStatus.DONE, examiner, 3, 3)
    assert job.result == {"saved": True, "total_rows": 3, "created": 6, "updated": 0, "unchanged": 0, "errors": []}
    assert Score.objects.filter(session=seated_session).count() == 6
    assert ScoreChange.objects.filter(changed_by=examiner).count() == 6
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200 and "Excel导入成绩" in html
    assert "导入完成：新录入 6 项，修改 0 项，未变 0 项。" in html
    assert reverse("exams:score_sheet", args=[seated_session.pk]) in html

    # Again with one changed score and a reason: one updated, five unchanged.
    rows = good_rows(seats)
    rows[0] = rows[0][:2] + (75, 80)
    job, url = post_import(client, seated_session, rows, capture=django_capture_on_commit_callbacks,
                           reason="复核合分错误")
    job.refresh_from_db()
    assert (job.result["created"], job.result["updated"], job.result["unchanged"]) == (0, 1, 5)
    assert "修改 1 项，未变 5 项" in client.get(url).content.decode()


def test_exam6_a_file_with_a_bad_row_saves_nothing_and_the_job_lists_the_row(
        client, seated_session, seats, examiner, django_capture_on_commit_callbacks):
    client.force_login(examiner)
    rows = good_rows(seats) + [("999", "外人", 60, 60)]
    job, url = post_import(client, seated_session, rows, capture=django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.result["saved"] is False
    assert job.result["errors"] == [{"row": 5, "ticket": "999", "name": "外人",
                                     "message": "准考证号999不属于本场次（未知考生）。"}]
    html = client.get(url).content.decode()
    assert "第5行" in html and "未保存任何成绩" in html and import_url(seated_session) in html
    assert not Score.objects.exists()


def test_exam6_the_import_reports_its_progress_row_by_row(seated_session, seats, examiner):
    seen = []
    report = services.import_scores(seated_session, upload(good_rows(seats)), examiner,
                                    progress=lambda done, total: seen.append((done, total)))
    assert report.saved and seen == [(1, 3), (2, 3), (3, 3)]


def test_exam6_a_job_is_seen_only_by_who_started_it(
        client, seated_session, seats, examiner, demo_user, django_capture_on_commit_callbacks):
    client.force_login(examiner)
    job, url = post_import(client, seated_session, good_rows(seats), capture=django_capture_on_commit_callbacks)
    assert client.get(url).status_code == 200
    client.force_login(demo_user("staff_nongan"))  # manages the session's center, but did not start the job
    for name in ("job_detail", "job_status"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 404


def test_exam5_the_runner_refuses_an_examiner_unassigned_since_the_upload(
        client, seated_session, seats, examiner, django_capture_on_commit_callbacks):
    client.force_login(examiner)
    job, url = post_import(client, seated_session, good_rows(seats), run=False,
                           capture=django_capture_on_commit_callbacks)
    ExaminerAssignment.objects.filter(session=seated_session, examiner=examiner).delete()
    assert run_job(job.pk) == JobStatus.FAILED
    job.refresh_from_db()
    assert job.error == "只有本场次指派的考评人员或有鉴定权限的机构可以录入成绩。"
    assert not Score.objects.exists()
    assert "只有本场次指派的考评人员" in client.get(url).content.decode()


def test_org8_the_runner_refuses_a_session_no_longer_in_the_clerks_scope(
        client, seated_session, seats, demo_user, centers, django_capture_on_commit_callbacks):
    clerk = demo_user("staff_nongan")
    client.force_login(clerk)
    job, _url = post_import(client, seated_session, good_rows(seats), run=False,
                            capture=django_capture_on_commit_callbacks)
    type(clerk).objects.filter(pk=clerk.pk).update(center=centers["gongzhuling"])  # moved meanwhile
    assert run_job(job.pk) == JobStatus.FAILED
    job.refresh_from_db()
    assert job.error == "该考试场次已不在您的管辖范围内，未导入任何成绩。"
    assert not Score.objects.exists()


def test_exam7_a_published_session_and_a_file_that_is_no_workbook_are_refused_at_once(
        client, seated_session, seats, examiner, demo_user):
    client.force_login(examiner)
    response = client.post(import_url(seated_session), {"file": io.BytesIO(b"not a workbook")})
    assert response.status_code == 400 and "不是有效的 Excel" in response.content.decode()
    assert services.import_scores(seated_session, upload(good_rows(seats)), examiner).saved
    services.publish_session(session=seated_session, actor=demo_user("staff_nongan"))
    response = client.post(import_url(seated_session), {"file": upload(good_rows(seats))})
    assert response.status_code == 400 and "成绩已发布" in response.content.decode()
    assert not BackgroundJob.objects.exists()

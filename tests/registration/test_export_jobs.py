"""The exports (REG-3, REG-4) off the request: asked for by POST, built in a background job that
reports its progress, downloaded from the job's page by its owner only, scoped when they run
(ORG-8)."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from appraisal.jobs import run_job
from appraisal.models import BackgroundJob, JobStatus, RetakeDay, Role, User
from registration import exports, jobs
from registration.models import Application


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def report_url(application):
    return reverse("registration:bulk_export_report", args=["day", application.scheduled_day_id])


def ask(client, url, capture, *, run=True) -> BackgroundJob:
    with capture(execute=run):
        response = client.post(url)
    assert response.status_code == 302 and response.url.startswith("/jobs/"), response.status_code
    return BackgroundJob.objects.get(pk=int(response.url.strip("/").split("/")[-1]))


def names_in(job) -> list:
    job.refresh_from_db()
    with job.output.open("rb") as handle:
        sheet = load_workbook(io.BytesIO(handle.read())).active
    return [row[1] for row in sheet.iter_rows(min_row=4, values_only=True) if row[0] is not None]


def test_reg3_an_export_is_a_job_that_reports_its_progress_and_offers_the_file(
        client, submitted, demo_user, django_capture_on_commit_callbacks):
    staff = demo_user("staff_nongan")
    seen = []
    exports.registration_report(staff, submitted.scheduled_day, progress=lambda done, total: seen.append((done, total)))
    assert seen == [(1, 1)]

    client.force_login(staff)
    job = ask(client, report_url(submitted), django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert (job.kind, job.status, job.owner, job.done, job.total) == (jobs.REGISTRATION_REPORT, JobStatus.DONE,
                                                                       staff, 1, 1)
    assert job.output_name == f"报名数据_农安县职业技能鉴定中心_{submitted.scheduled_day.day:%Y%m%d}.xlsx"
    page = client.get(reverse("job_detail", args=[job.pk])).content.decode()
    assert "导出报名数据上报表" in page and "已完成：共处理 1 行" in page
    assert reverse("job_output", args=[job.pk]) in page and reverse("registration:bulk_exports") in page
    assert names_in(job) == [submitted.name]


def test_reg4_the_retake_summary_is_a_job_too(client, demo_user, django_capture_on_commit_callbacks):
    retake_day = RetakeDay.objects.first()
    client.force_login(demo_user("staff_changchun"))
    job = ask(client, reverse("registration:bulk_export_retake", args=[retake_day.pk]),
              django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert (job.kind, job.status) == (jobs.RETAKE_SUMMARY, JobStatus.DONE)
    assert job.output_name == f"补考人员汇总表_{retake_day.day:%Y%m%d}.xlsx"


def test_reg3_a_link_does_not_start_an_export(client, submitted, demo_user):
    """A GET (a prefetch, a crawler, a link opened twice) starts nothing."""
    client.force_login(demo_user("staff_nongan"))
    assert client.get(report_url(submitted)).status_code == 405
    assert not BackgroundJob.objects.exists()


def test_reg3_an_export_job_and_its_file_are_its_owners_only(
        client, submitted, demo_user, django_capture_on_commit_callbacks):
    client.force_login(demo_user("staff_nongan"))
    job = ask(client, report_url(submitted), django_capture_on_commit_callbacks)
    assert client.get(reverse("job_output", args=[job.pk])).status_code == 200
    client.force_login(demo_user("staff_changchun"))  # the upper level sees the same rows, not this job
    for name in ("job_detail", "job_status", "job_output"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 404


def test_org8_an_export_is_scoped_when_it_runs(client, submitted, demo_user, centers,
                                               django_capture_on_commit_callbacks):
    staff = demo_user("staff_nongan")
    client.force_login(staff)
    job = ask(client, report_url(submitted), django_capture_on_commit_callbacks, run=False)
    User.objects.filter(pk=staff.pk).update(center=centers["gongzhuling"])  # moved before the job ran
    assert run_job(job.pk) == JobStatus.DONE
    assert names_in(job) == []


def test_reg3_an_export_refuses_an_owner_who_is_no_longer_staff(client, submitted, demo_user,
                                                                django_capture_on_commit_callbacks):
    staff = demo_user("staff_nongan")
    client.force_login(staff)
    job = ask(client, report_url(submitted), django_capture_on_commit_callbacks, run=False)
    User.objects.filter(pk=staff.pk).update(role=Role.CANDIDATE, center=None, id_number="220122199001010012")
    assert run_job(job.pk) == JobStatus.FAILED
    job.refresh_from_db()
    assert job.error == "此功能仅限鉴定机构和人社部门工作人员使用。" and not job.output


def test_reg3_an_appraisal_gone_before_the_job_ran_is_said_in_chinese(
        client, submitted, demo_user, django_capture_on_commit_callbacks):
    client.force_login(demo_user("staff_nongan"))
    job = ask(client, report_url(submitted), django_capture_on_commit_callbacks, run=False)
    BackgroundJob.objects.filter(pk=job.pk).update(params={**job.params, "target": 10**9})
    assert run_job(job.pk) == JobStatus.FAILED
    job.refresh_from_db()
    assert job.error == "要导出的鉴定场次已不存在，未生成文件。"
    assert Application.objects.filter(pk=submitted.pk).exists()

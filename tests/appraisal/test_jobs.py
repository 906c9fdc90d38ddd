"""Long work off the request (appraisal/jobs.py): a job is queued through the outbox, runs once
however often it is delivered, reports its progress, and shows its result (or why it did not
finish, in Chinese) on a page only its owner opens."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from appraisal import extensions, jobs
from appraisal.models import BackgroundJob, JobStatus, Role, User
from appraisal.tasks import run_job

runs = []


def count_rows(job, progress):
    runs.append(job.pk)
    rows = job.upload.read().decode().splitlines()
    for number, _row in enumerate(rows, start=1):
        progress(number, len(rows))
        if number == 2:
            seen = BackgroundJob.objects.get(pk=job.pk)
            runs.append((seen.status, *jobs.progress_of(seen)))
    if job.params.get("refuse"):
        raise ValidationError("第2行身份证号校验位错误。")
    return {"rows": len(rows), "file": ("结果.csv", b"row\n1\n")}


@pytest.fixture(autouse=True)
def test_kind(monkeypatch, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    runs.clear()
    monkeypatch.setitem(extensions.JOB_KINDS, "tests.count_rows", extensions.JobKind(
        name="tests.count_rows", title="测试：数行数", run=count_rows, result_template="", back_url_name="home"))


@pytest.fixture
def start(demo_user, django_capture_on_commit_callbacks):
    def start_as(username, **params):
        with django_capture_on_commit_callbacks(execute=True):
            return jobs.start_job(kind="tests.count_rows", owner=demo_user(username), params=params,
                                  upload=SimpleUploadedFile("rows.txt", b"a\nb\nc\n"))

    return start_as


def test_a_job_runs_after_the_commit_reports_progress_and_keeps_its_result(start):
    job = start("staff_nongan")
    job.refresh_from_db()
    assert (job.status, job.done, job.total, job.result) == (JobStatus.DONE, 3, 3, {"rows": 3})
    # The page could see it running: progress is written at the first row, then every 100 and at the end.
    assert runs == [job.pk, (JobStatus.RUNNING, 1, 3)]
    assert job.output_name == "结果.csv" and job.output.read() == b"row\n1\n"


def test_a_second_delivery_does_nothing(start):
    job = start("staff_nongan")
    assert run_job(job.pk) == "skipped"
    assert runs.count(job.pk) == 1


def test_a_refused_job_says_why_in_chinese(start, client, demo_user):
    job = start("staff_nongan", refuse=True)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.error == "第2行身份证号校验位错误。"
    client.force_login(demo_user("staff_nongan"))
    assert "第2行身份证号校验位错误。" in client.get(reverse("job_detail", args=[job.pk])).content.decode()


def test_only_the_owner_sees_a_job_its_progress_and_its_file(start, client, demo_user):
    job = start("staff_nongan")
    client.force_login(demo_user("staff_nongan"))
    assert client.get(reverse("job_status", args=[job.pk])).json() == {
        "status": "done", "status_display": "已完成", "done": 3, "total": 3, "percent": 100, "finished": True}
    response = client.get(reverse("job_output", args=[job.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"row\n1\n"
    client.force_login(demo_user("staff_changchun"))  # the upper level, but not the owner
    for name in ("job_detail", "job_status", "job_output"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 404


def test_an_unknown_kind_is_a_programming_error(demo_user):
    with pytest.raises(ValueError):
        jobs.start_job(kind="nobody.registered", owner=demo_user("staff_nongan"))


def test_an_imports_upload_is_deleted_a_week_after_it_finished_and_the_report_stays(start, settings):
    job = start("staff_nongan")
    job.refresh_from_db()
    upload, output = job.upload.name, job.output.name
    assert jobs.purge_job_files() == 0  # just finished: kept
    BackgroundJob.objects.filter(pk=job.pk).update(finished_at=job.finished_at - timezone.timedelta(days=8))
    assert jobs.purge_job_files() == 1
    job.refresh_from_db()
    assert not job.upload and not job.output and job.result == {"rows": 3}
    assert not (settings.MEDIA_ROOT / upload).exists() and not (settings.MEDIA_ROOT / output).exists()


def checks_in_one_transaction(job, progress):
    """A runner like the imports: every row checked and written in one transaction."""
    with transaction.atomic():
        for number in range(1, 251):
            progress(number, 250)
            if number == 201:
                runs.append(seen_from_another_connection(job.pk))
    return {}


def seen_from_another_connection(job_id):
    """What the job's page, in another process, would show now."""
    seen = {}

    def look():
        try:
            job = BackgroundJob.objects.get(pk=job_id)
            seen["progress"] = (job.status, *jobs.progress_of(job))
        finally:
            connection.close()

    thread = threading.Thread(target=look)
    thread.start()
    thread.join()
    return seen["progress"]


@pytest.mark.django_db(transaction=True)
def test_progress_is_seen_while_the_runners_transaction_is_still_open(monkeypatch):
    """The page reads the progress on its own connection while the runner has committed nothing yet."""
    monkeypatch.setitem(extensions.JOB_KINDS, "tests.one_transaction", extensions.JobKind(
        name="tests.one_transaction", title="测试：一个事务", run=checks_in_one_transaction, result_template="",
        back_url_name="home"))
    owner = User.objects.create(username="job_owner", role=Role.CANDIDATE)  # any user: no demo data here
    job = BackgroundJob.objects.create(kind="tests.one_transaction", owner=owner)
    assert run_job(job.pk) == JobStatus.DONE
    assert runs == [(JobStatus.RUNNING, 201, 250)]
    job.refresh_from_db()
    assert (job.done, job.total) == (250, 250) and jobs.progress_of(job) == (250, 250)

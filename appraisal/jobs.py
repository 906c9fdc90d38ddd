"""Long work off the request: an import of thousands of rows or a large export runs in a Celery
worker while its page shows the progress, then the result.

`start_job()` records the job and asks for it through the outbox (a broker outage delays it,
never loses it); `run_job()` is the task's body: it runs the kind's runner once, whatever the
deliveries (a finished job is left as it is; a job whose worker died is run again from the start,
so runners do their writes all or nothing). On the embedded default Celery is eager: the job has
run by the time its page opens.

Progress goes to the cache while the job runs, not to its row: a runner checks and writes in one
transaction (all or nothing), and a row updated inside that transaction would show nothing to the
page until the end. `progress_of()` reads it back; the row gets the final count when the job ends.
The cache is the broker's Redis, so a worker that can run a job can also report its progress."""

from __future__ import annotations

import logging

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from appraisal import outbox
from appraisal.extensions import JOB_KINDS
from appraisal.models import BackgroundJob, JobStatus

logger = logging.getLogger(__name__)
RUN_TASK = "appraisal.run_job"
# Progress is written at most this often (rows), so a 5,000-row import makes a few dozen updates.
PROGRESS_STEP = 100
# A running job's progress is kept this long after its last update (a dead worker's job is run again).
PROGRESS_TTL = 6 * 3600


def start_job(*, kind: str, owner, params: dict | None = None, upload=None) -> BackgroundJob:
    if kind not in JOB_KINDS:
        raise ValueError(f"unknown job kind {kind!r}")
    with transaction.atomic():
        job = BackgroundJob(kind=kind, owner=owner, params=params or {})
        if upload is not None:
            job.upload.save(getattr(upload, "name", "upload") or "upload", upload, save=False)
        job.save()
        outbox.enqueue(RUN_TASK, job.pk, key=f"{RUN_TASK}:{job.pk}")
    return job


def _claim(job_id: int) -> BackgroundJob | None:
    with transaction.atomic():
        job = BackgroundJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.finished:
            return None  # gone, or a second delivery of a job already done
        job.status, job.started_at, job.done, job.total = JobStatus.RUNNING, timezone.now(), 0, 0
        job.save(update_fields=["status", "started_at", "done", "total"])
    cache.delete(_progress_key(job.pk))  # a run after a dead worker starts again from 0
    return job


def _progress_key(job_id: int) -> str:
    return f"job-progress:{job_id}"


class _Progress:
    """The `progress(done, total)` a runner calls: written to the cache every PROGRESS_STEP rows
    and at the end; the last count is kept for the job's row."""

    def __init__(self, job: BackgroundJob):
        self.key, self.done, self.total, self.written = _progress_key(job.pk), 0, 0, -PROGRESS_STEP

    def __call__(self, done: int, total: int) -> None:
        self.done, self.total = min(done, total), total
        if done - self.written >= PROGRESS_STEP or done >= total:
            self.written = done
            cache.set(self.key, (self.done, self.total), PROGRESS_TTL)


def progress_of(job: BackgroundJob) -> tuple[int, int]:
    """(done, total) of a job: while it runs, what its runner last reported; else its row's."""
    if job.status == JobStatus.RUNNING:
        reported = cache.get(_progress_key(job.pk))
        if reported:
            return tuple(reported)
    return job.done, job.total


def _finish(job: BackgroundJob, **fields) -> None:
    fields["finished_at"] = timezone.now()
    for name, value in fields.items():
        setattr(job, name, value)
    job.save(update_fields=list(fields))
    cache.delete(_progress_key(job.pk))


def run_job(job_id: int) -> str:
    job = _claim(job_id)
    if job is None:
        return "skipped"
    kind = JOB_KINDS[job.kind]
    progress = _Progress(job)
    try:
        result = kind.run(job, progress) or {}
    except (ValidationError, PermissionDenied) as exc:
        messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
        _finish(job, status=JobStatus.FAILED, error="；".join(str(m).rstrip("。") for m in messages) + "。")
        return job.status
    except Exception:
        logger.exception("background job %s failed", job)
        _finish(job, status=JobStatus.FAILED, error="处理时出现错误，未保存任何数据。请稍后重试，或联系管理员。")
        raise
    file = result.pop("file", None)
    if file is not None:
        name, content = file
        job.output.save(name, ContentFile(content), save=False)
        job.output_name = name
    _finish(job, status=JobStatus.DONE, result=result, output=job.output, output_name=job.output_name,
            done=progress.total, total=progress.total)
    return job.status


def purge_job_files(*, older_than_days: int | None = None) -> int:
    """An import's upload holds candidates' ID numbers: once a job has finished for a while, its
    files (the upload and any file it made) are deleted; its page keeps the report. Returns how
    many jobs were cleared."""
    from django.conf import settings
    from django.db.models import Q

    days = settings.JOB_FILES_RETENTION_DAYS if older_than_days is None else older_than_days
    cutoff = timezone.now() - timezone.timedelta(days=days)
    cleared = 0
    finished = BackgroundJob.objects.filter(status__in=[JobStatus.DONE, JobStatus.FAILED], finished_at__lt=cutoff)
    for job in finished.filter(~Q(upload="") | ~Q(output="")).iterator():
        for field in (job.upload, job.output):
            if field:
                field.delete(save=False)
        job.output_name = ""
        job.save(update_fields=["upload", "output", "output_name"])
        cleared += 1
    return cleared

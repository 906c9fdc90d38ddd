"""Celery tasks of the core: thin wrappers around the outbox and housekeeping."""

from celery import shared_task


@shared_task(name="appraisal.relay_outbox")
def relay_outbox() -> int:
    """Celery beat: send what the outbox holds (messages written while the broker was down)."""
    from appraisal.outbox import relay

    return relay()


@shared_task(name="appraisal.purge_outbox")
def purge_outbox() -> int:
    """Celery beat: forget messages sent more than a month ago."""
    from appraisal.outbox import purge_sent

    return purge_sent()


@shared_task(name="appraisal.purge_login_attempts")
def purge_login_attempts() -> int:
    """Celery beat: forget failed logins older than AXES_RECORDS_RETENTION_DAYS (they name the
    account, and a candidate's account is their ID number)."""
    from appraisal.services import purge_login_attempts as purge

    return purge()


@shared_task(name="appraisal.run_job", acks_late=True)
def run_job(job_id: int) -> str:
    """A long job a person started (appraisal/jobs.py); a second delivery does nothing."""
    from appraisal.jobs import run_job as run

    return run(job_id)


@shared_task(name="appraisal.purge_job_files")
def purge_job_files() -> int:
    """Celery beat: delete the files of jobs finished more than JOB_FILES_RETENTION_DAYS ago."""
    from appraisal.jobs import purge_job_files as purge

    return purge()

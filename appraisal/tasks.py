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


@shared_task(name="appraisal.deliver_messages", acks_late=True)
def deliver_messages(*events: str) -> int:
    """SMS and e-mail of these events' messages (appraisal/messaging); a second run sends nothing."""
    from appraisal.messaging.delivery import deliver_event

    return deliver_event(*events)


# The code is a secret: the outbox row keeps only the request's id once the broker has the task.
@shared_task(name="appraisal.send_reset_code", acks_late=True, outbox_keep_args=1)
def send_reset_code(reset_id: int, code: str) -> bool:
    """The 忘记密码 code by SMS, once; nothing once the code is used or expired."""
    from appraisal.messaging.reset import send_code

    return send_code(reset_id, code)


@shared_task(name="appraisal.purge_reset_codes")
def purge_reset_codes() -> int:
    """Celery beat: forget password-reset requests older than a day."""
    from appraisal.messaging.reset import purge

    return purge()


@shared_task(name="appraisal.deliver_stragglers")
def deliver_stragglers() -> int:
    """Celery beat: SMS and e-mail a failing provider held back are tried again."""
    from appraisal.messaging.delivery import deliver_stragglers as deliver

    return deliver()

"""Celery tasks of exam administration: thin, idempotent wrappers around services."""

from celery import shared_task


@shared_task(name="exams.check_publication_deadlines")
def check_publication_deadlines() -> int:
    """Celery beat (EXAM-7): one overdue alert per session whose results are late."""
    from exams.services import check_publication_deadlines as check

    return check()


@shared_task(name="exams.expire_retained_passes")
def expire_retained_passes() -> int:
    """Celery beat (EXAM-8): passes older than a year are no longer kept."""
    from exams.services import expire_retained_passes as expire

    return expire()

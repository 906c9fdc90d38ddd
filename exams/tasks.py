"""Celery tasks of exam administration: thin, idempotent wrappers around services."""

from celery import shared_task


@shared_task(name="exams.check_publication_deadlines")
def check_publication_deadlines() -> int:
    """Celery beat (EXAM-7): one overdue alert per session whose results are late."""
    from exams.services.sessions import check_publication_deadlines as check

    return check()


@shared_task(name="exams.expire_retained_passes")
def expire_retained_passes() -> int:
    """Celery beat (EXAM-8): passes older than a year are no longer kept."""
    from exams.services.scores import expire_retained_passes as expire

    return expire()


@shared_task(name="exams.render_session_tickets")
def render_session_tickets(session_id: int) -> str:
    """EXAM-4: a whole session's admission tickets as one PDF, stored as tickets/session-<id>.pdf
    (default storage). Idempotent: running it again overwrites the same file. Returns its name."""
    from exams.services.tickets import store_session_tickets

    return store_session_tickets(session_id)

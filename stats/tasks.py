"""Celery tasks of the statistics app: thin, idempotent wrappers around services."""

from celery import shared_task


@shared_task(name="stats.check_deadlines")
def check_deadlines() -> dict:
    """Celery beat (STAT-1): remind the cities before the quarter's deadline, one late alert after it."""
    from stats.services import check_deadlines as check

    return check()

"""Celery tasks of the certificates app: thin, idempotent wrappers around services."""

from celery import shared_task


@shared_task(name="certificates.check_delivery_deadlines")
def check_delivery_deadlines() -> int:
    """Celery beat (CERT-3): one alert per certificate near and past its delivery deadline."""
    from certificates.services.delivery import check_delivery_deadlines as check

    return check()

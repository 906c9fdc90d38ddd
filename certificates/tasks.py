"""Celery tasks of the certificates app: thin, idempotent wrappers around services."""

from celery import shared_task


@shared_task(name="certificates.check_delivery_deadlines")
def check_delivery_deadlines() -> int:
    """Celery beat (CERT-3): one alert per certificate near and past its delivery deadline."""
    from certificates.services.delivery import check_delivery_deadlines as check

    return check()


@shared_task(name="certificates.forward_report")
def forward_report(report_id: int) -> int | None:
    """Through the outbox, after a report is accepted below the province: send it on, once."""
    from certificates.services.reporting import forward_report as forward

    forwarded = forward(report_id)
    return forwarded.pk if forwarded else None


@shared_task(name="certificates.remind_unreported")
def remind_unreported() -> int:
    """Celery beat (CERT-1): remind centers of certificates they have not reported."""
    from certificates.services.reporting import remind_unreported as remind

    return remind()

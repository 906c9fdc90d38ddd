"""Celery tasks of registration: thin, idempotent wrappers around services."""

from celery import shared_task


@shared_task(name="registration.render_application_form", acks_late=True)
def render_application_form(application_id: int) -> str:
    """Render (or re-render) one 申报表 PDF and store it on the application."""
    from registration.pdf import store_application_pdf

    return store_application_pdf(application_id)


@shared_task(name="registration.close_registration")
def close_registration() -> int:
    """Celery beat: expire drafts whose registration window has closed (CAL-2, CAL-3)."""
    from registration.services import close_registration as close

    return close()

"""Celery tasks of registration: thin, idempotent wrappers around services."""

from celery import shared_task


@shared_task(name="registration.render_application_form", acks_late=True)
def render_application_form(application_id: int) -> str:
    """Render (or re-render) one 申报表 PDF and store it on the application."""
    from registration.services.forms_pdf import store_application_pdf

    return store_application_pdf(application_id)


@shared_task(name="registration.close_registration")
def close_registration() -> int:
    """Celery beat: expire drafts whose registration window has closed (CAL-2, CAL-3)."""
    from registration.services import close_registration as close

    return close()


@shared_task(name="registration.reconcile_application_forms")
def reconcile_application_forms() -> int:
    """Celery beat: re-enqueue the PDFs a broker outage lost (docs/architecture.md, Runtime)."""
    from registration.services import applications_missing_form_pdf

    missing = applications_missing_form_pdf()
    for application_id in missing:
        render_application_form.delay(application_id)
    return len(missing)

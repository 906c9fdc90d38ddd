"""Celery tasks of registration: thin, idempotent wrappers around services."""

from celery import shared_task


@shared_task(name="registration.render_application_form", acks_late=True)
def render_application_form(application_id: int) -> str:
    """Render one 申报表 PDF and store it on the application, unless the stored one is current
    (a redelivered or duplicated message does nothing)."""
    from registration.services.forms_pdf import store_application_pdf

    return store_application_pdf(application_id, only_if_outdated=True)


@shared_task(name="registration.close_registration")
def close_registration() -> int:
    """Celery beat: expire drafts whose registration window has closed (CAL-2, CAL-3)."""
    from registration.services import close_registration as close

    return close()


@shared_task(name="registration.reconcile_application_forms")
def reconcile_application_forms() -> int:
    """Celery beat: print again the forms that are missing or outdated by their content (a message
    lost after it left the outbox, say with a Redis restart without persistence)."""
    from registration.services.forms_pdf import reprint_outdated_forms

    return reprint_outdated_forms()

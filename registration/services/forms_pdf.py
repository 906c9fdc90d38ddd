"""Storing the 申报表 PDFs (REG-1) on their applications; pdf.py renders them.

- store_application_pdf(application_id) -> file name: render and store on Application.form_pdf,
  replacing the previous file (the Celery task registration.render_application_form; idempotent).
- ensure_application_pdf(application) -> file name: the stored file if it is up to date, else a
  fresh one.
- print_application_forms(applications) -> bytes: batch printing, reusing the stored forms.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.core.files.base import ContentFile
from django.db import transaction

from registration import pdf
from registration.models import Application

logger = logging.getLogger(__name__)


def _storage():
    return Application._meta.get_field("form_pdf").storage


def store_application_pdf(application_id: int) -> str:
    """Render the form and store it on the application, replacing the previous file. Idempotent:
    running it again leaves exactly one current file. Returns the stored file name ("" when the
    application no longer exists)."""
    try:
        application = Application.objects.select_related("center", "occupation").get(pk=application_id)
    except Application.DoesNotExist:
        logger.info("Application %s vanished before its form was printed", application_id)
        return ""
    photo = pdf.photo_of(application)
    content = pdf.render_application_pdf(application, photo=pdf.read_file(photo))
    name = pdf.pdf_name(application, photo)
    storage = _storage()
    with transaction.atomic():
        # The row lock serialises two workers storing the same form.
        old = Application.objects.select_for_update().values_list("form_pdf", flat=True).get(pk=application_id)
        if storage.exists(name):
            storage.delete(name)
        stored = storage.save(name, ContentFile(content))
        # .update(): printing is not an edit of the application, updated_at stays as it was.
        Application.objects.filter(pk=application_id).update(form_pdf=stored)
        if old and old != stored:
            transaction.on_commit(lambda: storage.delete(old))
    return stored


def ensure_application_pdf(application: Application) -> str:
    """The name of a stored, up-to-date PDF of the application, rendering it when needed."""
    expected = pdf.pdf_name(application, pdf.photo_of(application))
    if application.form_pdf and application.form_pdf.name == expected and _storage().exists(expected):
        return expected
    return store_application_pdf(application.pk)


def print_application_forms(applications: Iterable[Application]) -> bytes:
    """Batch printing: one PDF of many forms. Each form's PDF is stored once (after submission, by
    the Celery task) and reused while its content is unchanged; only missing or outdated forms are
    rendered now, and the stored pages are joined (join_pdfs)."""
    applications = list(applications)
    if not applications:
        raise ValueError("no application to print")
    photos = pdf.photo_materials(applications)
    later = pdf.later_filled(applications)  # one query per filler for the whole batch
    storage = _storage()

    def stored_pdf(application):
        expected = pdf.pdf_name(application, photos.get(application.pk), later.get(application.pk, {}))
        current = application.form_pdf.name if application.form_pdf else ""
        name = expected if current == expected and storage.exists(expected) else store_application_pdf(application.pk)
        with storage.open(name, "rb") as handle:
            return handle.read()

    return pdf.join_pdfs(stored_pdf(a) for a in applications)

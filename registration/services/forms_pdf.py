"""Storing the 申报表 PDFs (REG-1) on their applications; pdf.py renders them.

- enqueue_form_render(application_id): print the form after the commit, through the outbox.
- store_application_pdf(application_id) -> file name: render and store on Application.form_pdf,
  replacing the previous file (the Celery task registration.render_application_form renders only
  an outdated form, so a second delivery does nothing).
- applications_with_outdated_form(): what the reconcile job prints again.
- ensure_application_pdf(application) -> file name: the stored file if it is up to date, else a
  fresh one.
- print_application_forms(applications) -> bytes: batch printing, reusing the stored forms.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from appraisal import outbox
from registration import pdf
from registration.models import Application, Status

RENDER_TASK = "registration.render_application_form"
BATCH = 500

logger = logging.getLogger(__name__)


def _storage():
    return Application._meta.get_field("form_pdf").storage


def store_application_pdf(application_id: int, *, only_if_outdated: bool = False) -> str:
    """Render the form and store it on the application, replacing the previous file; returns the
    stored name ("" when the application no longer exists).

    The application's row stays locked from the check to the store, so two deliveries of the same
    task (a redelivery after a worker died, a relay that sent twice) render it once: with
    `only_if_outdated` the second finds the stored form current, by its content fingerprint, and
    does nothing."""
    storage = _storage()
    with transaction.atomic():
        try:
            application = (
                Application.objects.select_for_update(of=("self",))
                .select_related("center", "occupation").prefetch_related("materials").get(pk=application_id)
            )
        except Application.DoesNotExist:
            logger.info("Application %s vanished before its form was printed", application_id)
            return ""
        photo = pdf.photo_of(application)
        name = pdf.pdf_name(application, photo)
        old = application.form_pdf.name if application.form_pdf else ""
        if only_if_outdated and old == name and storage.exists(name):
            return name
        content = pdf.render_application_pdf(application, photo=pdf.read_file(photo))
        if storage.exists(name):
            storage.delete(name)
        stored = storage.save(name, ContentFile(content))
        # .update(): printing is not an edit of the application, updated_at stays as it was.
        Application.objects.filter(pk=application_id).update(form_pdf=stored)
        if old and old != stored:
            transaction.on_commit(lambda: storage.delete(old))
    return stored


def enqueue_form_render(application_id: int) -> None:
    """Ask for the form to be printed after the current transaction commits, through the outbox:
    a broker outage delays it, never loses it; one pending request per application."""
    outbox.enqueue(RENDER_TASK, application_id, key=f"{RENDER_TASK}:{application_id}")


def applications_with_outdated_form(*, days: int = 30, limit: int = 500) -> list[int]:
    """Live applications (submitted or approved, changed in the last `days` days) whose stored 申报表
    is missing or no longer matches their content (its fingerprint): what a lost task left undone.
    Checked in batches, with the photos and later cells of a batch read at once."""
    since = timezone.now() - datetime.timedelta(days=days)
    candidates = (
        Application.objects.filter(status__in=[Status.SUBMITTED, Status.APPROVED], updated_at__gte=since)
        .select_related("center", "occupation").order_by("pk")
    )
    outdated: list[int] = []
    for start in range(0, candidates.count(), BATCH):
        batch = list(candidates[start:start + BATCH])
        photos, later = pdf.photo_materials(batch), pdf.later_filled(batch)
        for application in batch:
            expected = pdf.pdf_name(application, photos.get(application.pk), later.get(application.pk, {}))
            current = application.form_pdf.name if application.form_pdf else ""
            if current != expected:
                outdated.append(application.pk)
                if len(outdated) >= limit:
                    return outdated
    return outdated


def reprint_outdated_forms() -> int:
    """The reconcile job: every outdated form goes into the outbox again (one pending per form)."""
    outdated = applications_with_outdated_form()
    with transaction.atomic():
        for application_id in outdated:
            enqueue_form_render(application_id)
    return len(outdated)


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

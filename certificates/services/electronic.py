"""The candidate's electronic certificate (CERT-4): rendered on its first download, stored, and
served from storage while nothing printed on it changes (its name carries a fingerprint of the
content, as the 申报表's does)."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.db import transaction

from certificates import documents
from certificates.models import Certificate
from registration import pdf as application_pdf


def _storage():
    return Certificate._meta.get_field("pdf").storage


def electronic_certificate(certificate: Certificate) -> str:
    """The storage name of an up-to-date PDF of this certificate, rendering it when needed. The row
    stays locked from the check to the store: two downloads at once render once."""
    storage = _storage()
    with transaction.atomic():
        certificate = (Certificate.objects.select_for_update(of=("self",))
                       .select_related("occupation", "body", "application").get(pk=certificate.pk))
        photo = application_pdf.photo_materials([certificate.application]).get(certificate.application_id)
        name = documents.electronic_pdf_name(certificate, photo.sha256 if photo else "")
        old = certificate.pdf.name if certificate.pdf else ""
        if old == name and storage.exists(name):
            return name
        content = documents.render_certificates([certificate])
        if storage.exists(name):
            storage.delete(name)
        stored = storage.save(name, ContentFile(content))
        Certificate.objects.filter(pk=certificate.pk).update(pdf=stored)
        if old and old != stored:
            transaction.on_commit(lambda: storage.delete(old))
    return stored

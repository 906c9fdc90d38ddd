"""What the pages of registration share: the 404s of scoped reads, and responses that must not be
kept by a cache."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.utils.http import content_disposition_header

from registration import selectors
from registration.exports import XLSX_CONTENT_TYPE
from registration.models import Application, Material


def application_or_404(user, pk, *, payments=True) -> Application:
    """One application the user may see (with its materials and history), or 404: guessing
    another person's number reveals nothing."""
    try:
        return selectors.application_for(user, pk, payments=payments)
    except Application.DoesNotExist as exc:
        raise Http404(Application.not_found_message) from exc


def application_ref_or_404(user, pk) -> Application:
    """Only the key of an application the user may see, or 404 (for writes that lock the row)."""
    try:
        return selectors.application_ref_for(user, pk)
    except Application.DoesNotExist as exc:
        raise Http404(Application.not_found_message) from exc


def material_or_404(user, pk) -> Material:
    try:
        return selectors.material_for(user, pk)
    except Material.DoesNotExist as exc:
        raise Http404(Material.not_found_message) from exc


def no_store(response):
    """Pages showing a password or personal data: never kept by a cache or the browser's history."""
    response["Cache-Control"] = "private, no-store"
    return response


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response

"""The certificate as a PDF (CERT-2, CERT-4): the printing center's batch and the candidate's
electronic certificate share one layout (templates/pdf/certificate.html), with the holder's photo
and a QR code that opens the public verification page for the certificate's number.

- render_certificates(certificates, progress=) -> bytes: many as ONE PDF, laid out in chunks so a
  long batch reports its progress (the chunks are joined without laying them out again).
- electronic_pdf_name(certificate, photo) -> storage name fingerprinted on everything printed, so a
  stored electronic certificate is reused until something on it changes.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import io
import json
from collections.abc import Callable, Iterable

import zxingcpp
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode

from appraisal.models import Level
from appraisal.pdf import render_pdf, template_css
from certificates.models import Certificate
from registration import pdf as application_pdf

TEMPLATE = "pdf/certificate.html"
STYLESHEETS = ("pdf/base.css", "pdf/certificate.css")
CHUNK = 100  # certificates laid out per WeasyPrint render in a batch (progress is reported per chunk)
PDF_DIR = "certificates"


def verification_url(number: str) -> str:
    """The public page that verifies this number (what the QR code opens)."""
    return f"{settings.PUBLIC_BASE_URL}{reverse('certificates:verify')}?{urlencode({'number': number})}"


def qr_link(certificate: Certificate) -> str:
    """What the QR code carries: the verification page for the number, and after `#c=` (a fragment
    the browser never sends) the signed statement an inspector checks offline (certificates/signing.py)."""
    from certificates.services import offline

    return f"{verification_url(certificate.number)}#c={offline.statement_for(certificate)}"


def qr_data_uri(text: str) -> str:
    """The QR code (error correction M, no quiet zone: the page leaves white around it) as a PNG of
    one pixel per module, which the stylesheet prints sharp (`image-rendering: pixelated`). Why not
    an SVG: WeasyPrint draws an SVG path point by point, ≈ 45 ms a page for a 85-module code, where
    a small image costs under a millisecond; zxing-cpp encodes in C++ (≈ 2 ms, the mask chosen by the
    standard's penalty rules) where segno took ≈ 24 ms. benchmarks/README.md, Certificates."""
    from PIL import Image

    modules = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level="M").to_image(
        scale=1, add_quiet_zones=False)
    height, width = modules.shape
    buffer = io.BytesIO()
    Image.frombytes("L", (width, height), bytes(memoryview(modules))).save(buffer, format="PNG")  # gray stays gray in the PDF
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _day(value) -> str:
    return f"{value.year}年{value.month}月{value.day}日" if value else ""


def certificate_context(certificate: Certificate, photo: bytes | None) -> dict:
    """What one certificate prints, as display strings (the template holds no logic)."""
    c = certificate
    return {
        "number": c.number,
        "name": c.holder_name,
        "gender": c.get_holder_gender_display(),
        "id_number": c.holder_id_number,
        "occupation": c.occupation.name,
        "level": f"{Level.short_label(c.level)}（{Level(c.level).label.split('/')[0]}）",
        "issued_on": _day(c.issued_on),
        "issuing_authority": c.issuing_authority,
        "body": c.body.name,
        "replacement": c.replacement_count > 0,
        "photo": application_pdf.photo_data_uri(photo),
        "qr": qr_data_uri(qr_link(c)),
        "verify_url": verification_url(c.number),
    }


def _photos(certificates: list[Certificate]) -> dict[int, bytes | None]:
    applications = [c.application for c in certificates]
    materials = application_pdf.photo_materials(applications)
    return {pk: application_pdf.read_file(m) for pk, m in materials.items()}


def render_certificates(certificates: Iterable[Certificate], *,
                        progress: Callable[[int, int], None] | None = None) -> bytes:
    """Certificates (with `occupation`, `body` and `application` loaded) as one PDF, a page each."""
    certificates = list(certificates)
    if not certificates:
        raise ValueError("no certificate to print")
    documents = []
    for start in range(0, len(certificates), CHUNK):
        chunk = certificates[start:start + CHUNK]
        photos = _photos(chunk)
        pages = [certificate_context(c, photos.get(c.application_id)) for c in chunk]
        documents.append(render_pdf(render_to_string(TEMPLATE, {"pages": pages}), stylesheets=STYLESHEETS))
        if progress:
            progress(start + len(chunk), len(certificates))
    return documents[0] if len(documents) == 1 else application_pdf.join_pdfs(documents)


@functools.cache
def _template_version() -> str:
    source = "".join(template_css(name) for name in (TEMPLATE, *STYLESHEETS))
    return hashlib.sha256(source.encode()).hexdigest()[:12]


PRINTED_FIELDS = ("number", "holder_name", "holder_gender", "holder_id_number", "occupation_id", "level",
                  "issued_on", "issuing_authority", "body_id", "replacement_count")


def electronic_pdf_name(certificate: Certificate, photo_sha256: str) -> str:
    printed = {name: getattr(certificate, name) for name in PRINTED_FIELDS}
    # The QR code's whole content (the link and the signed statement, deterministic for one key): a new
    # signing key or a new statement format gives a new PDF, as a changed name does.
    printed.update(photo=photo_sha256, template=_template_version(), qr=qr_link(certificate))
    digest = hashlib.sha256(json.dumps(printed, sort_keys=True, default=str).encode()).hexdigest()[:16]
    return f"{PDF_DIR}/certificate-{certificate.pk}-{digest}.pdf"

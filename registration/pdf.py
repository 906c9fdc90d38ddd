"""The 申报表 PDF (REG-1, attachment 4 of the notice): one A4 page per application.

- render_application_pdf(application) -> bytes: one form.
- render_application_forms(applications) -> bytes: many forms as one PDF, one page each, in a single
  WeasyPrint render (the batch-print path).
- pdf_name(application, photo) -> the storage name of a form: named after a fingerprint of
  everything printed on it (fields, photo, template), so "up to date" needs no timestamp and
  survives queryset .update() writes.
- join_pdfs(documents) -> bytes: stored forms joined without laying them out again.

Storing the forms (a write) is registration.services.forms_pdf's.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import io
import json
import logging
from collections.abc import Iterable, Mapping

from django.template.loader import render_to_string

from appraisal import extensions
from appraisal.models import Level
from appraisal.pdf import render_pdf, template_css
from registration.models import Application, Material, MaterialKind

logger = logging.getLogger(__name__)

TEMPLATE = "pdf/application_form.html"
STYLESHEETS = ("pdf/base.css", "pdf/application_form.css")
PHOTO_BOX_PX = (400, 560)  # ≈ 28 × 40 mm at 360 dpi: sharp in print, small in the file
PDF_DIR = "forms"

# Fields printed on the form: part of the fingerprint of a stored PDF.
PRINTED_FIELDS = (
    "name", "gender", "birth_month", "education", "id_number", "employer_name", "current_occupation",
    "phone", "held_certificate", "held_certificate_level", "held_certificate_issuer", "held_certificate_date",
    "level", "years_in_occupation", "work_history", "center_opinion", "center_opinion_date", "hr_opinion",
    "hr_opinion_date", "occupation_id", "center_id",
)


def _month(value) -> str:
    return f"{value.year}年{value.month}月" if value else ""


def _day(value) -> str:
    # The blank form prints "年 月 日(章)" with room to write the date by hand.
    return f"{value.year}年{value.month}月{value.day}日" if value else "年\u3000\u3000月\u3000\u3000日"


def _fit(text: str, capacity: int, *, line_break_cost: int = 0) -> str:
    """A smaller font for a value longer than its cell holds at the normal size: the form stays one
    page (what still does not fit is clipped by the stylesheet)."""
    text = text or ""
    length = len(text) + line_break_cost * text.count("\n")
    if length <= capacity:
        return ""
    if length <= capacity * 1.6:
        return "small"
    if length <= capacity * 2.4:
        return "xsmall"
    return "xxsmall"


def photo_data_uri(content: bytes | None) -> str:
    """The photo as a data: URL, shrunk to the box when larger (a 2 MB upload must not make a 2 MB page)."""
    if not content:
        return ""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(content)) as image:
            if image.format == "JPEG" and image.width <= PHOTO_BOX_PX[0] * 1.5 and image.mode in ("RGB", "L"):
                data = content  # WeasyPrint embeds a JPEG as is: no decoding, no re-encoding
            else:
                image.draft("RGB", PHOTO_BOX_PX)  # JPEG: decode at a reduced scale, much faster
                small = image.convert("RGB")
                small.thumbnail(PHOTO_BOX_PX)
                buffer = io.BytesIO()
                small.save(buffer, format="JPEG", quality=85)
                data = buffer.getvalue()
    except (UnidentifiedImageError, OSError, ValueError):
        logger.warning("Unreadable photo left out of the application form")
        return ""
    return "data:image/jpeg;base64," + base64.b64encode(data).decode("ascii")


def later_filled(applications: list[Application]) -> dict[int, dict]:
    values: dict[int, dict] = {}
    saved = [a for a in applications if a.pk]
    # REG-1's cells filled later (鉴定成绩, 证书编号) come from later steps through an extension point.
    for filler in extensions.APPLICATION_FORM_CELLS.implementations:
        for pk, cells in (filler(saved) if saved else {}).items():
            values.setdefault(pk, {}).update(cells)
    return values


def form_context(application: Application, photo: bytes | None = None, later: dict | None = None) -> dict:
    """What one form prints, as display strings (the template stays free of logic)."""
    a = application
    issuer = " ".join(part for part in (a.held_certificate_issuer, _month(a.held_certificate_date)) if part)
    values = {
        "number": f"{a.pk:06d}" if a.pk else "",
        "center": a.center.name if a.center_id else "",
        "name": a.name,
        "gender": a.get_gender_display() if a.gender else "",
        "birth_month": _month(a.birth_month),
        "education": a.get_education_display() if a.education else "",
        "id_number": a.id_number,
        "employer": a.employer_name,
        "current_occupation": a.current_occupation,
        "phone": a.phone,
        "held_certificate": a.held_certificate,
        "held_certificate_level": Level.short_label(a.held_certificate_level) if a.held_certificate_level else "",
        "held_certificate_issuer": issuer,
        "occupation": a.occupation.name if a.occupation_id else "",
        "level": Level.short_label(a.level) if a.level else "",
        "years_in_occupation": f"{a.years_in_occupation}年" if a.years_in_occupation is not None else "",
        "work_history": (a.work_history or "").strip(),
        # Filled later by the exams and certificates apps (extensions.APPLICATION_FORM_CELLS), empty until then.
        "theory_score": "", "skill_score": "", "review_score": "", "certificate_number": "",
        "center_opinion": a.center_opinion,
        "center_opinion_date": _day(a.center_opinion_date),
        "hr_opinion": a.hr_opinion,
        "hr_opinion_date": _day(a.hr_opinion_date),
        "photo": photo_data_uri(photo),
    }
    values.update(later or {})
    values["fit"] = {
        "name": _fit(values["name"], 10),
        "employer": _fit(values["employer"], 36),
        "current_occupation": _fit(values["current_occupation"], 10),
        "held_certificate": _fit(values["held_certificate"], 14),
        "held_certificate_issuer": _fit(issuer, 28),
        "occupation": _fit(values["occupation"], 14),
        # A line break costs the rest of its line: count it as 30 characters.
        "work_history": _fit(values["work_history"], 520, line_break_cost=30),
        "center_opinion": _fit(a.center_opinion, 100),
        "hr_opinion": _fit(a.hr_opinion, 70),
    }
    return values


def photo_materials(applications: list[Application]) -> dict[int, Material]:
    """The photo Material of each saved application, in one query."""
    ids = [a.pk for a in applications if a.pk]
    if not ids:
        return {}
    photos = Material.objects.filter(application_id__in=ids, kind=MaterialKind.PHOTO).only(
        "id", "application_id", "kind", "file", "sha256"
    )
    return {m.application_id: m for m in photos}


def read_file(material: Material | None) -> bytes | None:
    if material is None:
        return None
    try:
        with material.file.open("rb") as handle:
            return handle.read()
    except OSError:
        logger.warning("Photo file of material %s is missing", material.pk)
        return None


def render_application_forms(applications: Iterable[Application], *, photos: Mapping | None = None) -> bytes:
    """Many forms as ONE PDF, one A4 page each, in a single WeasyPrint render. `photos` maps an
    application (by pk) to the photo's bytes; by default the uploaded photos are loaded in one query."""
    applications = list(applications)
    if not applications:
        raise ValueError("no application to print")
    if photos is None:
        materials = photo_materials(applications)
        photos = {pk: read_file(m) for pk, m in materials.items()}
    later = later_filled(applications)
    forms = [form_context(a, photos.get(a.pk), later.get(a.pk)) for a in applications]
    html = render_to_string(TEMPLATE, {"forms": forms})
    return render_pdf(html, stylesheets=STYLESHEETS)


def render_application_pdf(application: Application, *, photo: bytes | None = None) -> bytes:
    """One 申报表 as PDF bytes, with the uploaded photo when there is one."""
    if photo is None and application.pk:
        photo = read_file(photo_of(application))
    return render_application_forms([application], photos={application.pk: photo})


def photo_of(application: Application) -> Material | None:
    # Uses the prefetched materials when the caller has them (selectors.application_for does).
    return next((m for m in application.materials.all() if m.kind == MaterialKind.PHOTO), None)


@functools.cache
def _template_version() -> str:
    """A change of the template or its stylesheets makes every stored PDF out of date."""
    source = "".join(template_css(name) for name in (TEMPLATE, *STYLESHEETS))
    return hashlib.sha256(source.encode()).hexdigest()[:12]


def pdf_name(application: Application, photo: Material | None, later: dict | None = None) -> str:
    """The storage name of the PDF of this exact content: forms/application-<pk>-<fingerprint>.pdf."""
    printed = {field: getattr(application, field) for field in PRINTED_FIELDS}
    printed["later"] = later if later is not None else later_filled([application]).get(application.pk, {})
    printed["photo"] = photo.sha256 if photo else ""
    printed["template"] = _template_version()
    digest = hashlib.sha256(json.dumps(printed, sort_keys=True, default=str).encode()).hexdigest()[:16]
    return f"{PDF_DIR}/application-{application.pk}-{digest}.pdf"


def join_pdfs(documents: Iterable[bytes]) -> bytes:
    """Pages of several PDFs as one PDF, without laying anything out again."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for document in documents:
        writer.append(io.BytesIO(document))
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()

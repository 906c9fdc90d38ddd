"""Files for download, each only for those who may read it (ORG-8): an uploaded material, one
申报表 PDF (REG-1), and the batch print of the review queue for staff."""

from __future__ import annotations

import io

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from appraisal.idnumbers import sees_full_id_numbers
from appraisal.models import PersonalDataKind, Role
from appraisal.services import record_personal_data_access
from registration import selectors
from registration.forms.review import QueueFilterForm
from registration.materials import CONTENT_TYPES, photo_thumbnail
from registration.models import Application, MaterialKind
from registration.services import forms_pdf
from registration.views.common import (
    application_or_404,
    material_or_404,
)

BATCH_LIMIT = 1000
EXTENSIONS_BY_TYPE = {value: key for key, value in CONTENT_TYPES.items()}  # image/jpeg -> jpeg


def _pdf_response(stream, filename):
    response = FileResponse(stream, content_type="application/pdf", filename=filename)
    # Personal data: never kept by a shared cache or the browser's disk cache.
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def application_pdf(request, pk):
    """The stored PDF when it is up to date, else rendered now (and stored). 404 when not visible.
    The form prints the full ID number: the candidate's own, or center staff and province
    administrators in scope; examiners and HR officials get 403."""
    if request.user.role != Role.CANDIDATE and not sees_full_id_numbers(request.user):
        raise PermissionDenied(_("申报表载有完整身份证号，仅限考生本人和鉴定机构工作人员下载。"))
    application = application_or_404(request.user, pk)
    name = forms_pdf.ensure_application_pdf(application)
    if request.user.pk != application.candidate_id:
        record_personal_data_access(user=request.user, kind=PersonalDataKind.APPLICATION_FORM,
                                    application_ids=[application.pk], request=request)
    storage = Application._meta.get_field("form_pdf").storage
    return _pdf_response(storage.open(name, "rb"), f"申报表-{application.name}-{application.pk}.pdf")


def _batch_error(request, message, status):
    return render(request, "registration/pdf_error.html", {"message": message}, status=status)


@login_required
@require_GET
def batch_pdf(request):
    """Staff print the forms of their review queue, filtered as the queue is, as one PDF. Center
    staff and province administrators only: the forms print full ID numbers."""
    if not sees_full_id_numbers(request.user):
        raise PermissionDenied(_("只有鉴定机构工作人员可以批量打印申报表。"))
    # The queue's own filter form: the link on the queue page prints exactly what the clerk sees.
    form = QueueFilterForm(request.GET, user=request.user, applications=selectors.applications_for(request.user))
    if not form.is_valid():
        problems = "；".join(f"{form.fields[name].label}：{' '.join(errors)}" for name, errors in form.errors.items())
        return _batch_error(request, _("筛选条件有误：%(problems)s") % {"problems": problems}, 400)
    filters = form.filters()
    applications = list(selectors.review_queue(request.user, **filters)[: BATCH_LIMIT + 1])
    if not applications:
        return _batch_error(request, _("没有符合筛选条件的申报，无可打印的申报表。"), 404)
    if len(applications) > BATCH_LIMIT:
        total = selectors.review_queue(request.user, **filters).count()
        return _batch_error(
            request,
            _("符合条件的申报共 %(total)d 份，超过单次打印上限 %(limit)d 份。请增加筛选条件（如职业、等级、鉴定日）后分批打印。")
            % {"total": total, "limit": BATCH_LIMIT},
            400,
        )
    content = forms_pdf.print_application_forms(applications)
    record_personal_data_access(user=request.user, kind=PersonalDataKind.APPLICATION_FORMS_BATCH,
                                application_ids=[a.pk for a in applications], request=request)
    filename = f"申报表-批量-{timezone.localdate():%Y%m%d}-{len(applications)}份.pdf"
    return _pdf_response(io.BytesIO(content), filename)


# --- The permission-checked file viewer -----------------------------------------------------


def _readable_material(request, pk, kind=None):
    """The material if this user may open it: the candidate's own, or staff who see full ID numbers
    within their scope (404 otherwise, so a guessed number reveals nothing); staff reads are logged."""
    if request.user.role != Role.CANDIDATE and not sees_full_id_numbers(request.user):
        raise Http404(_("文件不存在或您无权查看。"))
    material = material_or_404(request.user, pk)
    if kind is not None and material.kind != kind:
        raise Http404(_("文件不存在或您无权查看。"))
    if request.user.role != Role.CANDIDATE:
        record_personal_data_access(user=request.user, kind=PersonalDataKind.MATERIAL_FILE,
                                    application_ids=[material.application_id], request=request)
    return material


@login_required
@require_GET
def photo_thumbnail_file(request, pk):
    """The photo as a small JPEG for the application page, to the same people as the file itself;
    addressed by the material's number, never by an ID number."""
    material = _readable_material(request, pk, kind=MaterialKind.PHOTO)
    with material.file.open("rb") as stored:
        content = photo_thumbnail(stored)
    response = HttpResponse(content, content_type="image/jpeg")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def material_file(request, pk):
    """An uploaded file, only for the candidate themself and for center staff and province
    administrators who may see its application (404 otherwise, so a guessed number reveals nothing;
    examiners and HR officials never open ID-card copies or other files); shown inline, never
    sniffed, never cached by shared caches."""
    material = _readable_material(request, pk)
    extension = EXTENSIONS_BY_TYPE.get(material.content_type, "bin")
    response = FileResponse(
        material.file.open("rb"), content_type=material.content_type, as_attachment=False,
        filename=f"{material.kind}.{extension}",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response

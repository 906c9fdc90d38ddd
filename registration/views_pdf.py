"""申报表 PDF downloads (REG-1): one form for its candidate or staff in scope, and batch printing
of the review queue for staff. Scope comes from the selectors only (ORG-8)."""

import io

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from appraisal.idnumbers import sees_full_id_numbers
from appraisal.models import Role
from registration import selectors
from registration.forms_staff import QueueFilterForm
from registration.models import Application
from registration.pdf import ensure_application_pdf, print_application_forms

BATCH_LIMIT = 1000


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
    application = selectors.application_for(request.user, pk)
    name = ensure_application_pdf(application)
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
    content = print_application_forms(applications)
    filename = f"申报表-批量-{timezone.localdate():%Y%m%d}-{len(applications)}份.pdf"
    return _pdf_response(io.BytesIO(content), filename)

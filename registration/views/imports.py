"""The bulk import page (REG-3): the template and the upload. Every rule is in
registration.services.imports."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from appraisal.errors import add_service_errors
from appraisal.gates import CLERKS, role_required
from appraisal.jobs import start_job
from registration import import_sheet, jobs
from registration.forms.imports import ImportForm
from registration.views.common import (
    xlsx_response,
)

# --- Import (REG-3) ---------------------------------------------------------------------------

CLERK_FEATURE_REFUSAL = gettext_lazy("此功能仅限鉴定机构工作人员使用。")


@role_required(CLERKS, message=CLERK_FEATURE_REFUSAL)
def import_template(request):
    return xlsx_response(import_sheet.build_template(), _("考生批量导入模板.xlsx"))


@role_required(CLERKS, message=CLERK_FEATURE_REFUSAL)
def import_upload(request):
    """The upload: the choices and the file are checked at once (a file that is no .xlsx is refused
    here), the rows in a background job whose page shows the progress, then the report."""
    form = ImportForm(request.POST or None, request.FILES or None, staff=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            import_sheet.check_workbook(data["file"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            job = start_job(kind=jobs.BULK_IMPORT, owner=request.user, upload=data["file"], params=jobs.import_params(
                occupation=data["occupation"], level=data["level"], target_key=data["target"],
                only_good_rows=data["only_good_rows"], file_name=data["file"].name,
            ))
            return redirect("job_detail", pk=job.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "registration/bulk/import.html", {"form": form}, status=status)

"""The bulk import page (REG-3): the template and the upload. Every rule is in
registration.services.imports."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import render
from django.utils.translation import gettext_lazy

from appraisal.errors import add_service_errors
from appraisal.gates import CLERKS, role_required
from registration import import_sheet
from registration.forms.imports import ImportForm
from registration.services import imports
from registration.views.common import (
    xlsx_response,
)

# --- Import (REG-3) ---------------------------------------------------------------------------

CLERK_FEATURE_REFUSAL = gettext_lazy("此功能仅限鉴定机构工作人员使用。")


@role_required(CLERKS, message=CLERK_FEATURE_REFUSAL)
def import_template(request):
    return xlsx_response(import_sheet.build_template(), "考生批量导入模板.xlsx")


@role_required(CLERKS, message=CLERK_FEATURE_REFUSAL)
def import_upload(request):
    result = None
    form = ImportForm(request.POST or None, request.FILES or None, staff=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = imports.import_file(
                data["file"], staff=request.user, occupation=data["occupation"], level=data["level"],
                target=data["appraisal"], only_good_rows=data["only_good_rows"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            if result.saved:
                messages.success(request, f"已导入 {result.imported} 名考生的申报草稿。")
    status = 400 if request.method == "POST" and (form.errors or (result and not result.saved)) else 200
    return render(request, "registration/bulk/import.html", {"form": form, "result": result}, status=status)

"""Excel exports (REG-3, REG-4): the registration report and the retake summary."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from registration import exports, selectors
from registration.views.common import (
    xlsx_response,
)

# --- Exports (REG-3, REG-4) -------------------------------------------------------------------


@login_required
def export_index(request):
    exports.require_exporter(request.user)
    context = exports.export_choices(request.user)
    context["full_ids"] = exports.shows_full_id(request.user)
    return render(request, "registration/bulk/exports.html", context)


@login_required
def export_report(request, kind, pk):
    exports.require_exporter(request.user)
    if kind == "day":
        target = get_object_or_404(selectors.scheduled_days(), pk=pk)
        name = f"报名数据_{target.center.name}_{target.day:%Y%m%d}.xlsx"
    elif kind == "unified":
        target = get_object_or_404(selectors.unified_appraisals(), pk=pk)
        name = f"报名数据_{target.year}年{target.get_half_display()}统一鉴定.xlsx"
    else:
        raise Http404("未知的鉴定类型。")
    return xlsx_response(exports.registration_report(request.user, target, request=request), name)


@login_required
def export_retake(request, pk):
    exports.require_exporter(request.user)
    retake_day = get_object_or_404(selectors.retake_days(), pk=pk)
    return xlsx_response(exports.retake_summary(request.user, retake_day, request=request), f"补考人员汇总表_{retake_day.day:%Y%m%d}.xlsx")

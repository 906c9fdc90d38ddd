"""Pages of the bulk area: import of candidates from .xlsx (REG-3), Excel exports (REG-3, REG-4) and
extra appraisal sessions (CAL-6). Thin: every rule is in importing.py, exports.py, extra_sessions.py."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from appraisal.models import RetakeDay, Role, ScheduledAppraisalDay, UnifiedAppraisal
from registration import exports, extra_sessions, importing
from registration.forms_bulk import ExtraSessionDecisionForm, ExtraSessionRequestForm, ImportForm


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=exports.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response


def _require_manager_role(user):
    if user.role not in (Role.CENTER_STAFF, Role.PROVINCE_ADMIN):
        raise PermissionDenied("此功能仅限鉴定机构工作人员使用。")


def _add_errors(form, exc: ValidationError):
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


# --- Import (REG-3) ---------------------------------------------------------------------------


@login_required
def import_template(request):
    _require_manager_role(request.user)
    return _xlsx(importing.build_template(), "考生批量导入模板.xlsx")


@login_required
def import_upload(request):
    _require_manager_role(request.user)
    result = None
    form = ImportForm(request.POST or None, request.FILES or None, staff=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = importing.import_file(
                data["file"], staff=request.user, occupation=data["occupation"], level=data["level"],
                target=data["appraisal"], only_good_rows=data["only_good_rows"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            if result.saved:
                messages.success(request, f"已导入 {result.imported} 名考生的申报草稿。")
    status = 400 if request.method == "POST" and (form.errors or (result and not result.saved)) else 200
    return render(request, "registration/bulk/import.html", {"form": form, "result": result}, status=status)


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
        target = get_object_or_404(ScheduledAppraisalDay.objects.select_related("center"), pk=pk)
        name = f"报名数据_{target.center.name}_{target.day:%Y%m%d}.xlsx"
    elif kind == "unified":
        target = get_object_or_404(UnifiedAppraisal, pk=pk)
        name = f"报名数据_{target.year}年{target.get_half_display()}统一鉴定.xlsx"
    else:
        raise Http404("未知的鉴定类型。")
    return _xlsx(exports.registration_report(request.user, target), name)


@login_required
def export_retake(request, pk):
    exports.require_exporter(request.user)
    retake_day = get_object_or_404(RetakeDay, pk=pk)
    return _xlsx(exports.retake_summary(request.user, retake_day), f"补考人员汇总表_{retake_day.day:%Y%m%d}.xlsx")


# --- Extra sessions (CAL-6) -------------------------------------------------------------------


@login_required
def extra_session_list(request):
    _require_manager_role(request.user)
    form = ExtraSessionRequestForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            extra_sessions.request_extra_session(actor=request.user, **data)
        except ValidationError as exc:
            _add_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "增加鉴定场次申请已提交，等待上级审批。")
            return redirect("registration:extra_sessions")
    return render(
        request,
        "registration/bulk/extra_sessions.html",
        {"form": form, "requests": extra_sessions.requests_for(request.user)[:200],
         "pending_count": extra_sessions.pending_for_decision(request.user).count(),
         "today": timezone.localdate()},
        status=400 if form.errors else 200,
    )


@login_required
def extra_session_pending(request):
    _require_manager_role(request.user)
    return render(
        request,
        "registration/bulk/extra_pending.html",
        {"requests": extra_sessions.with_registration_deadlines(extra_sessions.pending_for_decision(request.user)),
         "form": ExtraSessionDecisionForm()},
    )


@login_required
@require_POST
def extra_session_decide(request, pk):
    _require_manager_role(request.user)
    # Visible to the decider (upper level) only; anyone else learns nothing about the request.
    item = get_object_or_404(extra_sessions.requests_for(request.user).select_related("center__parent"), pk=pk)
    if not extra_sessions.can_decide(request.user, item):
        raise PermissionDenied("增加鉴定场次须由申请机构的上级鉴定机构审批。")
    form = ExtraSessionDecisionForm(request.POST)
    if form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        try:
            extra_sessions.decide_extra_session(
                item, approve=approve, reason=form.cleaned_data["reason"], actor=request.user
            )
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(
                request,
                f"已批准{item.center.name} {item.day:%Y-%m-%d} 增加鉴定场次，已列入定期鉴定日"
                f"（仅受理{item.occupation.name}）。"
                if approve else f"已不予批准{item.center.name}的增加场次申请。",
            )
    else:
        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
    return redirect("registration:extra_sessions_pending")

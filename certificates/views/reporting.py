"""Each center's reporting board (CERT-1): what it must still send up, what it sent and what became
of it, what it received to accept or return; and the province's national exchange files."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from appraisal import authority
from appraisal.errors import messages_of, report_outcome
from appraisal.forms import posted_ids
from appraisal.gates import CLERKS, role_required
from certificates import selectors, services
from certificates.forms import ReasonForm
from certificates.models import ReportState

CLERKS_ONLY = gettext_lazy("此页面仅供鉴定机构工作人员使用。")
SHOWN = 200


@role_required(CLERKS, CLERKS_ONLY)
def board(request):
    center = request.user.center
    if center is None:
        raise PermissionDenied(_("您不属于任何鉴定机构。"))
    reports = selectors.reports_for(request.user)
    unreported = services.unreported(center)
    return render(request, "certificates/reports/board.html", {
        "unreported": unreported[:SHOWN], "unreported_count": unreported.count(),
        "corrections": services.unreported_corrections(center)[:SHOWN],
        "incoming": reports.filter(receiver=center, state=ReportState.SENT).order_by("sent_at"),
        "sent": reports.filter(sender=center).order_by("-sent_at")[:50],
    })


def _run(request, action, success):
    try:
        result = action()
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, messages_of(exc) if isinstance(exc, ValidationError) else str(exc))
        return None
    messages.success(request, success(result))
    return result


@role_required(CLERKS, CLERKS_ONLY)
@require_POST
def send(request):
    ids = posted_ids(request.POST.getlist("certificate"))
    report = _run(request, lambda: services.send_report(actor=request.user, certificate_ids=ids),
                  lambda r: _("已上报 %(n)d 张证书（批次 %(batch)s），等待%(receiver)s接收。") % {
                      "n": len(ids), "batch": r.identifier, "receiver": r.receiver.name})
    return redirect("certificates:report", pk=report.pk) if report else redirect("certificates:reports")


@role_required(CLERKS, CLERKS_ONLY)
@require_POST
def send_corrections(request):
    ids = posted_ids(request.POST.getlist("correction"))
    report = _run(request, lambda: services.send_corrections(actor=request.user, correction_ids=ids),
                  lambda r: _("已上报 %(n)d 项更正（批次 %(batch)s）。") % {"n": len(ids), "batch": r.identifier})
    return redirect("certificates:report", pk=report.pk) if report else redirect("certificates:reports")


@role_required(CLERKS, CLERKS_ONLY)
def report(request, pk):
    report = get_object_or_404(selectors.reports_for(request.user), pk=pk)
    return render(request, "certificates/reports/report.html", {
        "report": report, "items": selectors.report_items(report), "reason_form": ReasonForm(),
        "may_decide": report.state == ReportState.SENT and report.receiver_id == request.user.center_id,
    })


@role_required(CLERKS, CLERKS_ONLY)
@require_POST
def decide(request, pk):
    report = get_object_or_404(selectors.reports_for(request.user), pk=pk)
    if request.POST.get("decision") == "accept":
        report_outcome(request, lambda: services.accept_report(report=report, actor=request.user),
                       _("已接收。") if report.receiver.parent_id is None else _("已接收，数据将自动转报上一级。"))
    else:
        report_outcome(request, lambda: services.return_report(report=report, actor=request.user,
                                                               reason=request.POST.get("reason", "")),
                       _("已退回，上报机构将看到退回原因。"))
    return redirect("certificates:report", pk=pk)


# --- The province's national exchange --------------------------------------------------------------


def _province_only(request):
    if not authority.is_province_staff(request.user):
        raise PermissionDenied(_("全国数据交换仅限省职业技能鉴定中心。"))


@role_required(CLERKS, CLERKS_ONLY)
def exchange(request):
    _province_only(request)
    if request.method == "POST":
        report_outcome(request, lambda: services.export_increment(actor=request.user),
                       lambda e: _("已生成增量文件：%(rows)d 条记录（游标 %(first)d–%(last)d）。") % {
                           "rows": e.rows, "first": e.after_cursor + 1, "last": e.last_cursor})
        return redirect("certificates:exchange")
    exports = selectors.national_exports()
    last = exports.first()
    return render(request, "certificates/reports/exchange.html", {
        "exports": exports[:50], "format": services.EXCHANGE_FORMAT,
        "new_records": selectors.published_count_after(last.last_cursor if last else 0),
    })


@role_required(CLERKS, CLERKS_ONLY)
def exchange_file(request, pk):
    _province_only(request)
    export = get_object_or_404(selectors.national_exports(), pk=pk)
    response = FileResponse(export.file.open("rb"), as_attachment=True, filename=export.manifest["file"],
                             content_type="text/csv; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    return response

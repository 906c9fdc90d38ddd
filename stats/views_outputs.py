"""The quarter's outputs (STAT-1): the Excel workbook (a background job: its detail sheet can hold
hundreds of thousands of rows), the 统计分析报告 PDF of the live quarter and of a frozen version.
Thin: the center is found as the quarter page finds it (`selectors.center_for`, so another
center's figures are a 404), the quarter is checked by the selectors (a bad one is the page's 400),
and everything else is in stats/analysis.py, stats/exports.py, stats/pdf.py and stats/jobs.py."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.encoding import escape_uri_path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from appraisal.errors import messages_of
from appraisal.gates import role_required
from appraisal.jobs import start_job
from appraisal.models import Center, CenterKind
from stats import analysis, jobs, selectors
from stats import pdf as stats_pdf
from stats.models import QuarterReport

READERS_ONLY = gettext_lazy("统计数据仅供鉴定机构和人社部门工作人员查看。")


def _center(user, pk) -> Center:
    try:
        return selectors.center_for(user, pk)
    except Center.DoesNotExist:
        raise Http404(_("鉴定机构不存在或您无权查看其统计数据。")) from None


def report_text(center, year: int, quarter: int, figures: dict) -> str:
    """The report's draft for the live quarter: written from the figures of this quarter, the
    previous one, the same quarter last year (when the system holds them) and the province's
    (the yardstick for pass rates)."""
    first = selectors.first_quarter()

    def figures_of(y, q):
        return selectors.quarter_figures(center, y, q) if (y, q) >= first else None

    if center.kind == CenterKind.PROVINCE:
        province = figures
    else:
        province = selectors.quarter_figures(selectors.province_center(), year, quarter)
    return analysis.draft(figures, previous=figures_of(*analysis.previous_quarter(year, quarter)),
                          year_ago=figures_of(year - 1, quarter), province=province)


def _pdf_response(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{escape_uri_path(name)}"
    return response


def _bad_quarter(request, exc):
    return render(request, "stats/bad_request.html", {"message": messages_of(exc)}, status=400)


@role_required(selectors.READERS, READERS_ONLY)
@require_POST
def workbook(request, center, year, quarter):
    center = _center(request.user, center)
    try:
        year, quarter = selectors.check_quarter(year, quarter)
    except ValidationError as exc:
        return _bad_quarter(request, exc)
    job = start_job(kind=jobs.QUARTER_WORKBOOK, owner=request.user,
                    params=jobs.workbook_params(center, year, quarter))
    return redirect("job_detail", pk=job.pk)


@role_required(selectors.READERS, READERS_ONLY)
def report_pdf(request, center, year, quarter):
    """The live quarter's report: the text saved on the quarter's draft, else the written draft."""
    center = _center(request.user, center)
    try:
        year, quarter = selectors.check_quarter(year, quarter)
    except ValidationError as exc:
        return _bad_quarter(request, exc)
    figures = selectors.quarter_figures(center, year, quarter)
    saved = selectors.report_of(center, year, quarter)
    text = (saved.report_text if saved else "") or report_text(center, year, quarter, figures)
    return _pdf_response(stats_pdf.report_pdf(figures, text), stats_pdf.file_name(figures))


@role_required(selectors.READERS, READERS_ONLY)
def version_pdf(request, pk, number):
    """A submitted version as it was submitted: its frozen figures and report."""
    try:
        report = selectors.report_for(request.user, pk)
    except QuarterReport.DoesNotExist:
        raise Http404(_("季度统计不存在或您无权查看。")) from None
    frozen = report.versions.filter(number=number).first()
    if frozen is None:
        raise Http404(_("该版本不存在。"))
    content = stats_pdf.report_pdf(frozen.figures, frozen.report_text, version=_("第%(n)d版") % {"n": frozen.number})
    return _pdf_response(content, stats_pdf.file_name(frozen.figures).replace(".pdf", "_" + _("第%(n)d版") % {"n": frozen.number} + ".pdf"))

"""The quarter's outputs (STAT-1): the Excel workbook (a background job: its detail sheet can hold
hundreds of thousands of rows) and the 统计分析报告 PDF. Thin: the center is found through the
authority engine (another center's figures are a 404), the quarter is checked by the selectors,
and everything else is in stats/exports.py, stats/pdf.py and stats/jobs.py."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.encoding import escape_uri_path
from django.views.decorators.http import require_POST

from appraisal import authority
from appraisal.gates import CLERKS, HR_OFFICIALS, role_required
from appraisal.jobs import start_job
from appraisal.models import Center
from stats import analysis, jobs
from stats import pdf as stats_pdf

STATS_ROLES = CLERKS | HR_OFFICIALS
STATS_ONLY = "统计数据仅供鉴定机构和人社部门工作人员查看。"


def _center(user, pk) -> Center:
    center = Center.objects.filter(pk=pk).select_related("parent").first()
    if center is None or not authority.can_see_center(user, center):
        raise Http404("鉴定机构不存在或您无权查看其统计数据。")
    return center


def _quarter(year, quarter):
    from stats.selectors import check_quarter

    try:
        return check_quarter(year, quarter)
    except ValidationError as exc:
        raise Http404(" ".join(exc.messages)) from exc


def report_text(center, year: int, quarter: int, figures: dict) -> str:
    """The report as it stands: the draft written from the figures of this quarter, the previous
    one, the same quarter last year and the province's (the yardstick for pass rates)."""
    from stats.selectors import first_quarter, quarter_figures

    def figures_of(y, q):
        return quarter_figures(center, y, q) if (y, q) >= first_quarter() else None

    province = Center.objects.filter(parent__isnull=True).first()
    return analysis.draft(
        figures, previous=figures_of(*analysis.previous_quarter(year, quarter)), year_ago=figures_of(year - 1, quarter),
        province=quarter_figures(province, year, quarter) if province and province.pk != center.pk else figures)


@role_required(STATS_ROLES, STATS_ONLY)
@require_POST
def workbook(request, center, year, quarter):
    center = _center(request.user, center)
    year, quarter = _quarter(year, quarter)
    job = start_job(kind=jobs.QUARTER_WORKBOOK, owner=request.user,
                    params=jobs.workbook_params(center, year, quarter))
    return redirect("job_detail", pk=job.pk)


@role_required(STATS_ROLES, STATS_ONLY)
def report_pdf(request, center, year, quarter):
    from stats.selectors import quarter_figures

    center = _center(request.user, center)
    year, quarter = _quarter(year, quarter)
    figures = quarter_figures(center, year, quarter)
    content = stats_pdf.report_pdf(figures, report_text(center, year, quarter, figures))
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{escape_uri_path(stats_pdf.file_name(figures))}"
    return response

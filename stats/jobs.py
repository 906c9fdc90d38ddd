"""The quarter's workbook as a background job (appraisal/jobs.py runs it): with its detail sheet it
can hold hundreds of thousands of rows, so it never runs in the request. The runner finds the
center again and re-checks that the owner may see it when it runs (`selectors.center_for`, the authority engine), then
computes the figures and streams the workbook (stats/exports.py)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from appraisal.extensions import JobKind
from appraisal.models import Center
from stats import exports

QUARTER_WORKBOOK = "stats.quarter_workbook"


def workbook_params(center, year: int, quarter: int) -> dict:
    return {"center": center.pk, "year": int(year), "quarter": int(quarter)}


def run_quarter_workbook(job, progress) -> dict:
    from stats import selectors

    params = job.params
    if not Center.objects.filter(pk=params["center"]).exists():
        raise ValidationError(_("要导出的鉴定机构已不存在，未生成文件。"))
    try:
        center = selectors.center_for(job.owner, params["center"])
    except Center.DoesNotExist:
        raise PermissionDenied(_("您无权查看该机构的统计数据。")) from None
    year, quarter = selectors.check_quarter(params["year"], params["quarter"])
    figures = selectors.quarter_figures(center, year, quarter)
    total = figures["totals"]["applied"]
    content = exports.quarter_workbook(figures, details=exports.detail_rows(center, year, quarter),
                                       detail_count=total, progress=progress)
    progress(total, total)
    return {"file": (exports.file_name(figures), content)}


KIND = JobKind(name=QUARTER_WORKBOOK, title="导出季度统计表（Excel）", run=run_quarter_workbook,
               result_template="", back_url_name="home")

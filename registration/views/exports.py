"""Excel exports (REG-3, REG-4): the registration report and the retake summary. Asking for one
starts a background job (registration/jobs.py) and opens its page, which shows the progress, then
the file to download."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from appraisal.jobs import start_job
from appraisal.services import access_origin
from registration import exports, jobs, selectors

# --- Exports (REG-3, REG-4) -------------------------------------------------------------------


@login_required
def export_index(request):
    exports.require_exporter(request.user)
    context = exports.export_choices(request.user)
    context["full_ids"] = exports.shows_full_id(request.user)
    return render(request, "registration/bulk/exports.html", context)


@login_required
@require_POST
def export_report(request, kind, pk):
    exports.require_exporter(request.user)
    target = selectors.report_target(kind, pk)
    if target is None:
        raise Http404(_("鉴定场次不存在。"))
    job = start_job(kind=jobs.REGISTRATION_REPORT, owner=request.user,
                    params=jobs.report_params(kind, target, origin=access_origin(request)))
    return redirect("job_detail", pk=job.pk)


@login_required
@require_POST
def export_retake(request, pk):
    exports.require_exporter(request.user)
    retake_day = get_object_or_404(selectors.retake_days(), pk=pk)
    job = start_job(kind=jobs.RETAKE_SUMMARY, owner=request.user,
                    params=jobs.retake_params(retake_day, origin=access_origin(request)))
    return redirect("job_detail", pk=job.pk)

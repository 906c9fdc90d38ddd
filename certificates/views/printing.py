"""The printing center's pages (CERT-2): its queue, its batches, confirming what came out."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from appraisal import jobs
from appraisal.errors import add_service_errors, messages_of, report_outcome
from appraisal.forms import posted_ids
from appraisal.gates import CLERKS, role_required
from appraisal.services import access_origin
from certificates import selectors, services
from certificates.forms import ConfirmBatchForm, PrintQueueFilterForm
from certificates.models import BatchStatus

CLERKS_ONLY = gettext_lazy("此页面仅供鉴定机构工作人员使用。")
QUEUE_PAGE_SIZE = 200


@role_required(CLERKS, CLERKS_ONLY)
def print_queue(request):
    queue = selectors.print_queue(request.user)
    form = PrintQueueFilterForm(request.GET or None, queue=queue)
    if form.is_bound and form.is_valid():
        queue = form.filter(queue)
    page = Paginator(queue, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "certificates/print_queue.html", {
        "form": form, "page": page, "query": query.urlencode(),
        "open_batches": selectors.print_batches_for(request.user).filter(status=BatchStatus.OPEN),
    })


@role_required(CLERKS, CLERKS_ONLY)
@require_POST
def batch_create(request):
    ids = posted_ids(request.POST.getlist("certificate"))
    try:
        batch = services.create_print_batch(actor=request.user, certificate_ids=ids, origin=access_origin(request))
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, messages_of(exc) if isinstance(exc, ValidationError) else str(exc))
        return redirect("certificates:print_queue")
    messages.success(request, _("已生成打印批次（%(n)d 张），正在排版，完成后可下载PDF。") % {"n": len(ids)})
    return redirect("certificates:batch", pk=batch.pk)


@role_required(CLERKS, CLERKS_ONLY)
def batches(request):
    page = Paginator(selectors.print_batches_for(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "certificates/batches.html", {"page": page})


@role_required(CLERKS, CLERKS_ONLY)
def batch(request, pk):
    batch = get_object_or_404(selectors.print_batches_for(request.user), pk=pk)
    form = ConfirmBatchForm(request.POST or None)
    items = list(selectors.batch_items(batch))
    if batch.job is not None:  # while it runs, the count its worker last reported (the row has 0)
        batch.job.done, batch.job.total = jobs.progress_of(batch.job)
    if request.method == "POST" and form.is_valid():
        spoiled = {pk: request.POST.get(f"reason_{pk}", "") for pk in posted_ids(request.POST.getlist("spoiled"))}
        try:
            counts = services.confirm_batch(batch=batch, actor=request.user,
                                            first_serial=form.cleaned_data["first_serial"], spoiled=spoiled)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            text = _("已确认：打印 %(n)d 张") % {"n": counts["printed"]}
            if counts["spoiled"] or counts["skipped"]:
                text += _("，作废 %(n)d 张（已回到打印队列或已撤销）") % {"n": counts["spoiled"] + counts["skipped"]}
            messages.success(request, text + "。")
            return redirect("certificates:batch", pk=batch.pk)
    status = 400 if form.errors else 200
    return render(request, "certificates/batch.html", {"batch": batch, "items": items, "form": form},
                  status=status)


@role_required(CLERKS, CLERKS_ONLY)
@require_POST
def batch_cancel(request, pk):
    batch = get_object_or_404(selectors.print_batches_for(request.user), pk=pk)
    report_outcome(request, lambda: services.cancel_batch(batch=batch, actor=request.user),
                   _("批次已取消，证书回到打印队列。"))
    return redirect("certificates:batch", pk=batch.pk)

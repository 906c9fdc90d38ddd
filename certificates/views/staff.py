"""Staff pages: issuing per session, the certificate list with hand-over, one certificate with its
history and actions (deliver, reissue, spoiled, revoke)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from appraisal import authority
from appraisal.errors import report_outcome
from appraisal.forms import posted_ids
from appraisal.gates import CLERKS, HR_OFFICIALS, role_required
from certificates import selectors, services
from certificates.forms import CertificateFilterForm, DeliverForm, ReasonForm, RevokeForm
from certificates.models import Certificate, State

STAFF_ONLY = gettext_lazy("此页面仅供鉴定机构和人社部门工作人员使用。")
CLERKS_ONLY = gettext_lazy("此操作仅限鉴定机构工作人员。")
PAGE_SIZE = 50


@role_required(CLERKS | HR_OFFICIALS, STAFF_ONLY)
def index(request):
    form = CertificateFilterForm(request.GET or None)
    certificates = selectors.overdue_for(request.user) if request.GET.get("overdue") else selectors.certificates_for(
        request.user)
    if form.is_bound and form.is_valid():
        certificates = form.filter(certificates)
    page = Paginator(certificates, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "certificates/index.html", {
        "form": form, "page": page, "query": query.urlencode(), "deliver_form": DeliverForm(),
        "may_deliver": request.user.role in CLERKS,
    })


@role_required(CLERKS | HR_OFFICIALS, STAFF_ONLY)
def detail(request, pk):
    certificate = get_object_or_404(selectors.certificates_for(request.user).select_related("application"), pk=pk)
    clerk = request.user.role in CLERKS
    return render(request, "certificates/detail.html", {
        "certificate": certificate,
        "history": selectors.certificate_history(certificate),
        "blanks": selectors.certificate_blanks(certificate),
        "may_hand_over": clerk and services.may_hand_over(request.user, certificate),
        "may_print": clerk and request.user.center_id == certificate.printing_center_id,
        "may_revoke": authority.is_province_staff(request.user) and certificate.state != State.REVOKED,
        "deliver_form": DeliverForm(), "reason_form": ReasonForm(), "revoke_form": RevokeForm(),
    })


def _certificate(request, pk) -> Certificate:
    return get_object_or_404(selectors.certificates_for(request.user), pk=pk)


def _form_or_message(request, form) -> bool:
    if form.is_valid():
        return True
    messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
    return False


@role_required(CLERKS, CLERKS_ONLY)
@require_POST
def deliver(request):
    """Hand over one certificate (its page) or the ones ticked on the list."""
    ids = request.POST.getlist("certificate")
    form = DeliverForm(request.POST)
    visible = selectors.certificates_for(request.user).filter(pk__in=posted_ids(ids))
    visible_ids = list(visible.values_list("pk", flat=True))
    if not visible_ids or len(visible_ids) != len(set(ids)):
        messages.error(request, _("请选择要发放的证书（证书不存在或不在您的管辖范围内）。"))
    elif _form_or_message(request, form):
        report_outcome(request, lambda: services.deliver(
            certificate_ids=visible_ids, actor=request.user, to_unit=form.cleaned_data["to_unit"],
            unit_name=form.cleaned_data["unit_name"], on=form.cleaned_data["on"]),
            lambda done: _("已登记发放 %(n)d 张证书。") % {"n": len(done)})
    if len(visible_ids) == 1 and request.POST.get("back") == "detail":
        return redirect("certificates:detail", pk=visible_ids[0])
    return redirect("certificates:index")


@role_required(CLERKS, CLERKS_ONLY)
@require_POST
def reissue(request, pk):
    certificate = _certificate(request, pk)
    form = ReasonForm(request.POST)
    if _form_or_message(request, form):
        report_outcome(request, lambda: services.request_reissue(certificate=certificate, actor=request.user,
                                                                 reason=form.cleaned_data["reason"]),
                       _("已申请补发：证书回到打印队列，编号不变。"))
    return redirect("certificates:detail", pk=pk)


@role_required(CLERKS, CLERKS_ONLY)
@require_POST
def spoiled(request, pk):
    certificate = _certificate(request, pk)
    form = ReasonForm(request.POST)
    if _form_or_message(request, form):
        report_outcome(request, lambda: services.record_spoiled(certificate=certificate, actor=request.user,
                                                                reason=form.cleaned_data["reason"]),
                       _("已登记作废证书空白件，证书回到打印队列，编号不变。"))
    return redirect("certificates:detail", pk=pk)


@role_required(CLERKS, CLERKS_ONLY)
@require_POST
def revoke(request, pk):
    certificate = _certificate(request, pk)
    form = RevokeForm(request.POST)
    if _form_or_message(request, form):
        report_outcome(request, lambda: services.revoke(certificate=certificate, actor=request.user,
                                                        reason=form.cleaned_data["reason"],
                                                        document=form.cleaned_data["document"]),
                       _("证书已撤销，永久失效，编号不再使用。"))
    return redirect("certificates:detail", pk=pk)


# --- Issuing per session ---------------------------------------------------------------------------


@role_required(CLERKS, CLERKS_ONLY)
def sessions(request):
    page = Paginator(selectors.sessions_to_certify(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "certificates/sessions.html", {"page": page})


@role_required(CLERKS, CLERKS_ONLY)
def session_issue(request, pk):
    session = get_object_or_404(selectors.sessions_to_certify(request.user), pk=pk)
    if request.method == "POST":
        posted = request.POST.getlist("application")
        chosen = posted_ids(posted)

        def issue():
            if posted:  # one row's button; the applications are those of this session only
                rows = selectors.session_applications(session).filter(pk__in=chosen)
                if not rows.exists():  # a forged or stale row: never fall back to the whole session
                    raise ValidationError(_("所选考生不在本场次中。"))
                return services.issue_certificates(rows, actor=request.user)
            return services.issue_for_session(session, actor=request.user)

        report_outcome(request, issue, _issued_message)
        return redirect("certificates:session_issue", pk=pk)
    rows = services.session_issue_rows(session)
    return render(request, "certificates/session_issue.html", {
        "session": session, "rows": rows, "eligible": sum(1 for r in rows if r.refusal is None and not r.certificate),
    })


def _issued_message(result) -> str:
    text = _("已核发 %(n)d 张证书。") % {"n": len(result.issued)}
    if result.refused:
        text += _("另有 %(n)d 人暂不能核发，原因见下表。") % {"n": len(result.refused)}
    return text

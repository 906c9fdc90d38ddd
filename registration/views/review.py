"""The staff's review (REG-1, REG-2, REG-5, FEE-1, ORG-8): the queue, one application's review
with its decisions, payment, materials, originals and the HR bureau's opinion.

Thin: reads come from registration.selectors (scoped by the authority engine), writes from
registration.services; nothing here decides who may see or do what."""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from appraisal import authority
from appraisal.decorators import post_or_back_to
from appraisal.errors import messages_of, report_outcome
from appraisal.gates import CLERKS, HR_OFFICIALS, STAFF, require_role, role_required
from appraisal.idnumbers import sees_full_id_numbers
from registration import selectors, services
from registration.forms.review import (
    AWAITING_OPINION,
    ApproveForm,
    BatchHrOpinionForm,
    HrOpinionForm,
    MaterialForm,
    PaymentForm,
    PhotoForm,
    QueueFilterForm,
    ReasonForm,
)
from registration.materials import TYPE_NAMES
from registration.models import MaterialKind, Status
from registration.services import opinions
from registration.views.common import (
    application_or_404,
    application_ref_or_404,
    no_store,
)
from registration.views.documents import BATCH_LIMIT, EXTENSIONS_BY_TYPE

PAGE_SIZE = 50
# Examiners and HR officials read the review too, but the page keeps the clerks' wording.
STAFF_PAGE_REFUSAL = gettext_lazy("此页面仅限鉴定机构工作人员使用。")
CHECK_LABELS = {
    "identity": gettext_lazy("身份核验"), "years": gettext_lazy("工作年限"), "lower_certificate": gettext_lazy("下一等级证书"),
    "title": gettext_lazy("专业技术职称"), "conditions": gettext_lazy("申报条件"), "materials": gettext_lazy("申报材料"),
    "years_since_certificate": gettext_lazy("取证后工作年限"), "retake": gettext_lazy("补考资格"),
}



# --- Review queue ---------------------------------------------------------------------------


def _materials_progress(rows):
    """Present vs required materials for a page of applications, in one query for the conditions."""
    pairs = {(a.occupation_id, a.level) for a in rows}
    conditions = defaultdict(list)
    if pairs:
        for condition in selectors.conditions_for_levels(pairs):
            conditions[(condition.occupation_level.occupation_id, condition.occupation_level.level)].append(condition)
    for application in rows:
        required = services.required_materials(application, conditions[(application.occupation_id, application.level)])
        present = {m.kind for m in application.materials.all()}
        application.materials_required = len(required)
        application.materials_present = len(present & set(required))


@role_required(STAFF, message=STAFF_PAGE_REFUSAL)
def review_queue(request):
    """REG-5: applications waiting for review in the user's scope (ORG-8), filtered and paginated."""
    applications = selectors.applications_for(request.user)
    form = QueueFilterForm(request.GET, user=request.user, applications=applications)
    if form.is_valid():
        queryset = selectors.review_queue(request.user, **form.filters())
    else:
        queryset = applications.none()
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    _materials_progress(page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    awaiting = form.is_valid() and form.cleaned_data.get("status", form.default_status) == AWAITING_OPINION
    batch = awaiting and opinions.can_write_hr_opinions(request.user) and page.object_list
    return render(request, "registration/staff/queue.html", {
        "batch_form": BatchHrOpinionForm(initial={"opinion_date": timezone.localdate()}) if batch else None,
        "form": form, "page": page, "query": query.urlencode(), "scope": authority.scope_description(request.user),
        "can_enter": request.user.role in CLERKS,
        # The forms print full ID numbers: only staff who may read them get the batch print.
        "can_print": sees_full_id_numbers(request.user) and 0 < page.paginator.count <= BATCH_LIMIT,
        "batch_limit": BATCH_LIMIT,
    })


# --- Review detail and decisions ------------------------------------------------------------


def _detail_context(request, application, **forms):
    user = request.user
    can_act = authority.can_manage_center(user, application.center)
    live = [{**r, "label": CHECK_LABELS.get(r["check"], r["check"])} for r in services.check_eligibility(application)]
    required = services.required_materials(application)
    present = {m.kind: m for m in application.materials.all()}
    materials = [
        {"kind": kind, "label": MaterialKind(kind).label, "material": present.get(kind), "required": kind in required,
         "original_check": kind in services.ORIGINAL_CHECK_KINDS,
         "type_name": TYPE_NAMES.get(EXTENSIONS_BY_TYPE.get(getattr(present.get(kind), "content_type", ""), ""), "")}
        for kind in [*required, *[k for k in present if k not in required]]
    ]
    return {
        "application": application,
        "can_act": can_act,
        # Examiners and HR officials read the review with a masked ID number and no files (ORG-8).
        "full_id": sees_full_id_numbers(user),
        "sees_files": sees_full_id_numbers(user),
        "can_pay": can_act and services.payment_can_change(application),
        "is_submitted": application.status == Status.SUBMITTED,
        "can_check_originals": services.originals_can_be_checked(application),
        "originals_unchecked": services.originals_unchecked(application),
        "live_checks": live,
        "live_ok": all(r["ok"] for r in live),
        "materials": materials,
        "transitions": application.transitions.all(),
        "payments": application.payments.all(),  # prefetched with their actors by the selector
        "approve_form": forms.get("approve_form") or ApproveForm(),
        "reject_form": forms.get("reject_form") or ReasonForm(prefix="reject"),
        "return_form": forms.get("return_form") or ReasonForm(prefix="return"),
        "material_form": forms.get("material_form") or MaterialForm(),
        "photo_form": PhotoForm(prefix="photo"),
        "editable": application.is_editable,
        "can_hr_opinion": opinions.can_record_hr_opinion(user, application),
        "hr_opinion_waits_for": (opinions.unpaid_reason(application)
                                 if opinions.may_give_hr_opinion(user, application) else None),
        "hr_opinion_form": HrOpinionForm(initial={"opinion": application.hr_opinion}, prefix="hr"),
    }


@login_required
@require_http_methods(["GET", "POST"])
@role_required(STAFF, message=STAFF_PAGE_REFUSAL)
def review_detail(request, pk):
    """One application's review; a POST with action=reset_password is the 重置考生密码 button."""
    application = application_or_404(request.user, pk)
    if request.method == "POST":
        if request.POST.get("action") != "reset_password":
            messages.error(request, _("未知的操作。"))
            return redirect("registration:review_detail", pk=pk)
        return _reset_password(request, application)
    return render(request, "registration/staff/detail.html", _detail_context(request, application))


def _reset_password(request, application):
    """重置考生密码: imported candidates have no password, others forget theirs. The new password is
    shown once on this response, never stored readable, never put in a URL or the session."""
    require_role(request.user, CLERKS)
    candidate = application.candidate
    password = services.reset_candidate_password(actor=request.user, candidate=candidate)  # 403 out of scope
    return no_store(render(request, "registration/staff/password_reset.html",
                            {"application": application, "candidate": candidate, "password": password}))


DECISIONS = {
    "approve": (gettext_lazy("审核通过"), services.approve_application),
    "reject": (gettext_lazy("审核不通过"), services.reject_application),
    "return": (gettext_lazy("退回修改"), services.return_application),
}


@login_required
@post_or_back_to("registration:review_detail")
@role_required(CLERKS)
def review_decide(request, pk):
    """审核通过 / 审核不通过 / 退回修改: the service checks the state, the actor and the reason."""
    application = application_or_404(request.user, pk)
    action = request.POST.get("action")
    if action not in DECISIONS:
        messages.error(request, _("未知的审核操作。"))
        return redirect("registration:review_detail", pk=pk)
    label, service = DECISIONS[action]
    if action == "approve":
        form = ApproveForm(request.POST)
        forms = {"approve_form": form}
    else:
        form = ReasonForm(request.POST, prefix=action)
        forms = {f"{action}_form": form}
    if form.is_valid():
        try:
            if action == "approve":
                service(application, actor=request.user, opinion=form.cleaned_data["opinion"])
            else:
                service(application, actor=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            form.add_error(None, messages_of(exc))
            messages.error(request, _("%(action)s未完成：%(why)s") % {"action": label, "why": messages_of(exc)})
        else:
            messages.success(request, _("已%(action)s：%(name)s。") % {"action": label, "name": application.name})
            return redirect("registration:review_detail", pk=pk)
    else:
        messages.error(request, _("%(action)s未完成，请按提示修改。") % {"action": label})
    application = application_or_404(request.user, pk)
    return render(request, "registration/staff/detail.html", _detail_context(request, application, **forms))


@login_required
@post_or_back_to("registration:review_detail")
@role_required(CLERKS)
def record_payment(request, pk):
    """FEE-1: the center records that the appraisal fee was paid (or corrects the record)."""
    application = application_or_404(request.user, pk)
    form = PaymentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("缴费登记的参数不正确。"))
    else:
        paid = form.cleaned_data["paid"]
        report_outcome(request, lambda: services.record_payment(application, actor=request.user, paid=paid),
                       _("已登记缴费。") if paid else _("已撤销缴费登记。"))
    return redirect("registration:review_detail", pk=pk)


@login_required
@post_or_back_to("registration:review_detail")
@role_required(CLERKS)
def upload_material(request, pk):
    """REG-2/REG-3: the center uploads a material or captures the photo for the candidate."""
    application = application_or_404(request.user, pk)
    form = PhotoForm(request.POST, request.FILES, prefix="photo") if "photo-kind" in request.POST else MaterialForm(
        request.POST, request.FILES
    )
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("registration:review_detail", pk=pk)
    kind = form.cleaned_data["kind"]
    report_outcome(
        request,
        lambda: services.attach_material(application, kind=kind, uploaded=form.cleaned_data["file"], actor=request.user),
        _("已上传：%(kind)s。") % {"kind": MaterialKind(kind).label},
    )
    return redirect("registration:review_detail", pk=pk)


@login_required
@post_or_back_to("registration:review_detail")
@role_required(CLERKS)
def confirm_original(request, pk):
    """REG-2: the clerk records having seen the original of a certificate."""
    application = application_or_404(request.user, pk)
    material = next((m for m in application.materials.all() if str(m.pk) == request.POST.get("material")), None)
    if material is None:
        raise Http404(_("材料不存在。"))
    report_outcome(request, lambda: services.confirm_original(material, actor=request.user),
                   _("已记录：%(kind)s原件已核验。") % {"kind": material.get_kind_display()})
    return redirect("registration:review_detail", pk=pk)


@login_required
@post_or_back_to("registration:review_detail")
@role_required(CLERKS)
def submit_for_candidate(request, pk):
    """REG-3: staff submit the application they entered once the materials are complete."""
    application = application_or_404(request.user, pk)
    try:
        services.submit_application(application, actor=request.user)
    except ValidationError as exc:
        messages.error(request, _("不能提交：%(why)s") % {"why": messages_of(exc)})
    else:
        messages.success(request, _("申报已提交，进入待审核。"))
    return redirect("registration:review_detail", pk=pk)


@login_required
@post_or_back_to("registration:review_detail")
@role_required(STAFF, message=STAFF_PAGE_REFUSAL)
def record_hr_opinion(request, pk):
    """REG-1: an HR official in scope writes 人力资源社会保障行政部门意见 on an approved application
    (the service checks role, scope, state and text; 404 outside the user's scope)."""
    application = application_ref_or_404(request.user, pk)
    form = HrOpinionForm(request.POST, prefix="hr")
    if not form.is_valid():
        messages.error(request, _("人社部门意见的参数不正确。"))
        return redirect("registration:review_detail", pk=pk)
    try:
        opinions.record_hr_opinion(application, actor=request.user, opinion=form.cleaned_data["opinion"])
    except ValidationError as exc:
        messages.error(request, _("人社部门意见未保存：%(why)s") % {"why": messages_of(exc)})
    else:
        messages.success(request, _("已保存人社部门意见。"))
    return redirect("registration:review_detail", pk=pk)


@login_required
@post_or_back_to("registration:review_queue")
@role_required(HR_OFFICIALS)
def record_hr_opinions(request):
    """REG-1: 批量填写意见: one opinion and one date for the ticked applications of the queue; the
    service refuses the whole batch with every reason (ORG-8 scope, state, fee, date)."""
    form = BatchHrOpinionForm(request.POST)
    # Back to the same filtered queue; re-encoded, so the field only ever carries a query string.
    back = QueryDict(request.POST.get("back", "")[:1000]).urlencode()
    target = reverse("registration:review_queue") + (f"?{back}" if back else "")
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, _("意见未保存：%(why)s") % {"why": error})
        return redirect(target)
    data = form.cleaned_data
    try:
        done = opinions.record_hr_opinions(data["applications"], actor=request.user, opinion=data["opinion"],
                                           opinion_date=data["opinion_date"])
    except ValidationError as exc:
        messages.error(request, _("意见未保存，所选申报均未填写。原因：%(why)s") % {"why": messages_of(exc)})
    else:
        messages.success(request, _("已为%(n)d份申报填写人社部门意见“%(opinion)s”（%(date)s）。") % {
            "n": len(done), "opinion": data["opinion"], "date": data["opinion_date"]})
    return redirect(target)

"""The center staff's pages (REG-3, REG-5, FEE-1, ORG-7, ORG-8): the review queue, one
application's review with its decisions, the HR bureau's opinion (REG-1), the permission-checked
file viewer, and entry of an application on a candidate's behalf.

Thin: reads come from registration.selectors (scoped by the authority engine), writes from
registration.services; nothing here decides who may see or do what."""

from __future__ import annotations

from collections import defaultdict

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from appraisal import authority
from appraisal.decorators import post_or_back_to
from appraisal.idnumbers import birth_date as id_birth_date
from appraisal.idnumbers import gender as id_gender
from appraisal.idnumbers import sees_full_id_numbers
from appraisal.models import EligibilityCondition, Level, Role, User
from registration import opinions, selectors, services
from registration.forms_staff import (
    ApplicationEntryForm,
    ApproveForm,
    CandidateLookupForm,
    ChoiceForm,
    MaterialForm,
    NewCandidateForm,
    PaymentForm,
    PhotoForm,
    QueueFilterForm,
    ReasonForm,
)
from registration.materials import CONTENT_TYPES, TYPE_NAMES
from registration.models import MaterialKind, Status
from registration.views_pdf import BATCH_LIMIT

PAGE_SIZE = 50
READERS = (Role.CENTER_STAFF, Role.PROVINCE_ADMIN, Role.EXAMINER, Role.HR_OFFICIAL)
CLERKS = (Role.CENTER_STAFF, Role.PROVINCE_ADMIN)
CHECK_LABELS = {
    "identity": gettext_lazy("身份核验"), "years": gettext_lazy("工作年限"), "lower_certificate": gettext_lazy("下一等级证书"),
    "title": gettext_lazy("专业技术职称"), "conditions": gettext_lazy("申报条件"), "materials": gettext_lazy("申报材料"),
    "years_since_certificate": gettext_lazy("取证后工作年限"), "retake": gettext_lazy("补考资格"),
}
EXTENSIONS_BY_TYPE = {value: key for key, value in CONTENT_TYPES.items()}  # image/jpeg -> jpeg
# ORG-8: a candidate found by their full ID number may be entered for by the clerk who found them,
# for this long, through a signed token bound to both of them (never a bare, guessable number).
ENTRY_TOKEN_SALT = "registration.views_staff.enter_application"
ENTRY_TOKEN_MAX_AGE = 60 * 60


class HrOpinionForm(django_forms.Form):
    """人社部门意见 (REG-1): only parses the text; record_hr_opinion() checks and stores it."""

    opinion = django_forms.CharField(
        label=gettext_lazy("人社部门意见"), required=False,
        widget=django_forms.Textarea(attrs={"rows": 3, "maxlength": opinions.HR_OPINION_MAX_LENGTH}),
    )


def _no_store(response):
    """Pages showing a password or personal data: never kept by a cache or the browser's history."""
    response["Cache-Control"] = "private, no-store"
    return response


def _require(user, roles):
    if user.role not in roles:
        raise PermissionDenied(_("此页面仅限鉴定机构工作人员使用。"))


def _messages_of(exc: ValidationError) -> str:
    return "；".join(str(m).rstrip("。") for m in exc.messages) + "。"


def _add_errors(form, exc: ValidationError):
    """A service's ValidationError shown on the form: on its field when the form has it."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, _messages_of(exc))
        return
    for field, errors in exc.message_dict.items():
        for error in errors:
            form.add_error(field if field in form.fields else None, error)


# --- Review queue ---------------------------------------------------------------------------


def _materials_progress(rows):
    """Present vs required materials for a page of applications, in one query for the conditions."""
    pairs = {(a.occupation_id, a.level) for a in rows}
    conditions = defaultdict(list)
    if pairs:
        found = EligibilityCondition.objects.filter(
            occupation_level__occupation_id__in={o for o, _lv in pairs},
            occupation_level__level__in={lv for _o, lv in pairs},
        ).select_related("occupation_level")
        for condition in found:
            conditions[(condition.occupation_level.occupation_id, condition.occupation_level.level)].append(condition)
    for application in rows:
        required = services.required_materials(application, conditions[(application.occupation_id, application.level)])
        present = {m.kind for m in application.materials.all()}
        application.materials_required = len(required)
        application.materials_present = len(present & set(required))


@login_required
def review_queue(request):
    """REG-5: applications waiting for review in the user's scope (ORG-8), filtered and paginated."""
    _require(request.user, READERS)
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
    return render(request, "registration/staff/queue.html", {
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
        "hr_opinion_form": HrOpinionForm(initial={"opinion": application.hr_opinion}, prefix="hr"),
    }


@login_required
@require_http_methods(["GET", "POST"])
def review_detail(request, pk):
    """One application's review; a POST with action=reset_password is the 重置考生密码 button."""
    _require(request.user, READERS)
    application = selectors.application_for(request.user, pk)
    if request.method == "POST":
        if request.POST.get("action") != "reset_password":
            messages.error(request, _("未知的操作。"))
            return redirect("registration:review_detail", pk=pk)
        return _reset_password(request, application)
    return render(request, "registration/staff/detail.html", _detail_context(request, application))


def _reset_password(request, application):
    """重置考生密码: imported candidates have no password, others forget theirs. The new password is
    shown once on this response, never stored readable, never put in a URL or the session."""
    _require(request.user, CLERKS)
    candidate = application.candidate
    password = services.reset_candidate_password(actor=request.user, candidate=candidate)  # 403 out of scope
    return _no_store(render(request, "registration/staff/password_reset.html",
                            {"application": application, "candidate": candidate, "password": password}))


DECISIONS = {
    "approve": (gettext_lazy("审核通过"), services.approve_application),
    "reject": (gettext_lazy("审核不通过"), services.reject_application),
    "return": (gettext_lazy("退回修改"), services.return_application),
}


@login_required
@post_or_back_to("registration:review_detail")
def review_decide(request, pk):
    """审核通过 / 审核不通过 / 退回修改: the service checks the state, the actor and the reason."""
    _require(request.user, CLERKS)
    application = selectors.application_for(request.user, pk)
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
            form.add_error(None, _messages_of(exc))
            messages.error(request, _("%(action)s未完成：%(why)s") % {"action": label, "why": _messages_of(exc)})
        else:
            messages.success(request, _("已%(action)s：%(name)s。") % {"action": label, "name": application.name})
            return redirect("registration:review_detail", pk=pk)
    else:
        messages.error(request, _("%(action)s未完成，请按提示修改。") % {"action": label})
    application = selectors.application_for(request.user, pk)
    return render(request, "registration/staff/detail.html", _detail_context(request, application, **forms))


@login_required
@post_or_back_to("registration:review_detail")
def record_payment(request, pk):
    """FEE-1: the center records that the appraisal fee was paid (or corrects the record)."""
    _require(request.user, CLERKS)
    application = selectors.application_for(request.user, pk)
    form = PaymentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("缴费登记的参数不正确。"))
    else:
        try:
            services.record_payment(application, actor=request.user, paid=form.cleaned_data["paid"])
        except ValidationError as exc:
            messages.error(request, _messages_of(exc))
        else:
            messages.success(request, _("已登记缴费。") if form.cleaned_data["paid"] else _("已撤销缴费登记。"))
    return redirect("registration:review_detail", pk=pk)


@login_required
@post_or_back_to("registration:review_detail")
def upload_material(request, pk):
    """REG-2/REG-3: the center uploads a material or captures the photo for the candidate."""
    _require(request.user, CLERKS)
    application = selectors.application_for(request.user, pk)
    form = PhotoForm(request.POST, request.FILES, prefix="photo") if "photo-kind" in request.POST else MaterialForm(
        request.POST, request.FILES
    )
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("registration:review_detail", pk=pk)
    kind = form.cleaned_data["kind"]
    try:
        services.attach_material(application, kind=kind, uploaded=form.cleaned_data["file"], actor=request.user)
    except ValidationError as exc:
        messages.error(request, _messages_of(exc))
    else:
        messages.success(request, _("已上传：%(kind)s。") % {"kind": MaterialKind(kind).label})
    return redirect("registration:review_detail", pk=pk)


@login_required
@post_or_back_to("registration:review_detail")
def confirm_original(request, pk):
    """REG-2: the clerk records having seen the original of a certificate."""
    _require(request.user, CLERKS)
    application = selectors.application_for(request.user, pk)
    material = next((m for m in application.materials.all() if str(m.pk) == request.POST.get("material")), None)
    if material is None:
        raise Http404(_("材料不存在。"))
    try:
        services.confirm_original(material, actor=request.user)
    except ValidationError as exc:
        messages.error(request, _messages_of(exc))
    else:
        messages.success(request, _("已记录：%(kind)s原件已核验。") % {"kind": material.get_kind_display()})
    return redirect("registration:review_detail", pk=pk)


@login_required
@post_or_back_to("registration:review_detail")
def submit_for_candidate(request, pk):
    """REG-3: staff submit the application they entered once the materials are complete."""
    _require(request.user, CLERKS)
    application = selectors.application_for(request.user, pk)
    try:
        services.submit_application(application, actor=request.user)
    except ValidationError as exc:
        messages.error(request, _("不能提交：%(why)s") % {"why": _messages_of(exc)})
    else:
        messages.success(request, _("申报已提交，进入待审核。"))
    return redirect("registration:review_detail", pk=pk)


@login_required
@post_or_back_to("registration:review_detail")
def record_hr_opinion(request, pk):
    """REG-1: an HR official in scope writes 人力资源社会保障行政部门意见 on an approved application
    (the service checks role, scope, state and text; 404 outside the user's scope)."""
    _require(request.user, READERS)
    application = selectors.application_ref_for(request.user, pk)
    form = HrOpinionForm(request.POST, prefix="hr")
    if not form.is_valid():
        messages.error(request, _("人社部门意见的参数不正确。"))
        return redirect("registration:review_detail", pk=pk)
    try:
        opinions.record_hr_opinion(application, actor=request.user, opinion=form.cleaned_data["opinion"])
    except ValidationError as exc:
        messages.error(request, _("人社部门意见未保存：%(why)s") % {"why": _messages_of(exc)})
    else:
        messages.success(request, _("已保存人社部门意见。"))
    return redirect("registration:review_detail", pk=pk)


# --- The permission-checked file viewer -----------------------------------------------------


@login_required
def material_file(request, pk):
    """An uploaded file, only for the candidate themself and for center staff and province
    administrators who may see its application (404 otherwise, so a guessed number reveals nothing;
    examiners and HR officials never open ID-card copies or other files); shown inline, never
    sniffed, never cached by shared caches."""
    if request.user.role != Role.CANDIDATE and not sees_full_id_numbers(request.user):
        raise Http404(_("文件不存在或您无权查看。"))
    material = selectors.material_for(request.user, pk)
    extension = EXTENSIONS_BY_TYPE.get(material.content_type, "bin")
    response = FileResponse(
        material.file.open("rb"), content_type=material.content_type, as_attachment=False,
        filename=f"{material.kind}.{extension}",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- Entry on a candidate's behalf (REG-3, ORG-7) -------------------------------------------


def entry_url(user, candidate) -> str:
    """Step two's address for a candidate the clerk has just found by ID number (or registered)."""
    token = signing.dumps({"candidate": candidate.pk, "staff": user.pk}, salt=ENTRY_TOKEN_SALT)
    return reverse("registration:enter_application", args=[candidate.pk]) + "?" + urlencode({"t": token})


def _entry_candidate(request, candidate_pk):
    """The candidate of step two, or 404 (ORG-8): only one the clerk may act for by scope
    (authority.can_manage_candidate), or one they found by full ID number within the last hour
    (the signed token of entry_url). Returns (candidate, token to carry on, or "")."""
    candidate = get_object_or_404(
        User.objects.select_related("region", "school", "employer_body"), pk=candidate_pk, role=Role.CANDIDATE
    )
    token = request.POST.get("t") or request.GET.get("t") or ""
    if token:
        try:
            found = signing.loads(token, salt=ENTRY_TOKEN_SALT, max_age=ENTRY_TOKEN_MAX_AGE)
        except signing.SignatureExpired:
            found = "expired"
        except signing.BadSignature:
            found = None
        if found == {"candidate": candidate.pk, "staff": request.user.pk}:
            return candidate, token
        if found == "expired" and not authority.can_manage_candidate(request.user, candidate):
            return None, ""
    if authority.can_manage_candidate(request.user, candidate):
        return candidate, ""
    raise Http404(_("考生不存在或您无权为其录入申报。"))


@login_required
@require_http_methods(["GET", "POST"])
def enter_for_candidate(request):
    """Step one: find the candidate by ID number, or create the account (password shown once)."""
    _require(request.user, CLERKS)
    lookup = CandidateLookupForm(request.GET or None)
    found = new_form = None
    if request.method == "POST":
        new_form = NewCandidateForm(request.POST)
        if new_form.is_valid():
            data = new_form.cleaned_data
            password = services.new_initial_password()
            try:
                candidate = services.register_candidate(password=password, **data)
            except ValidationError as exc:
                _add_errors(new_form, exc)
            else:
                # The only time the password is shown: it is not stored anywhere readable.
                return _no_store(render(request, "registration/staff/candidate_created.html", {
                    "candidate": candidate, "password": password, "entry_url": entry_url(request.user, candidate),
                }))
        lookup = CandidateLookupForm({"id_number": request.POST.get("id_number", "")})
        lookup.is_valid()
    elif lookup.is_bound and lookup.is_valid():
        id_number = lookup.cleaned_data["id_number"]
        found = User.objects.select_related("region", "school", "employer_body").filter(
            role=Role.CANDIDATE, id_number=id_number
        ).first()
        if found is None:
            if User.objects.filter(username=id_number).exists():
                lookup.add_error("id_number", _("该身份证号已被非考生账号使用，请联系管理员。"))
            else:
                new_form = NewCandidateForm(initial=NewCandidateForm.initial_for(request.user, id_number))
    return render(request, "registration/staff/enter_lookup.html", {
        "lookup": lookup, "found": found, "new_form": new_form,
        "found_url": entry_url(request.user, found) if found else None,
    })


@login_required
@require_http_methods(["GET", "POST"])
def enter_application(request, candidate_pk):
    """Step two: choose what the candidate applies for, then fill the REG-1 form. Refused with the
    engine's reason when another center is responsible (ORG-7/ORG-8)."""
    _require(request.user, CLERKS)
    candidate, token = _entry_candidate(request, candidate_pk)
    if candidate is None:
        messages.error(request, _("查找结果已超过1小时，请重新按身份证号查找考生。"))
        return redirect("registration:enter_for_candidate")
    source = request.POST if request.method == "POST" else request.GET
    choice = ChoiceForm(source if "occupation" in source else None, candidate=candidate)
    context = {"candidate": candidate, "choice": choice, "refusal": None, "form": None, "token": token}
    if not choice.is_bound or not choice.is_valid():
        return render(request, "registration/staff/enter_application.html", context)
    occupation, level = choice.cleaned_data["occupation"], choice.cleaned_data["level"]
    retake = choice.cleaned_data["retake"]
    context["level_label"] = Level(level).label + (_("（补考）") if retake else "")
    try:
        options = services.staff_entry_options(request.user, candidate, occupation, level, retake=retake)
    except ValidationError as exc:
        context["refusal"] = _messages_of(exc)
        return render(request, "registration/staff/enter_application.html", context)
    if request.method == "POST":
        form = ApplicationEntryForm(request.POST, options=options, retake=retake)
        if form.is_valid():
            try:
                application = services.create_application(
                    candidate=candidate, actor=request.user, occupation=occupation, level=level,
                    **form.service_kwargs(),
                )
            except PermissionDenied as exc:
                context["refusal"] = str(exc)
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("已代考生录入申报草稿。请拍摄照片、上传材料后提交。"))
                return redirect("registration:review_detail", pk=application.pk)
    else:
        initial = {
            "name": candidate.full_name, "id_number": candidate.id_number, "phone": candidate.phone,
            "employer_name": candidate.employer_name,
        }
        if candidate.id_number:
            initial["gender"] = id_gender(candidate.id_number)
            initial["birth_month"] = id_birth_date(candidate.id_number).replace(day=1)
        form = ApplicationEntryForm(initial=initial, options=options, retake=retake)
    context["form"] = form
    return render(request, "registration/staff/enter_application.html", context)

"""The candidate's pages (REG-1, REG-2, REG-5, REG-6, CAL-2, CAL-3, CAL-5): sign-up, 我的申报, a new
application in two steps, its detail with materials and eligibility, edit, submit and withdraw.

Thin: reads come from registration.selectors (a candidate sees only their own applications, 404
otherwise), writes and every rule from registration.services, scope from the authority engine.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from appraisal import idnumbers
from appraisal.decorators import post_or_back_to
from appraisal.errors import add_service_errors
from appraisal.gates import CANDIDATES, role_required
from appraisal.models import Level, RetakeDay, Role, ScheduledAppraisalDay, UnifiedAppraisal
from appraisal.workdays import CalendarUnknown
from registration import selectors, services
from registration.forms.candidate import ApplicationForm, ChooseForm, MaterialUploadForm, SignupForm
from registration.models import MaterialKind, Status
from registration.views.common import (
    application_or_404,
)

TARGET_KINDS = {"unified": UnifiedAppraisal, "day": ScheduledAppraisalDay, "retake": RetakeDay}
IMAGE_TYPES = "image/jpeg,image/png"
FILE_TYPES = "image/jpeg,image/png,application/pdf"


CANDIDATE_PAGE_REFUSAL = gettext_lazy("此页面仅限考生使用；工作人员请使用审核页面。")


def _reverse_or_none(name, *args):
    """Links to pages other areas provide, only once they exist."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def target_key(target) -> str:
    for key, model in TARGET_KINDS.items():
        if isinstance(target, model):
            return f"{key}-{target.pk}"
    raise TypeError(target)


def _already_applied(user, occupation, level, retake) -> dict[str, int]:
    """REG-5 on step one: the options (by target key) the candidate already holds a live
    application for, with that application's id; the service refuses them again on saving.
    A retake is once per occupation, whatever the day (the model's constraints say the same)."""
    taken = {}
    for application in selectors.live_applications_for_occupation(user, occupation):
        if retake and application.is_retake:
            taken["retake"] = application.pk
        elif not retake and not application.is_retake and application.level == level:
            if application.scheduled_day_id:
                taken[f"day-{application.scheduled_day_id}"] = application.pk
            elif application.unified_appraisal_id:
                taken[f"unified-{application.unified_appraisal_id}"] = application.pk
    return taken


def _identity_initial(id_number) -> dict:
    """性别 and 出生年月 as the ID number states them (REG-5 checks they agree)."""
    try:
        id_number = idnumbers.normalize_id_number(id_number)
    except ValidationError:
        return {}
    return {"gender": idnumbers.gender(id_number), "birth_month": idnumbers.birth_date(id_number).replace(day=1)}


# --- Sign-up --------------------------------------------------------------------------------


def signup(request):
    """Public: a candidate creates an account; the ID number becomes the login name."""
    if request.user.is_authenticated:
        return redirect("registration:my_applications" if request.user.role == Role.CANDIDATE else "home")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.register_candidate(**form.service_kwargs())
        except ValidationError as exc:
            add_service_errors(form, exc, aliases={"username": "id_number"})
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("注册成功。今后请用身份证号登录。"))
            return redirect("registration:my_applications")
    return render(request, "registration/candidate/signup.html", {"form": form}, status=400 if form.errors else 200)


# --- 我的申报 --------------------------------------------------------------------------------


@role_required(CANDIDATES, message=CANDIDATE_PAGE_REFUSAL)
def my_applications(request):
    applications = list(selectors.applications_with_history(request.user))
    for application in applications:
        application.latest_reason = ""
        if application.status in (Status.RETURNED, Status.REJECTED):
            reasons = [t.reason for t in application.transitions.all() if t.to_status == application.status]
            application.latest_reason = reasons[-1] if reasons else ""
    return render(request, "registration/candidate/my_applications.html", {"applications": applications})


# --- A new application: choose, then fill in the form ------------------------------------------


def _option_rows(user, choice, occupation, level, retake) -> list[dict]:
    """Step one's open appraisals as the page lists them, each with the candidate's live
    application for it, if any."""
    taken = _already_applied(user, occupation, level, retake)
    return [
        {"key": target_key(target), "target": target, "center": center, "window": window,
         "date": getattr(target, "day", None) or getattr(target, "first_day", None),
         "is_day": isinstance(target, ScheduledAppraisalDay),
         "applied": taken.get("retake") if retake else taken.get(target_key(target))}
        for target, center, window in choice.options
    ]


def _application_form(request, target, retake) -> ApplicationForm:
    """Step two's REG-1 form, filled from the account; a retake says which year's failures it takes."""
    user = request.user
    initial = {"name": user.full_name, "phone": user.phone, "employer_name": user.employer_name,
               **_identity_initial(user.id_number)}
    form = ApplicationForm(
        request.POST if request.method == "POST" else None, initial=initial, retake=retake, id_number=user.id_number
    )
    if isinstance(target, RetakeDay):
        form.fields["retake_original_year"].help_text = _(
            "补考仅限%(year)d年参加鉴定成绩不合格的考生。"
        ) % {"year": target.failed_in_year}
    return form


@role_required(CANDIDATES, message=CANDIDATE_PAGE_REFUSAL)
def apply(request):
    """Step one (GET occupation, level, retake): the responsible center and why, and the open
    appraisals. Step two (with `target`): the REG-1 form, POSTed to create the draft."""
    user = request.user
    data = request.POST if request.method == "POST" else request.GET
    choose = ChooseForm(data if "occupation" in data else None, candidate=request.user)
    context = {"choose": choose, "choice": None, "refusal": None, "target": None, "form": None, "options": []}
    if not (choose.is_bound and choose.is_valid()):
        return render(request, "registration/candidate/apply.html", context, status=400 if choose.errors else 200)

    occupation, level, retake = (choose.cleaned_data[k] for k in ("occupation", "level", "retake"))
    today = timezone.localdate()
    try:
        choice = services.candidate_choice(user, occupation, level, retake=retake, today=today)
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            add_service_errors(choose, exc)
        else:
            context["refusal"] = "；".join(exc.messages)
        return render(request, "registration/candidate/apply.html", context, status=400)
    context["choice"] = choice
    context["level_label"] = Level(level).label
    context["options"] = _option_rows(user, choice, occupation, level, retake)
    key = data.get("target")
    if not key:
        return render(request, "registration/candidate/apply.html", context)

    picked = next((o for o in context["options"] if o["key"] == key), None)
    if picked is None:
        choose.add_error(None, _("所选鉴定不存在或已截止报名，请重新选择。"))
        return render(request, "registration/candidate/apply.html", context, status=400)
    if picked["applied"] and request.method == "GET":
        # Refused before the REG-1 form: nothing to fill in that could not be saved. (A form posted
        # from another tab meanwhile gets the same message from the service, on the form.)
        choose.add_error(None, _("同一职业只能申报一次补考。") if retake else _(
            "您已申报过本次鉴定的该职业、等级，不能重复申报。"
        ))
        context["applied_url"] = reverse("registration:application_detail", args=[picked["applied"]])
        return render(request, "registration/candidate/apply.html", context, status=400)
    context["target"] = picked
    form = context["form"] = _application_form(request, picked["target"], retake)
    if request.method == "POST" and form.is_valid():
        try:
            application = services.create_application(
                candidate=user, actor=user, occupation=occupation, level=level, target=picked["target"],
                today=today, id_number=user.id_number, **form.service_fields(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("申报已保存为草稿。请上传材料后提交。"))
            return redirect("registration:application_detail", application.pk)
    return render(request, "registration/candidate/apply.html", context, status=400 if form.errors else 200)


# --- One application ---------------------------------------------------------------------------


def _detail_context(request, application, upload_errors=None):
    upload_errors = upload_errors or {}
    live = application.is_editable
    checks = services.check_eligibility(application) if live else (application.eligibility or [])
    uploaded = {m.kind: m for m in application.materials.all()}
    required = services.required_materials(application)
    rows = []
    for kind in [*required, *(k for k in uploaded if k not in required)]:
        material = uploaded.get(kind)
        is_photo = kind == MaterialKind.PHOTO
        rows.append({
            "kind": kind,
            "label": MaterialKind(kind).label,
            "required": kind in required,
            "material": material,
            "file_url": material and _reverse_or_none("registration:material_file", material.pk),
            "thumbnail_url": material and is_photo and _reverse_or_none("registration:photo_thumbnail", material.pk),
            "accept": IMAGE_TYPES if is_photo else FILE_TYPES,
            "capture": is_photo,
            "errors": upload_errors.get(kind, []),
        })
    try:
        window = services.window_for(application.appraisal)
    except CalendarUnknown:
        window = None
    targets = services.allowed_targets(application.status)
    transitions = list(application.transitions.all())
    decision_reason = ""
    if application.status in (Status.RETURNED, Status.REJECTED):
        reasons = [t for t in transitions if t.to_status == application.status and t.reason]
        decision_reason = max(reasons, key=lambda t: (t.at, t.pk)).reason if reasons else ""
    return {
        "application": application,
        "decision_reason": decision_reason,
        "checks": checks,
        "checks_live": live,
        "missing": [c["message"] for c in checks if not c["ok"]] if live else [],
        "materials": rows,
        "transitions": transitions,
        "window": window,
        "can_submit": Status.SUBMITTED in targets,
        "can_edit": application.is_editable,
        "can_withdraw": Status.WITHDRAWN in targets,
        "pdf_url": _reverse_or_none("registration:application_pdf", application.pk),
        # Each material's upload form posts to the page itself: its address worked out once.
        "upload_url": reverse("registration:application_detail", args=[application.pk]),
        "today": timezone.localdate(),
    }


@role_required(CANDIDATES, message=CANDIDATE_PAGE_REFUSAL)
def application_detail(request, pk):
    if request.method == "POST":
        # The page's upload forms post here, so that a refused file comes back at the page's own
        # address (reload, bookmark and back work), with the reason next to the material.
        return material_upload(request, pk)
    application = application_or_404(request.user, pk, payments=False)
    return render(request, "registration/candidate/detail.html", _detail_context(request, application))


@role_required(CANDIDATES, message=CANDIDATE_PAGE_REFUSAL)
def application_edit(request, pk):
    user = request.user
    application = application_or_404(user, pk)
    if not application.is_editable:
        messages.error(
            request, _("申报当前状态为“%(status)s”，不能修改。") % {"status": application.get_status_display()}
        )
        return redirect("registration:application_detail", application.pk)
    form = ApplicationForm(
        request.POST if request.method == "POST" else None, instance=application, retake=application.is_retake,
        id_number=application.id_number,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_application(application, actor=user, **form.service_fields())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("申报表已保存。"))
            return redirect("registration:application_detail", application.pk)
    return render(
        request, "registration/candidate/edit.html", {"application": application, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@post_or_back_to("registration:application_detail")
@role_required(CANDIDATES, message=CANDIDATE_PAGE_REFUSAL)
def material_upload(request, pk):
    """REG-2: one file per material kind, checked by content, size and dimensions in the service."""
    user = request.user
    application = application_or_404(user, pk)
    form = MaterialUploadForm(request.POST, request.FILES)
    kind = request.POST.get("kind", "")
    errors = []
    if not form.is_valid():
        errors = [e for field_errors in form.errors.values() for e in field_errors]
    else:
        kind = form.cleaned_data["kind"]
        try:
            services.attach_material(application, kind=kind, uploaded=form.cleaned_data["file"], actor=user)
        except ValidationError as exc:
            errors = exc.messages
    if not errors:
        messages.success(request, _("已上传：%(label)s。") % {"label": MaterialKind(kind).label})
        return redirect(reverse("registration:application_detail", args=[application.pk]) + "#materials")
    application = application_or_404(user, pk, payments=False)
    context = _detail_context(request, application, upload_errors={kind: errors})
    # On a phone the page is long: the reason goes on top (like a message) and in the material's
    # block, where the form's #material-<kind> anchor lands, with its file input focused.
    context["upload_failed"] = {"reasons": errors, "kind": kind}
    if kind in MaterialKind.values:
        context["upload_failed"]["label"] = MaterialKind(kind).label
    if kind not in {row["kind"] for row in context["materials"]}:
        context["upload_errors"] = errors
    return render(request, "registration/candidate/detail.html", context, status=400)


@login_required
@post_or_back_to("registration:application_detail")
@role_required(CANDIDATES, message=CANDIDATE_PAGE_REFUSAL)
def submit(request, pk):
    user = request.user
    application = application_or_404(user, pk)
    try:
        services.submit_application(application, actor=user)
    except ValidationError as exc:
        messages.error(request, _("申报未能提交：%(reasons)s") % {"reasons": "；".join(exc.messages)})
    else:
        messages.success(request, _("申报已提交，请等待鉴定机构审核。"))
    return redirect("registration:application_detail", application.pk)


@login_required
@post_or_back_to("registration:application_detail")
@role_required(CANDIDATES, message=CANDIDATE_PAGE_REFUSAL)
def withdraw(request, pk):
    user = request.user
    application = application_or_404(user, pk)
    try:
        services.withdraw_application(application, actor=user, reason=request.POST.get("reason", "")[:500])
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("申报已撤回。"))
    return redirect("registration:application_detail", application.pk)

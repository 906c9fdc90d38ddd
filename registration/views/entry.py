"""Entry of an application on a candidate's behalf (REG-3, ORG-7, ORG-8): find or create the
candidate, then choose the appraisal and fill the REG-1 form."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from appraisal import authority
from appraisal.errors import add_service_errors, messages_of
from appraisal.gates import CLERKS, role_required
from appraisal.idnumbers import birth_date as id_birth_date
from appraisal.idnumbers import gender as id_gender
from appraisal.models import Level
from registration import selectors, services
from registration.forms.entry import ApplicationEntryForm, CandidateLookupForm, ChoiceForm, NewCandidateForm
from registration.views.common import (
    no_store,
)

# ORG-8: a candidate found by their full ID number may be entered for by the clerk who found them,
# for this long, through a signed token bound to both of them (never a bare, guessable number).
ENTRY_TOKEN_SALT = "registration.views_staff.enter_application"  # the old module name: tokens in flight stay valid
ENTRY_TOKEN_MAX_AGE = 60 * 60



# --- Entry on a candidate's behalf (REG-3, ORG-7) -------------------------------------------


def entry_url(user, candidate) -> str:
    """Step two's address for a candidate the clerk has just found by ID number (or registered)."""
    token = signing.dumps({"candidate": candidate.pk, "staff": user.pk}, salt=ENTRY_TOKEN_SALT)
    return reverse("registration:enter_application", args=[candidate.pk]) + "?" + urlencode({"t": token})


def _entry_candidate(request, candidate_pk):
    """The candidate of step two, or 404 (ORG-8): only one the clerk may act for by scope
    (authority.can_manage_candidate), or one they found by full ID number within the last hour
    (the signed token of entry_url). Returns (candidate, token to carry on, or "")."""
    candidate = get_object_or_404(selectors.candidates(), pk=candidate_pk)
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
@role_required(CLERKS)
def enter_for_candidate(request):
    """Step one: find the candidate by ID number, or create the account (password shown once)."""
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
                add_service_errors(new_form, exc, joined=True)
            else:
                # The only time the password is shown: it is not stored anywhere readable.
                return no_store(render(request, "registration/staff/candidate_created.html", {
                    "candidate": candidate, "password": password, "entry_url": entry_url(request.user, candidate),
                }))
        lookup = CandidateLookupForm({"id_number": request.POST.get("id_number", "")})
        lookup.is_valid()
    elif lookup.is_bound and lookup.is_valid():
        id_number = lookup.cleaned_data["id_number"]
        found = selectors.candidates().filter(id_number=id_number).first()
        if found is None:
            if selectors.login_name_taken(id_number):
                lookup.add_error("id_number", _("该身份证号已被非考生账号使用，请联系管理员。"))
            else:
                new_form = NewCandidateForm(initial=NewCandidateForm.initial_for(request.user, id_number))
    return render(request, "registration/staff/enter_lookup.html", {
        "lookup": lookup, "found": found, "new_form": new_form,
        "found_url": entry_url(request.user, found) if found else None,
    })


@login_required
@require_http_methods(["GET", "POST"])
@role_required(CLERKS)
def enter_application(request, candidate_pk):
    """Step two: choose what the candidate applies for, then fill the REG-1 form. Refused with the
    engine's reason when another center is responsible (ORG-7/ORG-8)."""
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
        context["refusal"] = messages_of(exc)
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
                add_service_errors(form, exc, joined=True)
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

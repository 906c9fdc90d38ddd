"""Extra appraisal sessions (CAL-6): requests by a center, decisions by the upper level. Every
rule is in registration.services.extra_sessions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from appraisal.errors import add_service_errors
from appraisal.gates import CLERKS, role_required
from registration import selectors
from registration.forms.extra_sessions import ExtraSessionDecisionForm, ExtraSessionRequestForm
from registration.services import extra_sessions

# --- Extra sessions (CAL-6) -------------------------------------------------------------------

CLERK_FEATURE_REFUSAL = gettext_lazy("此功能仅限鉴定机构工作人员使用。")


@role_required(CLERKS, message=CLERK_FEATURE_REFUSAL)
def extra_session_list(request):
    form = ExtraSessionRequestForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            extra_sessions.request_extra_session(actor=request.user, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("增加鉴定场次申请已提交，等待上级审批。"))
            return redirect("registration:extra_sessions")
    return render(
        request,
        "registration/bulk/extra_sessions.html",
        {"form": form, "requests": selectors.extra_session_requests_for(request.user)[:200],
         "pending_count": selectors.extra_sessions_pending_for_decision(request.user).count(),
         "today": timezone.localdate()},
        status=400 if form.errors else 200,
    )


@role_required(CLERKS, message=CLERK_FEATURE_REFUSAL)
def extra_session_pending(request):
    return render(
        request,
        "registration/bulk/extra_pending.html",
        {"requests": extra_sessions.with_registration_deadlines(selectors.extra_sessions_pending_for_decision(request.user)),
         "form": ExtraSessionDecisionForm()},
    )


@login_required
@require_POST
@role_required(CLERKS, message=CLERK_FEATURE_REFUSAL)
def extra_session_decide(request, pk):
    # Visible to the decider (upper level) only; anyone else learns nothing about the request.
    item = get_object_or_404(selectors.extra_session_requests_for(request.user).select_related("center__parent"), pk=pk)
    if not extra_sessions.can_decide(request.user, item):
        raise PermissionDenied(_("增加鉴定场次须由申请机构的上级鉴定机构审批。"))
    form = ExtraSessionDecisionForm(request.POST)
    if form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        try:
            extra_sessions.decide_extra_session(
                item, approve=approve, reason=form.cleaned_data["reason"], actor=request.user
            )
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(
                request,
                _("已批准%(center)s %(day)s 增加鉴定场次，已列入定期鉴定日（仅受理%(occupation)s）。") % {
                    "center": item.center.name, "day": f"{item.day:%Y-%m-%d}", "occupation": item.occupation.name}
                if approve else _("已不予批准%(center)s的增加场次申请。") % {"center": item.center.name},
            )
    else:
        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
    return redirect("registration:extra_sessions_pending")

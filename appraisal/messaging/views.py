"""The 消息 pages, the candidate's profile (channels), and 忘记密码. Thin: the services decide."""

from django.conf import settings
from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from appraisal import gates, ratelimits
from appraisal.errors import add_service_errors, not_found_message
from appraisal.gates import role_required
from appraisal.messaging import reset, selectors, services
from appraisal.messaging.forms import PreferenceForm, ResetConfirmForm, ResetRequestForm
from appraisal.messaging.models import Message

RESET_SESSION_KEY = "password_reset_token"


@login_required
def message_list(request):
    page = Paginator(selectors.inbox(request.user), 20).get_page(request.GET.get("page"))
    return render(request, "appraisal/messages/list.html", {"page": page})


@login_required
def message_detail(request, pk):
    """Opening a message marks it read; its link leads to the thing it is about."""
    try:
        message = selectors.message_for(request.user, pk)
    except Message.DoesNotExist as exc:
        raise Http404(not_found_message(exc)) from exc
    services.mark_read(message, user=request.user)
    link = message.link if url_has_allowed_host_and_scheme(message.link, allowed_hosts=None) else ""
    return render(request, "appraisal/messages/detail.html", {"message": message, "link": link})


@login_required
@require_POST
def mark_all_read(request):
    count = services.mark_all_read(user=request.user)
    flash.success(request, _("已将%(count)d条消息标为已读。") % {"count": count})
    return redirect("message_list")


@role_required(gates.CANDIDATES)
def profile(request):
    """The candidate's own data and how they want to be told."""
    user = request.user
    preference = services.preference_for(user)
    form = PreferenceForm(request.POST or None, initial={
        "sms": preference.sms, "email": preference.email, "email_address": user.email})
    if request.method == "POST" and form.is_valid():
        try:
            services.set_preferences(user=user, sms=form.cleaned_data["sms"], email=form.cleaned_data["email"],
                                     email_address=form.cleaned_data["email_address"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            flash.success(request, _("消息接收方式已保存。"))
            return redirect("profile")
    return render(request, "appraisal/messages/profile.html", {"form": form, "profile_user": user})


def _limited(request, group: str, value: str, rate: str) -> bool:
    # Counted in memory while Redis does not answer (appraisal.ratelimits): these limits guard
    # against SMS bombing and guessing codes, so a cache outage must not switch them off.
    return ratelimits.exceeded(request, group, value, rate)


def _id_number_key(request) -> str:
    return "id:" + reset.normalized_id_number(request.POST.get("id_number", ""))


LIMITED_MESSAGE = gettext_lazy("操作过于频繁，请稍后再试。")


def forgot_password(request):
    """Step 1: ID number and registered phone. The answer is the same whether or not they match."""
    if request.user.is_authenticated:
        return redirect("password_change")
    form = ResetRequestForm(request.POST or None)
    limited = False
    if request.method == "POST":
        # Both limits count every request; either one refuses (same answer for any ID number).
        address = ratelimits.client_address(request)
        by_address = _limited(request, "password-reset-address", address, settings.RESET_RATE_PER_ADDRESS)
        by_number = _limited(request, "password-reset-id", _id_number_key(request),
                             settings.RESET_RATE_PER_ID_NUMBER)
        limited = by_address or by_number
        if limited:
            form.is_valid()
            form.add_error(None, LIMITED_MESSAGE)
        elif form.is_valid():
            request.session[RESET_SESSION_KEY] = reset.request_code(
                id_number=form.cleaned_data["id_number"], phone=form.cleaned_data["phone"])
            return redirect("password_reset_confirm")
    status = 429 if limited else 200
    return render(request, "appraisal/messages/forgot.html", {"form": form, "minutes": reset.code_minutes()},
                  status=status)


def reset_confirm(request):
    """Step 2: the code and the new password."""
    token = request.session.get(RESET_SESSION_KEY)
    if not token:
        return redirect("password_forgot")
    form = ResetConfirmForm(request.POST or None)
    limited = False
    if request.method == "POST":
        limited = _limited(request, "password-reset-confirm", ratelimits.client_address(request),
                           settings.RESET_RATE_PER_ADDRESS)
        if limited:
            form.is_valid()
            form.add_error(None, LIMITED_MESSAGE)
        elif form.is_valid():
            try:
                reset.reset_password(token=token, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                request.session.pop(RESET_SESSION_KEY, None)
                flash.success(request, _("密码已重新设置，请用新密码登录。"))
                return redirect("login")
    return render(request, "appraisal/messages/reset_confirm.html", {
        "form": form, "minutes": reset.code_minutes()}, status=429 if limited else 200)

"""HTML pages of the core: login, the home page of every role, the calendar, centers, and the
authority check. Thin: reads come from selectors, decisions from the authority engine."""

import re
from types import SimpleNamespace

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from appraisal import authority, calendar_keeping, extensions, gates, jobs, selectors
from appraisal.errors import messages_of
from appraisal.extensions import JOB_KINDS
from appraisal.forms import AccessLogFilterForm, AuthorityCheckForm, DeadlineForm, YearCalendarForm
from appraisal.gates import role_required
from appraisal.models import JobStatus, Role

ID_NUMBER_SHAPE = re.compile(r"^\d{17}[\dxX]$")


class LoginForm(auth_forms.AuthenticationForm):
    """Candidates log in with their ID number: a final x is the same as X (numbers are stored in
    upper case), and phones must not capitalise the first letter of a staff login name."""

    def __init__(self, request=None, *args, **kwargs):
        if kwargs.get("data") is not None:
            data = kwargs["data"].copy()
            username = (data.get("username") or "").strip()
            if ID_NUMBER_SHAPE.match(username):
                data["username"] = username.upper()
            kwargs["data"] = data
        super().__init__(request, *args, **kwargs)
        self.fields["username"].widget.attrs.update(
            {"autocapitalize": "none", "autocorrect": "off", "spellcheck": "false"}
        )


class LoginView(auth_views.LoginView):
    template_name = "appraisal/login.html"
    redirect_authenticated_user = True
    authentication_form = LoginForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # LoginView puts the host name in `site_name`; the pages show the system's name there.
        context.pop("site_name", None)
        context.pop("site", None)
        return context


def lockout_message() -> str:
    """Candidates reset a forgotten password themselves (登录页“忘记密码”, ID number and registered
    phone), so the lock sends them there; staff have no self-service reset and ask their center."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return _(
        "连续%(limit)d次密码错误，该账号已暂时锁定，请%(minutes)d分钟后再试。"
        "忘记密码的考生可点击登录页的“忘记密码”，用身份证号和注册手机号自行重置，重置后即可用新密码登录；"
        "工作人员请联系所在机构管理员重置密码。"
    ) % {"limit": settings.AXES_FAILURE_LIMIT, "minutes": minutes}


def locked_out(request, original_response=None, credentials=None):
    """django-axes' answer to a login of a locked account (AXES_LOCKOUT_CALLABLE): the login page
    with the reason in Chinese, or a JSON error for the API; 429 either way."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": lockout_message()}, status=429)
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    return render(
        request, "appraisal/login.html",
        {"form": LoginForm(request), "lockout": lockout_message(), "username": username, "next": ""},
        status=429,
    )


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    error_messages = {
        **auth_forms.PasswordChangeForm.error_messages,
        "password_incorrect": _("您的旧密码不正确，请重新输入。"),
    }


class PasswordChangeView(auth_views.PasswordChangeView):
    """Everyone changes their own password, e.g. the initial one a center gave a candidate."""

    template_name = "appraisal/password_change.html"
    form_class = PasswordChangeForm
    success_url = reverse_lazy("home")

    def form_valid(self, form):
        messages.success(self.request, _("密码已修改。"))
        return super().form_valid(form)


@require_POST
def logout_view(request):
    logout(request)
    messages.info(request, _("您已安全退出。"))
    return redirect("login")


@login_required
def home(request):
    user = request.user
    today = timezone.localdate()
    context = {
        "today": today,
        "scope": authority.scope_description(user),
        "upcoming_days": selectors.upcoming_appraisal_days(user, today=today, limit=12),
        "unified": selectors.upcoming_unified_appraisals(today=today),
        "retake_days": selectors.upcoming_retake_days(today=today),
        "notices": extensions.notices_for(user),
        "panels": extensions.panels_for(user),
        # CAL-4: province staff keep the calendar (a home notice links them to it); everyone else
        # sees 待公布 and whom to ask.
        "can_keep_calendar": authority.is_province_staff(user),
        "calendar_pending": [y for y in (today.year, today.year + 1) if not calendar_keeping.year_is_maintained(y)],
    }
    if user.role == Role.CANDIDATE:
        context["candidate_centers"] = authority.candidate_centers(user)
        template = "appraisal/home_candidate.html"
    else:
        context["center_count"] = authority.visible_centers(user).count()
        template = "appraisal/home_staff.html"
    return render(request, template, context)


def calendar(request):
    """Public: every center's scheduled days of the next 60 days with their registration
    deadlines (CAL-3; filterable by city), the unified appraisal dates, retake days, and a
    registration-deadline calculator. A constant number of queries whatever the number of days."""
    today = timezone.localdate()
    user = request.user
    is_staff_user = user.is_authenticated and user.role != Role.CANDIDATE
    asked = "appraisal_day" in request.GET or "extension_days" in request.GET
    form = DeadlineForm(request.GET if asked else None, public=not is_staff_user)
    deadline = form.cleaned_data["deadline"] if form.is_bound and form.is_valid() else None
    cities = list(selectors.public_cities())
    city = next((c for c in cities if str(c.pk) == request.GET.get("city", "")), None)
    return render(
        request,
        "appraisal/calendar.html",
        {
            "form": form,
            "deadline": deadline,
            "cities": cities,
            "city": city,
            "days_ahead": selectors.PUBLIC_DAYS_AHEAD,
            "day_groups": selectors.public_upcoming_days(today=today, city=city),
            "is_staff_user": is_staff_user,
            "can_keep_calendar": authority.is_province_staff(user),
            "unified": selectors.upcoming_unified_appraisals(today=today, limit=8),
            "retake_days": selectors.upcoming_retake_days(today=today),
        },
    )


STAFF_ONLY = gettext_lazy("此页面仅限鉴定机构和人社部门工作人员使用。")


@role_required(gates.STAFF, STAFF_ONLY)
def center_list(request):
    return render(
        request,
        "appraisal/center_list.html",
        {"centers": selectors.centers_with_levels(request.user), "scope": authority.scope_description(request.user)},
    )


@role_required(gates.STAFF, STAFF_ONLY)
def authority_check(request):
    form = AuthorityCheckForm(request.GET or None)
    results = refusal = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        candidate = SimpleNamespace(
            region=data["region"], school=data["school"], employer_body=data["employer_body"], graduation_date=None
        )
        args = (candidate, data["occupation"], data["level"])
        results = authority.appraising_centers(*args, retake=data["retake"])
        if not results:
            refusal = authority.explain_refusal(*args, retake=data["retake"])
    return render(request, "appraisal/authority_check.html", {"form": form, "results": results, "refusal": refusal})


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


PROVINCE_ONLY = gettext_lazy("个人信息访问记录仅限省职业技能鉴定中心查看。")
ACCESS_LOG_PAGE_SIZE = 50


@role_required(gates.CLERKS, PROVINCE_ONLY)
def access_log(request):
    """Who was shown full ID numbers, when, and whose: the province center reads and filters it."""
    if not authority.is_province_staff(request.user):
        raise PermissionDenied(PROVINCE_ONLY)
    form = AccessLogFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    accesses = selectors.personal_data_accesses(request.user, **{k: v for k, v in filters.items() if v})
    page = Paginator(accesses, ACCESS_LOG_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "appraisal/access_log.html", {"form": form, "page": page, "query": query.urlencode()})


# --- Long work off the request: its progress and result (appraisal/jobs.py) --------------------


def _job_or_404(request, pk):
    """The user's own job (404 for anyone else's), with how far it got."""
    job = get_object_or_404(selectors.jobs_for(request.user), pk=pk)
    job.done, job.total = jobs.progress_of(job)
    return job


@login_required
def job_detail(request, pk):
    job = _job_or_404(request, pk)
    kind = JOB_KINDS.get(job.kind)
    return render(request, "appraisal/job.html", {"job": job, "kind": kind, "result": job.result})


@login_required
def job_status(request, pk):
    job = _job_or_404(request, pk)
    return JsonResponse({"status": job.status, "status_display": job.get_status_display(), "done": job.done,
                         "total": job.total, "percent": job.percent, "finished": job.finished})


@login_required
def job_output(request, pk):
    job = get_object_or_404(selectors.jobs_for(request.user), pk=pk, status=JobStatus.DONE)
    if not job.output:
        raise Http404(_("该任务没有生成文件。"))
    response = FileResponse(job.output.open("rb"), as_attachment=True, filename=job.output_name or None)
    response["Cache-Control"] = "private, no-store"
    return response


KEEP_CALENDAR_REFUSAL = gettext_lazy("只有省职业技能鉴定中心的工作人员可以维护工作日历。")


@role_required(gates.CLERKS, KEEP_CALENDAR_REFUSAL)
def calendar_keep(request):
    """CAL-4: province staff enter a year's holidays and adjusted working days; 预览 shows the
    working days per month and the CAL-3 deadlines that move, 保存 writes the year at once."""
    if not authority.is_province_staff(request.user):
        raise PermissionDenied(KEEP_CALENDAR_REFUSAL)
    today = timezone.localdate()
    context = {"preview": None, "library_knows": None}
    if request.method == "POST":
        form = YearCalendarForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                plan = calendar_keeping.plan_year(year=data["year"], holidays=data["holiday_ranges"],
                                                  working_days=data["working_ranges"])
                if request.POST.get("action") == "save":
                    count = calendar_keeping.save_year(actor=request.user, year=data["year"],
                                                       holidays=data["holiday_ranges"],
                                                       working_days=data["working_ranges"])
                    messages.success(request, _("已保存%(year)d年工作日历（%(count)d天调整），报名截止日期已按新日历计算。")
                                     % {"year": data["year"], "count": count})
                    return redirect(f"{request.path}?year={data['year']}")
                context["preview"] = calendar_keeping.preview(request.user, year=data["year"], plan=plan)
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    for field, errors in exc.message_dict.items():
                        form.add_error(field if field in form.fields else None, errors)
                else:
                    form.add_error(None, messages_of(exc))
    else:
        pending = [y for y in (today.year, today.year + 1) if not calendar_keeping.year_is_maintained(y)]
        try:
            year = int(request.GET.get("year") or (pending[0] if pending else today.year + 1))
        except ValueError:
            year = today.year + 1
        year = min(max(year, 2000), 2100)
        holidays, working = calendar_keeping.saved_ranges(year)
        form = YearCalendarForm(initial={"year": year, "holidays": _lines(holidays), "working_days": _lines(working)})
    year = form.cleaned_data.get("year") if form.is_bound and hasattr(form, "cleaned_data") else form.initial["year"]
    if year:
        context["library_knows"] = calendar_keeping.library_knows(year)
        context["year"] = year
    return render(request, "appraisal/calendar_keep.html", {"form": form, **context})


def _lines(ranges) -> str:
    return "\n".join(
        (f"{r.first:%Y-%m-%d}" + (f"至{r.last:%Y-%m-%d}" if r.last != r.first else "") + (f" {r.name}" if r.name else ""))
        for r in ranges)

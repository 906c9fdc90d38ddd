"""Pages of the scores area (EXAM-6..EXAM-8, ORG-8): score entry grid and Excel import per session,
publication, corrections and their approval by the upper level, overdue alerts. Thin: writes are in
exams.services, the rules in exams.marking, the sheet in exams.scoring, scoped reads in exams.selectors."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from appraisal import authority
from appraisal.errors import add_service_errors, report_outcome
from appraisal.gates import CANDIDATES, STAFF, has_role, require_role
from appraisal.jobs import start_job
from exams import jobs, marking, scoring, selectors, services
from exams.forms.scores import CorrectionForm, DecisionForm, ScoreGridForm, ScoreImportForm
from exams.models import CorrectionStatus

STAFF_SIDE_ONLY = gettext_lazy("此功能仅限鉴定机构工作人员和考评人员使用。")


def _session(request, pk):
    """The session if the user (staff side) sees it, else 404."""
    require_role(request.user, STAFF, STAFF_SIDE_ONLY)
    return get_object_or_404(selectors.sessions_for(request.user), pk=pk)


def _marking_session(request, pk):
    """The session if the user sees it (else 404) and may mark it (else 403)."""
    session = _session(request, pk)
    marking.marks_as_examiner(request.user, session)
    return session


# --- Index: sessions to mark, overdue alerts, corrections ---------------------------------------


@login_required
def score_index(request):
    if has_role(request.user, CANDIDATES):
        return redirect("exams:my_scores")
    context = {
        "sessions": selectors.sessions_to_mark(request.user)[:200],
        "alerts": selectors.overdue_alerts_for(request.user)[:100],
        "pending_count": selectors.pending_corrections_for(request.user).count(),
        "scope": authority.scope_description(request.user),
    }
    return render(request, "exams/scores/index.html", context)


# --- The score sheet: grid entry before publication, read-only with corrections after --------


def _sheet_context(request, session, form=None, grid_errors=None):
    user = request.user
    subjects = scoring.session_subjects(session)
    sheet = scoring.score_sheet(session, actor=user, with_history=True)
    manager = authority.can_manage_center(user, session.center)
    # A form that looks editable only for someone whose save would be accepted (EXAM-6): the callers
    # have already refused anyone who may not mark (_marking_session), so only the exam day can block.
    marking_blocked = None
    if not session.is_published:
        marking_blocked = marking.exam_not_held_reason(session, doing=_("录入成绩"))
    if form is None and not session.is_published and not marking_blocked:
        form = ScoreGridForm(sheet=sheet, subjects=subjects)
    missing = sum(1 for row in sheet if any(s not in row.scores for s in row.takes))
    corrections = {}
    if session.is_published:
        for request_ in selectors.session_corrections(session):
            corrections.setdefault(request_.score_id, []).append(request_)
    rows = form.grid if form is not None else [
        (row, [{"subject": s, "score": row.scores.get(s), "takes": s in row.takes} for s in subjects])
        for row in sheet
    ]
    for _row, cells in rows:
        for cell in cells:
            score = cell["score"]
            cell["label"] = scoring.subject_label(cell["subject"])
            cell["corrections"] = corrections.get(score.pk, []) if score else []
            cell["pending"] = any(c.status == CorrectionStatus.PENDING for c in cell["corrections"])
            if form is not None and cell.get("name") in form.fields:
                cell["field"] = form[cell["name"]]
    return {
        "session": session, "subjects": [(s, scoring.subject_label(s)) for s in subjects], "rows": rows,
        "form": form, "manager": manager, "missing": missing, "grid_errors": grid_errors or [],
        "deadline": _deadline(session), "correction_form": CorrectionForm(), "marking_blocked": marking_blocked,
        "publish_blocked": None if session.is_published else marking.exam_not_held_reason(session, doing=_("发布成绩")),
    }


def _deadline(session):
    try:
        return services.publication_deadline(session)
    except ValidationError:
        return None


@login_required
def score_sheet(request, pk):
    session = _marking_session(request, pk)
    if request.method != "POST":
        return render(request, "exams/scores/sheet.html", _sheet_context(request, session))
    sheet = scoring.score_sheet(session, actor=request.user, with_history=True)
    form = ScoreGridForm(request.POST, sheet=sheet, subjects=scoring.session_subjects(session))
    grid_errors = []
    if form.is_valid():
        cells = form.changed_cells()
        if not form.errors:
            if not cells:
                messages.info(request, _("没有修改任何成绩。"))
                return redirect("exams:score_sheet", pk=session.pk)
            errors = services.enter_grid(session, cells, actor=request.user, reason=form.cleaned_data["reason"])
            if not errors:
                messages.success(request, _("已保存 %(n)d 项成绩。") % {"n": len(cells)})
                return redirect("exams:score_sheet", pk=session.pk)
            if session.is_published:
                grid_errors = sorted({m for msgs in errors.values() for m in msgs})
            else:
                form.cell_errors(errors)
    context = _sheet_context(request, session, form=None if session.is_published else form,
                             grid_errors=grid_errors)
    return render(request, "exams/scores/sheet.html", context, status=400)


# --- Excel template and import ---------------------------------------------------------------


@login_required
def score_template(request, pk):
    session = _marking_session(request, pk)
    response = HttpResponse(scoring.build_template(session), content_type=scoring.XLSX_CONTENT_TYPE)
    filename = f"成绩导入模板_{session.day:%Y%m%d}_{session.occupation.name}_{session.pk}.xlsx"
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response


@login_required
def score_import(request, pk):
    """The upload: what can be refused at once is (a file that is no .xlsx, a published session),
    the rows are checked and saved in a background job whose page shows the progress, then the report."""
    session = _marking_session(request, pk)
    form = ScoreImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload, reason = form.cleaned_data["file"], form.cleaned_data["reason"]
        try:
            services.check_score_upload(session, upload, request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            job = start_job(kind=jobs.SCORE_IMPORT, owner=request.user, upload=upload,
                            params=jobs.import_params(session, reason=reason, file_name=upload.name))
            return redirect("job_detail", pk=job.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "exams/scores/import.html", {"session": session, "form": form}, status=status)


# --- Publication (EXAM-7) and corrections (EXAM-6) ---------------------------------------------


@login_required
@require_POST
def publish(request, pk):
    session = _session(request, pk)
    report_outcome(request, lambda: services.publish_session(session=session, actor=request.user),
                   _("成绩已发布，考生现在可以查询本场次成绩。"), one_sentence=False)
    return redirect("exams:score_sheet", pk=session.pk)


@login_required
@require_POST
def request_correction(request, pk):
    require_role(request.user, STAFF, STAFF_SIDE_ONLY)
    score = get_object_or_404(selectors.scores_in_scope(request.user), pk=pk)  # 404 outside the user's scope
    session = score.session
    form = CorrectionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写更正后成绩和更正理由。"))
    else:
        report_outcome(
            request,
            lambda: services.request_score_correction(score=score, new_value=form.cleaned_data["new_value"],
                                                      reason=form.cleaned_data["reason"], actor=request.user),
            _("成绩更正申请已提交，等待上级鉴定机构审批。"), one_sentence=False,
        )
    return redirect("exams:score_sheet", pk=session.pk)


@login_required
def corrections(request):
    require_role(request.user, STAFF, STAFF_SIDE_ONLY)
    pending = list(selectors.pending_corrections_for(request.user)[:200])
    return render(request, "exams/scores/corrections.html",
                  {"pending": pending, "form": DecisionForm()})


@login_required
@require_POST
def decide_correction(request, pk):
    require_role(request.user, STAFF, STAFF_SIDE_ONLY)
    correction = get_object_or_404(selectors.pending_corrections_for(request.user), pk=pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择批准或不予批准。"))
        return redirect("exams:corrections")
    approve = form.cleaned_data["decision"] == "approve"
    report_outcome(
        request,
        lambda: services.decide_score_correction(request=correction, approve=approve,
                                                 reason=form.cleaned_data["reason"], actor=request.user),
        (_("已批准：%(name)s %(subject)s。") if approve else _("已不予批准：%(name)s %(subject)s。")) % {
            "name": correction.score.application.name, "subject": correction.score.get_subject_display()},
        one_sentence=False,
    )
    return redirect("exams:corrections")

"""Pages of papers (EXAM-9), custody of secret material (EXAM-10), supervision and discipline
incidents (EXAM-11), and the admission ticket PDF (EXAM-4).

Thin: every session, paper and seat is reached through exams.selectors (scoped by the authority
engine: not visible -> 404); every write goes through exams.services, whose refusals are shown on the
page (ValidationError) or answered 403 (PermissionDenied). The custody log is append-only: there is
no edit or delete view of any kind here."""

from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from appraisal import authority
from appraisal.errors import add_service_errors
from appraisal.gates import CANDIDATES, STAFF, has_role, require_role
from exams import selectors, services, tickets
from exams.forms.papers import (
    ComposeForm,
    CustodyForm,
    FulfilForm,
    IncidentForm,
    PaperRequestForm,
    SupervisionForm,
)
from exams.models import Paper
from exams.views.sessions import STAFF_ONLY

# Above this many seats a session's tickets are rendered by the Celery task, not in the request.
SYNC_TICKET_LIMIT = 500


def _session(request, pk):
    require_role(request.user, STAFF, STAFF_ONLY)
    return get_object_or_404(selectors.sessions_for(request.user), pk=pk)


def _paper(request, pk) -> Paper:
    """A paper whose session the user sees (404 otherwise)."""
    require_role(request.user, STAFF, STAFF_ONLY)
    return get_object_or_404(selectors.papers_for(request.user), pk=pk)


def _pdf_response(content: bytes | io.IOBase, filename: str):
    stream = io.BytesIO(content) if isinstance(content, bytes) else content
    response = FileResponse(stream, content_type="application/pdf", filename=filename)
    response["Cache-Control"] = "private, no-store"  # personal data
    return response


# --- The session's exam-affairs page: tickets, papers, supervision, incidents -----------------


def _session_page(request, session, *, forms=None, status=200):
    user = request.user
    forms = forms or {}
    can_manage = authority.can_manage_center(user, session.center)
    examiner = selectors.is_assigned_examiner(user, session)
    composes_own = services.composes_own_papers(session.center)
    papers = list(selectors.session_papers(session))
    requests = list(selectors.session_paper_requests(session))
    paper_form = None
    if can_manage:
        form_class = ComposeForm if composes_own else PaperRequestForm
        paper_form = forms.get("paper") or form_class(session=session, prefix="paper")
    context = {
        "session": session,
        "can_manage": can_manage,
        "composes_own": composes_own,
        "papers": papers,
        "paper_requests": requests,
        "paper_form": paper_form,
        "supervisions": selectors.session_supervisions(session),
        "supervision_form": (forms.get("supervision") or SupervisionForm(prefix="sup")) if can_manage else None,
        "incidents": selectors.session_incidents(session),
        "incident_form": (forms.get("incident") or IncidentForm(prefix="inc"))
        if can_manage or examiner else None,
        "seat_count": session.seat_count,
        "sync_limit": SYNC_TICKET_LIMIT,
        "stored_tickets": services.stored_session_tickets(session.pk),
    }
    return render(request, "exams/papers/session.html", context, status=status)


def _submit(request, session, form, key, write, done, *, anchor=""):
    """Post one form of the session's page: `write(cleaned data)` through a service and back to the
    page with `done(result)`, or the page again with the service's refusal on the form (400)."""
    if form.is_valid():
        try:
            result = write(form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, done(result))
            return redirect(reverse("exams:session_papers", args=[session.pk]) + anchor)
    return _session_page(request, session, forms={key: form}, status=400)


@login_required
@require_GET
def session_papers(request, pk):
    """EXAM-4, EXAM-9, EXAM-11: a session's tickets, papers (own or requested), supervision and incidents."""
    return _session_page(request, _session(request, pk))


@login_required
@require_POST
def paper_compose(request, pk):
    """EXAM-9: a center of a sub-bank region (or the province) composes a paper for a subject."""
    session = _session(request, pk)
    form = ComposeForm(request.POST, session=session, prefix="paper")
    return _submit(request, session, form, "paper",
                   lambda data: services.compose_paper(session=session, actor=request.user, **data),
                   lambda paper: _("已组卷：%(code)s（%(subject)s，%(n)d份），已记入保密交接记录。")
                   % {"code": paper.code, "subject": paper.get_subject_display(), "n": paper.copies})


@login_required
@require_POST
def paper_request(request, pk):
    """EXAM-9: a center without a sub-bank requests a paper from the province center."""
    session = _session(request, pk)
    form = PaperRequestForm(request.POST, session=session, prefix="paper")
    return _submit(request, session, form, "paper",
                   lambda data: services.request_papers(session=session, actor=request.user, **data),
                   lambda _request: _("已向省职业技能鉴定中心申请试卷。"))


@login_required
@require_POST
def supervision_add(request, pk):
    """EXAM-11: an on-site supervisor or remote video monitoring of the session."""
    session = _session(request, pk)
    form = SupervisionForm(request.POST, prefix="sup")
    return _submit(request, session, form, "supervision",
                   lambda data: services.record_supervision(session=session, actor=request.user, **data),
                   lambda _supervision: _("已记录督导情况。"), anchor="#supervision")


@login_required
@require_POST
def incident_add(request, pk):
    """EXAM-11: a discipline incident of a candidate seated in this session, and the measure taken."""
    session = _session(request, pk)
    form = IncidentForm(request.POST, prefix="inc")
    if form.is_valid():
        application = form.application()
        data = {k: v for k, v in form.cleaned_data.items() if k != "ticket_number"}
        if application is None:
            form.add_error("ticket_number", _("准考证号“%(number)s”不存在，请核对。")
                           % {"number": form.cleaned_data["ticket_number"]})
        else:
            try:
                services.record_incident(session=session, application=application, actor=request.user, **data)
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    add_service_errors(form, exc)
                else:
                    form.add_error("ticket_number", exc.messages)
            else:
                messages.success(request, _("已记录%(name)s的违纪情况。") % {"name": application.name})
                return redirect(reverse("exams:session_papers", args=[session.pk]) + "#incidents")
    return _session_page(request, session, forms={"incident": form}, status=400)


# --- The province center's paper requests (EXAM-9) ---------------------------------------------


def _require_province(user):
    """An authority check about centers (not a role): the province center's staff only."""
    if not authority.is_province_staff(user):
        raise PermissionDenied(_("只有省职业技能鉴定中心可以处理试卷申请。"))


def _requests_page(request, *, forms=None, status=200):
    forms = forms or {}
    pending = list(selectors.pending_paper_requests_for(request.user))
    for item in pending:
        item.form = forms.get(item.pk) or FulfilForm(prefix=f"req{item.pk}")
    return render(request, "exams/papers/requests.html", {"pending": pending}, status=status)


@login_required
@require_GET
def paper_requests(request):
    """EXAM-9: the requests of every region awaiting a paper from the province center."""
    _require_province(request.user)
    return _requests_page(request)


@login_required
@require_POST
def paper_request_fulfil(request, pk):
    _require_province(request.user)
    item = get_object_or_404(selectors.pending_paper_requests_for(request.user), pk=pk)
    form = FulfilForm(request.POST, prefix=f"req{item.pk}")
    if form.is_valid():
        try:
            paper = services.fulfil_paper_request(request=item, code=form.cleaned_data["code"], actor=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已为%(center)s提供试卷%(code)s，已记入保密交接记录。")
                             % {"center": item.center.name, "code": paper.code})
            return redirect("exams:paper_requests")
    return _requests_page(request, forms={item.pk: form}, status=400)


# --- Custody of secret material (EXAM-10): append-only log and its printable trace ---------------


def _custody_page(request, paper, *, form=None, status=200):
    user = request.user
    may_record = authority.can_manage_center(user, paper.session.center) or selectors.is_assigned_examiner(
        user, paper.session)
    return render(request, "exams/papers/custody.html", {
        "paper": paper, "session": paper.session, "entries": selectors.custody_log(paper),
        "form": (form or CustodyForm(initial={"copies": paper.copies})) if may_record else None,
    }, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def paper_custody(request, pk):
    """EXAM-10: the paper's custody log, oldest first, and a form to append one hand-over."""
    paper = _paper(request, pk)
    if request.method == "GET":
        return _custody_page(request, paper)
    form = CustodyForm(request.POST)
    if form.is_valid():
        try:
            services.record_custody(paper=paper, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已追加交接记录。"))
            return redirect("exams:paper_custody", paper.pk)
    return _custody_page(request, paper, form=form, status=400)


@login_required
@require_GET
def paper_trace(request, pk):
    """EXAM-10: the printable trace of every hand-over of a paper (who, to whom, when, sealed or
    opened), to trace a leak."""
    paper = _paper(request, pk)
    return render(request, "exams/papers/trace.html", {
        "paper": paper, "session": paper.session, "entries": selectors.custody_log(paper),
    })


# --- Admission tickets (准考证, EXAM-4) ------------------------------------------------------------


@login_required
@require_GET
def ticket_pdf(request, pk):
    """One admission ticket: a candidate their own, staff those of the sessions they see; 404 otherwise."""
    if not has_role(request.user, CANDIDATES):
        require_role(request.user, STAFF, STAFF_ONLY)
    seat = get_object_or_404(tickets.ticket_seats(selectors.seats_for(request.user)), pk=pk)
    return _pdf_response(tickets.render_ticket(seat), f"准考证-{seat.ticket_number}.pdf")


@login_required
@require_GET
def session_tickets_pdf(request, pk):
    """All tickets of a session as one PDF, rendered now (up to SYNC_TICKET_LIMIT seats)."""
    session = _session(request, pk)
    seats = list(tickets.session_ticket_seats(session)[: SYNC_TICKET_LIMIT + 1])
    if not seats:
        messages.error(request, _("本场次尚未编排考位，没有可打印的准考证。"))
        return redirect("exams:session_papers", session.pk)
    if len(seats) > SYNC_TICKET_LIMIT:
        messages.error(request, _("本场次考生超过%(n)d人，请使用“后台生成”，生成后再下载。") % {"n": SYNC_TICKET_LIMIT})
        return redirect("exams:session_papers", session.pk)
    return _pdf_response(tickets.render_tickets(seats), f"准考证-{session.day:%Y%m%d}-场次{session.pk}-{len(seats)}份.pdf")


@login_required
@require_POST
def session_tickets_render(request, pk):
    """Queue the Celery task that renders a (large) session's tickets into one stored PDF."""
    session = _session(request, pk)
    services.queue_session_tickets(session=session, actor=request.user)
    messages.success(request, _("已提交后台生成准考证，完成后可在本页下载。"))
    return redirect(reverse("exams:session_papers", args=[session.pk]) + "#tickets")


@login_required
@require_GET
def session_tickets_stored(request, pk):
    """The stored PDF written by the Celery task (404 until it exists)."""
    session = _session(request, pk)
    stored = services.stored_session_tickets(session.pk)
    if stored is None:
        raise Http404(_("准考证尚未生成。"))
    return _pdf_response(default_storage.open(stored[0], "rb"), f"准考证-{session.day:%Y%m%d}-场次{session.pk}.pdf")

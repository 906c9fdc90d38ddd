"""The staff pages of exam administration (考务管理): sites and rooms, sessions, seats and the
printable seat chart, examiners and their qualifications (EXAM-1..EXAM-5, ORG-8).

Thin: reads come from exams.selectors (scoped by the authority engine), writes from exams.services,
whose refusals are shown on the page; nothing here decides who may see or do what beyond the role
gate (candidates never reach these pages)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from appraisal import authority
from appraisal.models import Role
from exams import selectors, services
from exams.forms_sessions import (
    ExaminerAssignForm,
    QualificationForm,
    RoomForm,
    SeatForm,
    SessionFilterForm,
    SessionForm,
    SiteForm,
    examiners_for_session,
)
from exams.models import ExaminerQualification, Room

PAGE_SIZE = 50
READERS = (Role.CENTER_STAFF, Role.PROVINCE_ADMIN, Role.EXAMINER, Role.HR_OFFICIAL)
CLERKS = (Role.CENTER_STAFF, Role.PROVINCE_ADMIN)


def _require(user, roles):
    if user.role not in roles:
        if roles == CLERKS:
            raise PermissionDenied(_("此操作仅限鉴定机构工作人员。"))
        raise PermissionDenied(_("此页面仅限鉴定机构工作人员、考评人员和人社部门工作人员使用。"))


def _add_errors(form, exc: ValidationError):
    """A service's refusal on the form: field errors on their field, anything else on top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            for error in errors:
                form.add_error(target, error.messages if hasattr(error, "messages") else error)
    else:
        form.add_error(None, exc.messages)


# --- Sites and rooms (EXAM-4) ----------------------------------------------------------------


def _site_page(request, *, site_form=None, room_forms=None, status=200):
    user = request.user
    sites = list(selectors.sites_for(user).select_related("center__parent").order_by("center__name", "name"))
    room_forms = room_forms or {}
    for site in sites:
        site.can_act = authority.can_manage_center(user, site.center)
        site.total_capacity = sum(room.capacity for room in site.rooms.all())
        site.room_form = room_forms.get(site.pk) or RoomForm(prefix=f"room{site.pk}")
    can_create = user.role in CLERKS and user.center_id is not None
    return render(request, "exams/sessions/sites.html", {
        "sites": sites, "site_form": site_form or SiteForm(), "can_create": can_create,
        "scope": authority.scope_description(user),
    }, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def site_list(request):
    """EXAM-4: the sites of the user's scope with their rooms, seats and equipment; create a site."""
    _require(request.user, READERS)
    if request.method == "GET":
        return _site_page(request)
    _require(request.user, CLERKS)
    form = SiteForm(request.POST)
    if form.is_valid():
        try:
            site = services.create_site(actor=request.user, center=request.user.center, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("已创建考点“%(name)s”，请为其添加考场。") % {"name": site.name})
            return redirect("exams:site_list")
    return _site_page(request, site_form=form, status=400)


@login_required
@require_POST
def room_add(request, pk):
    """EXAM-4: a room with its number of seats (1 to 1000) and equipment."""
    _require(request.user, CLERKS)
    site = selectors.sites_for(request.user).filter(pk=pk).first()
    if site is None:
        raise Http404(_("考点不存在或您无权查看。"))
    form = RoomForm(request.POST, prefix=f"room{site.pk}")
    if form.is_valid():
        try:
            room = services.add_room(actor=request.user, site=site, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("已为%(site)s添加%(room)s（%(n)d个考位）。")
                             % {"site": site.name, "room": room.name, "n": room.capacity})
            return redirect("exams:site_list")
    return _site_page(request, room_forms={site.pk: form}, status=400)


# --- Sessions (EXAM-1..EXAM-3) ---------------------------------------------------------------


@login_required
def session_list(request):
    """The sessions of the user's scope (ORG-8), filtered by occupation, level, days and status."""
    _require(request.user, READERS)
    form = SessionFilterForm(request.GET or None)
    sessions = selectors.sessions_for(request.user)
    if form.is_bound:
        sessions = form.apply(sessions) if form.is_valid() else sessions.none()
    page = Paginator(sessions, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "exams/sessions/session_list.html", {
        "form": form, "page": page, "query": query.urlencode(), "scope": authority.scope_description(request.user),
        "can_create": request.user.role in CLERKS and request.user.center_id is not None,
    })


@login_required
@require_http_methods(["GET", "POST"])
def session_create(request):
    """Plan a session of the user's center; the service says why it may not (ORG-2..ORG-6, CAL)."""
    _require(request.user, CLERKS)
    if request.user.center_id is None:
        raise PermissionDenied(_("您的账号未关联鉴定机构。"))
    form = SessionForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            session = services.schedule_session(
                actor=request.user, center=request.user.center, site=data["site"], occupation=data["occupation"],
                level=data["level"], target=data["appraisal"], day=data["day"], start=data["start"],
                pass_mark=data["pass_mark"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("已安排考试场次：%(session)s。") % {"session": session})
            return redirect("exams:session_detail", pk=session.pk)
    return render(request, "exams/sessions/session_form.html", {"form": form},
                  status=400 if form.is_bound else 200)


def _detail(request, session, *, seat_form=None, examiner_form=None, status=200):
    user = request.user
    can_act = authority.can_manage_center(user, session.center)
    rooms = Room.objects.filter(site_id=session.site_id).order_by("name", "pk")
    room_list = list(rooms)
    try:
        deadline = services.publication_deadline(session)
    except ValidationError:
        deadline = None
    context = {
        "session": session,
        "subjects": session.subjects.order_by("starts_at"),
        "rooms": room_list,
        "capacity": sum(r.capacity for r in room_list),
        "eligible_count": services.eligible_applications(session).count(),
        "examiners": session.examiners.select_related("examiner__center", "assigned_by").order_by("assigned_at"),
        "deadline": deadline,
        "can_act": can_act,
    }
    if can_act and not session.is_published:
        context["seat_form"] = seat_form or SeatForm(eligible=services.eligible_applications(session), rooms=rooms)
        context["examiner_form"] = examiner_form or ExaminerAssignForm(
            examiners=examiners_for_session(user, session))
    return render(request, "exams/sessions/session_detail.html", context, status=status)


@login_required
def session_detail(request, pk):
    """A session: subjects with times and durations, seats against capacity, eligible applications,
    examiners, the publication deadline (EXAM-7) and its status."""
    _require(request.user, READERS)
    return _detail(request, selectors.session_for(request.user, pk))


# --- Seats (EXAM-4) --------------------------------------------------------------------------


@login_required
@require_POST
def seats_auto(request, pk):
    """自动编排考位: seat every eligible application, never beyond capacity; say who was not seated and why."""
    _require(request.user, CLERKS)
    session = selectors.session_for(request.user, pk)
    try:
        result = services.assign_seats_automatically(session=session, actor=request.user)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("exams:session_detail", pk=session.pk)
    return render(request, "exams/sessions/seats_result.html", {"session": session, "result": result})


@login_required
@require_POST
def seat_assign(request, pk):
    """Seat one eligible application in a room at a seat number (capacity and one candidate per seat)."""
    _require(request.user, CLERKS)
    session = selectors.session_for(request.user, pk)
    rooms = Room.objects.filter(site_id=session.site_id).order_by("name", "pk")
    form = SeatForm(request.POST, eligible=services.eligible_applications(session), rooms=rooms)
    if form.is_valid():
        data = form.cleaned_data
        try:
            seat = services.assign_seat(session=session, application=data["application"], room=data["room"],
                                        seat_number=data["seat_number"], actor=request.user)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("已将%(name)s编排到%(room)s %(seat)d号座位，准考证号%(ticket)s。") % {
                "name": data["application"].name, "room": seat.room.name, "seat": seat.seat_number,
                "ticket": seat.ticket_number})
            return redirect("exams:session_detail", pk=session.pk)
    return _detail(request, session, seat_form=form, status=400)


@login_required
def seat_chart(request, pk):
    """座位表: one printable grid per room with name, ticket number and masked ID number; a constant
    number of queries whatever the number of candidates."""
    _require(request.user, READERS)
    session = selectors.session_for(request.user, pk)
    rooms = list(Room.objects.filter(site_id=session.site_id).order_by("name", "pk"))
    by_room = {room.pk: {} for room in rooms}
    for seat in selectors.seat_plan(session):
        by_room.setdefault(seat.room_id, {})[seat.seat_number] = seat
    charts = []
    for room in rooms:
        seats = by_room.get(room.pk, {})
        charts.append({
            "room": room, "seated": len(seats),
            "cells": [{"number": n, "seat": seats.get(n)} for n in range(1, room.capacity + 1)],
        })
    return render(request, "exams/sessions/seat_chart.html", {
        "session": session, "charts": charts, "total": sum(c["seated"] for c in charts),
    })


# --- Examiners (EXAM-5) ----------------------------------------------------------------------


@login_required
@require_POST
def examiner_assign(request, pk):
    """Assign an examiner; the service refuses with the reason (qualification, rotation, recusal)."""
    _require(request.user, CLERKS)
    session = selectors.session_for(request.user, pk)
    form = ExaminerAssignForm(request.POST, examiners=examiners_for_session(request.user, session))
    if form.is_valid():
        examiner = form.cleaned_data["examiner"]
        try:
            services.assign_examiner(session=session, examiner=examiner, actor=request.user)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("已指派考评人员%(name)s。") % {"name": examiner.display_name})
            return redirect("exams:session_detail", pk=session.pk)
    return _detail(request, session, examiner_form=form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def qualification_list(request):
    """EXAM-5: the qualifications of the examiners in the user's scope; add one."""
    _require(request.user, READERS)
    user = request.user
    form = None
    if user.role in CLERKS:
        form = QualificationForm(request.POST or None, user=user)
    if request.method == "POST":
        _require(user, CLERKS)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.add_examiner_qualification(actor=user, **data)
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("已为%(name)s添加“%(occ)s”考评员资格。")
                                 % {"name": data["examiner"].display_name, "occ": data["occupation"].name})
                return redirect("exams:qualification_list")
    qualifications = authority.scope_queryset(
        user,
        ExaminerQualification.objects.filter(examiner__role=Role.EXAMINER)
        .select_related("examiner__center", "occupation")
        .order_by("examiner__center__name", "examiner__full_name", "occupation__name"),
        "examiner__center",
    )
    return render(request, "exams/sessions/qualifications.html", {
        "qualifications": qualifications, "form": form, "scope": authority.scope_description(user),
    }, status=400 if form is not None and form.is_bound else 200)

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
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from appraisal import authority
from appraisal.errors import add_service_errors
from appraisal.gates import CLERKS, STAFF, has_role, require_role
from exams import selectors, services
from exams.forms.sessions import (
    ExaminerAssignForm,
    QualificationForm,
    RoomForm,
    SeatForm,
    SessionFilterForm,
    SessionForm,
    SiteForm,
)

PAGE_SIZE = 50
# The refusals these pages have always given (the gates' defaults are worded for other pages).
STAFF_ONLY = gettext_lazy("此页面仅限鉴定机构工作人员、考评人员和人社部门工作人员使用。")
CLERKS_ONLY = gettext_lazy("此操作仅限鉴定机构工作人员。")


def _session(user, pk):
    """A session the user sees (404 otherwise)."""
    return get_object_or_404(selectors.sessions_for(user), pk=pk)


# --- Sites and rooms (EXAM-4) ----------------------------------------------------------------


def _site_page(request, *, site_form=None, room_forms=None, status=200):
    user = request.user
    sites = list(selectors.sites_for(user).select_related("center__parent").order_by("center__name", "name"))
    room_forms = room_forms or {}
    for site in sites:
        site.can_act = authority.can_manage_center(user, site.center)
        site.total_capacity = sum(room.capacity for room in site.rooms.all())
        site.room_form = room_forms.get(site.pk) or RoomForm(prefix=f"room{site.pk}")
    can_create = has_role(user, CLERKS) and user.center_id is not None
    return render(request, "exams/sessions/sites.html", {
        "sites": sites, "site_form": site_form or SiteForm(), "can_create": can_create,
        "scope": authority.scope_description(user),
    }, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def site_list(request):
    """EXAM-4: the sites of the user's scope with their rooms, seats and equipment; create a site."""
    require_role(request.user, STAFF, STAFF_ONLY)
    if request.method == "GET":
        return _site_page(request)
    require_role(request.user, CLERKS, CLERKS_ONLY)
    form = SiteForm(request.POST)
    if form.is_valid():
        try:
            site = services.create_site(actor=request.user, center=request.user.center, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已创建考点“%(name)s”，请为其添加考场。") % {"name": site.name})
            return redirect("exams:site_list")
    return _site_page(request, site_form=form, status=400)


@login_required
@require_POST
def room_add(request, pk):
    """EXAM-4: a room with its number of seats (1 to 1000) and equipment."""
    require_role(request.user, CLERKS, CLERKS_ONLY)
    site = get_object_or_404(selectors.sites_for(request.user), pk=pk)
    form = RoomForm(request.POST, prefix=f"room{site.pk}")
    if form.is_valid():
        try:
            room = services.add_room(actor=request.user, site=site, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已为%(site)s添加%(room)s（%(n)d个考位）。")
                             % {"site": site.name, "room": room.name, "n": room.capacity})
            return redirect("exams:site_list")
    return _site_page(request, room_forms={site.pk: form}, status=400)


# --- Sessions (EXAM-1..EXAM-3) ---------------------------------------------------------------


@login_required
def session_list(request):
    """The sessions of the user's scope (ORG-8), filtered by occupation, level, days and status."""
    require_role(request.user, STAFF, STAFF_ONLY)
    form = SessionFilterForm(request.GET or None, user=request.user)
    sessions = selectors.sessions_for(request.user)
    if form.is_bound:
        sessions = form.apply(sessions) if form.is_valid() else sessions.none()
    page = Paginator(sessions, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "exams/sessions/session_list.html", {
        "form": form, "page": page, "query": query.urlencode(), "scope": authority.scope_description(request.user),
        "can_create": has_role(request.user, CLERKS) and request.user.center_id is not None,
    })


@login_required
@require_http_methods(["GET", "POST"])
def session_create(request):
    """Plan a session of the user's center; the service says why it may not (ORG-2..ORG-6, CAL)."""
    require_role(request.user, CLERKS, CLERKS_ONLY)
    if request.user.center_id is None:
        raise PermissionDenied(_("您的账号未关联鉴定机构。"))
    # Past appraisal days are listed only on request (?past=1); a post carries the choice itself.
    form = SessionForm(request.POST or None, user=request.user, include_past=request.GET.get("past") == "1")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            session = services.schedule_session(
                actor=request.user, center=request.user.center, site=data["site"], occupation=data["occupation"],
                level=data["level"], target=data["appraisal"], day=data["day"], start=data["start"],
                pass_mark=data["pass_mark"], allow_past=form.include_past,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已安排考试场次：%(session)s。") % {"session": session})
            return redirect("exams:session_detail", pk=session.pk)
    return render(request, "exams/sessions/session_form.html", {"form": form},
                  status=400 if form.is_bound else 200)


def _detail(request, session, *, seat_form=None, examiner_form=None, status=200):
    user = request.user
    can_act = authority.can_manage_center(user, session.center)
    rooms = selectors.session_rooms(session)
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
        "eligible_count": selectors.eligible_applications(session).count(),
        "examiners": selectors.session_examiners(session),
        "deadline": deadline,
        "can_act": can_act,
    }
    if can_act and not session.is_published:
        context["seat_form"] = seat_form or SeatForm(eligible=selectors.eligible_applications(session), rooms=rooms)
        context["examiner_form"] = examiner_form or ExaminerAssignForm(
            examiners=selectors.examiners_for_session(user, session))
    return render(request, "exams/sessions/session_detail.html", context, status=status)


@login_required
def session_detail(request, pk):
    """A session: subjects with times and durations, seats against capacity, eligible applications,
    examiners, the publication deadline (EXAM-7) and its status."""
    require_role(request.user, STAFF, STAFF_ONLY)
    return _detail(request, _session(request.user, pk))


# --- Seats (EXAM-4) --------------------------------------------------------------------------


@login_required
@require_POST
def seats_auto(request, pk):
    """自动编排考位: seat every eligible application, never beyond capacity; say who was not seated and why."""
    require_role(request.user, CLERKS, CLERKS_ONLY)
    session = _session(request.user, pk)
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
    require_role(request.user, CLERKS, CLERKS_ONLY)
    session = _session(request.user, pk)
    form = SeatForm(request.POST, eligible=selectors.eligible_applications(session), rooms=selectors.session_rooms(session))
    if form.is_valid():
        data = form.cleaned_data
        try:
            seat = services.assign_seat(session=session, application=data["application"], room=data["room"],
                                        seat_number=data["seat_number"], actor=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
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
    require_role(request.user, STAFF, STAFF_ONLY)
    session = _session(request.user, pk)
    rooms = list(selectors.session_rooms(session))
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
    require_role(request.user, CLERKS, CLERKS_ONLY)
    session = _session(request.user, pk)
    form = ExaminerAssignForm(request.POST, examiners=selectors.examiners_for_session(request.user, session))
    if form.is_valid():
        examiner = form.cleaned_data["examiner"]
        try:
            services.assign_examiner(session=session, examiner=examiner, actor=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已指派考评人员%(name)s。") % {"name": examiner.display_name})
            return redirect("exams:session_detail", pk=session.pk)
    return _detail(request, session, examiner_form=form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def qualification_list(request):
    """EXAM-5: the qualifications of the examiners in the user's scope; add one."""
    require_role(request.user, STAFF, STAFF_ONLY)
    user = request.user
    form = None
    if has_role(user, CLERKS):
        form = QualificationForm(request.POST or None, user=user)
    if request.method == "POST":
        require_role(user, CLERKS, CLERKS_ONLY)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.add_examiner_qualification(actor=user, **data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("已为%(name)s添加“%(occ)s”考评员资格。")
                                 % {"name": data["examiner"].display_name, "occ": data["occupation"].name})
                return redirect("exams:qualification_list")
    return render(request, "exams/sessions/qualifications.html", {
        "qualifications": selectors.qualifications_for(user), "form": form, "scope": authority.scope_description(user),
    }, status=400 if form is not None and form.is_bound else 200)

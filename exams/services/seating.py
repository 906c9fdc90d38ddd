"""Seats (EXAM-4): automatic and manual seating, never beyond a room's capacity on the day, and the
FEE-1 guard that keeps a seated candidate paid."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from appraisal.models import User
from exams import notifications, selectors
from exams.marking import recusal_conflicts
from exams.models import ExamSession, Room, SeatAssignment
from exams.services.common import require_manager
from registration.models import Application, Status


def _lock_eligible(session: ExamSession, candidates) -> list[Application]:
    """Lock the applications about to be seated and keep those still approved and paid: a clerk
    marking one unpaid meanwhile either waits and then sees the seat, or wins and it is not seated
    (FEE-1). PostgreSQL cannot lock across the outer join that finds unseated ones, hence two steps."""
    ids = [a.pk for a in candidates]
    if not ids:
        return []
    locked = set(
        Application.objects.select_for_update()
        .filter(pk__in=ids, status=Status.APPROVED, fee_paid=True)
        .values_list("pk", flat=True)
    )
    return [a for a in candidates if a.pk in locked]


def ticket_number(session: ExamSession, room_index: int, seat_number: int) -> str:
    return f"{session.day:%y}{session.pk:07d}{room_index:02d}{seat_number:03d}"


@dataclass
class SeatingResult:
    seated: int = 0
    unseated: list = field(default_factory=list)  # (application, reason)


def _lock_site_rooms(session: ExamSession) -> list[Room]:
    """The site's rooms in seating order, locked: every session of the site seats in turn, so two
    sessions of one day never count the same free seat (EXAM-4)."""
    return list(Room.objects.select_for_update(of=("self",)).filter(site_id=session.site_id).order_by("name", "pk"))


def _taken_seats(session: ExamSession) -> dict[int, set[int]]:
    """Room id -> seat numbers already used on the session's day, by any session of the site."""
    taken: dict[int, set[int]] = {}
    rows = SeatAssignment.objects.filter(room__site_id=session.site_id, day=session.day).values_list(
        "room_id", "seat_number")
    for room_id, seat in rows:
        taken.setdefault(room_id, set()).add(seat)
    return taken


def assign_seats_automatically(*, session: ExamSession, actor) -> SeatingResult:
    """Seat every eligible application in room order, never beyond a room's capacity on the day,
    whichever sessions of the site share it. The session and the site's rooms are locked, so two
    clerks assigning at once (for one session or two sessions of the site) are serialized; the unique
    constraint (room, day, seat) holds anyway."""
    require_manager(actor, session.center)
    with transaction.atomic():
        session = ExamSession.objects.select_for_update(of=("self",)).get(pk=session.pk)
        if session.is_published:
            raise ValidationError(_("成绩已发布，不能再编排考位。"))
        rooms = _lock_site_rooms(session)
        taken = _taken_seats(session)
        free = [
            (index, room, seat)
            for index, room in enumerate(rooms, start=1)
            for seat in range(1, room.capacity + 1)
            if seat not in taken.get(room.pk, ())
        ]
        applications = _lock_eligible(session, selectors.eligible_applications(session))
        examiners = list(
            User.objects.filter(assignments__session=session).select_related("employer_body", "school")
        )
        conflicts = recusal_conflicts(examiners, [a.candidate for a in applications])
        result, seats = SeatingResult(), []
        for application in applications:
            if application.candidate_id in conflicts:
                result.unseated.append((application, conflicts[application.candidate_id]))
                continue
            if not free:
                result.unseated.append((application, _("考位已满：考点所有考场均无空余考位。")))
                continue
            index, room, seat = free.pop(0)
            seats.append(SeatAssignment(
                session=session, application=application, room=room, day=session.day, seat_number=seat,
                ticket_number=ticket_number(session, index, seat), assigned_by=actor,
            ))
        SeatAssignment.objects.bulk_create(seats, batch_size=1000)
        notifications.tickets_ready(seats)
        result.seated = len(seats)
    return result


def assign_seat(*, session: ExamSession, application: Application, room: Room, seat_number: int, actor) -> SeatAssignment:
    """Seat one application by hand. Capacity and one-candidate-per-seat are enforced under a lock
    and by the database's unique constraints."""
    require_manager(actor, session.center)
    with transaction.atomic():
        session = ExamSession.objects.select_for_update(of=("self",)).get(pk=session.pk)
        if session.is_published:
            raise ValidationError(_("成绩已发布，不能再编排考位。"))
        if room.site_id != session.site_id:
            raise ValidationError({"room": [_("该考场不属于本场次的考点。")]})
        rooms = _lock_site_rooms(session)
        if not isinstance(seat_number, int) or not 1 <= seat_number <= room.capacity:
            raise ValidationError({"seat_number": [
                _("座位号必须在1到%(capacity)d之间（%(room)s共%(capacity)d个考位）。")
                % {"capacity": room.capacity, "room": room.name}
            ]})
        if not _lock_eligible(session, selectors.eligible_applications(session).filter(pk=application.pk)):
            raise ValidationError(_("该考生不符合本场次的编排条件（须审核通过、已缴费、职业等级一致且尚未编排）。"))
        examiners = list(User.objects.filter(assignments__session=session).select_related("employer_body", "school"))
        conflict = recusal_conflicts(examiners, [application.candidate]).get(application.candidate_id)
        if conflict:
            raise ValidationError(conflict)
        taken_message = _("%(room)s的%(seat)d号座位已有考生。") % {"room": room.name, "seat": seat_number}
        if seat_number in _taken_seats(session).get(room.pk, ()):
            raise ValidationError(taken_message)  # by this session or another of the site that day
        index = [r.pk for r in rooms]
        try:
            with transaction.atomic():
                seat = SeatAssignment.objects.create(
                    session=session, application=application, room=room, day=session.day, seat_number=seat_number,
                    ticket_number=ticket_number(session, index.index(room.pk) + 1, seat_number), assigned_by=actor,
                )
                notifications.tickets_ready([seat])
                return seat
        except IntegrityError as exc:
            raise ValidationError(taken_message) from exc


# --- FEE-1 guard registered with registration (exams/apps.py) ---------------------------------------


def seated_guard(application: Application) -> str | None:
    """Refuse to mark a seated application unpaid: an unpaid application is not scheduled."""
    seat = SeatAssignment.objects.filter(application=application).select_related("session").first()
    if seat is None:
        return None
    return _("该考生已编排考位（准考证号%(ticket)s），不能改为未缴费；请先取消考位编排。") % {"ticket": seat.ticket_number}

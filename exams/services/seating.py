"""Seats (EXAM-4): automatic and manual seating, never beyond a room's capacity on the day, and the
FEE-1 guard that keeps a seated candidate paid."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from appraisal.models import OccupationLevel, SkillExamMode, User
from exams import notifications, selectors
from exams.marking import recusal_conflicts
from exams.models import ExamSession, Room, RoomPurpose, SeatAssignment
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
    return list(Room.objects.select_for_update(of=("self",)).filter(site_id=session.site_id)
                .prefetch_related("occupations").order_by("name", "pk"))


def _skill_is_practical(session: ExamSession) -> bool:
    mode = OccupationLevel.objects.filter(occupation_id=session.occupation_id, level=session.level).values_list(
        "skill_mode", flat=True).first()
    return mode == SkillExamMode.PRACTICAL


def room_refusal(room: Room, session: ExamSession, *, practical: bool) -> str | None:
    """EXAM-2/EXAM-4: why `room` may not seat the session's candidates, or None. A skill workshop
    serves only the occupations it is equipped for; a theory room no practical (实际操作) skill exam;
    a general room (综合考场, what rooms were before they said their purpose) any session."""
    occupation = session.occupation.name
    if room.purpose == RoomPurpose.SKILL:
        if any(o.pk == session.occupation_id for o in room.occupations.all()):
            return None
        served = "、".join(o.name for o in room.occupations.all()) or _("未登记职业")
        return _("%(room)s是%(served)s的技能考核场地，不能安排%(occupation)s的考生。") % {
            "room": room.name, "served": served, "occupation": occupation}
    if practical and room.purpose == RoomPurpose.THEORY:
        return _("%(occupation)s的操作技能为实际操作，须安排在为该职业配备设备的技能考核场地，%(room)s是理论考场。") % {
            "occupation": occupation, "room": room.name}
    return None


def no_room_reason(session: ExamSession, *, practical: bool) -> str:
    if practical:
        return _("考点没有适合%(occupation)s的考场：实际操作须在为该职业配备设备的技能考核场地进行，请在“考点与考场”中登记该场地及其服务职业。") % {
            "occupation": session.occupation.name}
    return _("考点没有适合%(occupation)s的考场：现有技能考核场地均不为该职业服务，请添加理论考场或为该职业服务的技能考核场地。") % {
        "occupation": session.occupation.name}


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
        practical = _skill_is_practical(session)
        taken = _taken_seats(session)
        # The room index stays the site's order (ticket numbers), only fitting rooms are used.
        fitting = [(index, room) for index, room in enumerate(rooms, start=1)
                   if room_refusal(room, session, practical=practical) is None]
        free = [
            (index, room, seat)
            for index, room in fitting
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
            if not fitting:
                result.unseated.append((application, no_room_reason(session, practical=practical)))
                continue
            if not free:
                result.unseated.append((application, _("考位已满：考点适合本场次的考场均无空余考位。")))
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
        refusal = room_refusal(next(r for r in rooms if r.pk == room.pk), session,
                               practical=_skill_is_practical(session))
        if refusal:
            raise ValidationError({"room": [refusal]})
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

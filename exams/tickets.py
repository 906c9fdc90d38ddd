"""The admission ticket (准考证, EXAM-4) as PDF: one A4 page per seated candidate.

- render_tickets(seats) -> bytes: many tickets as ONE PDF, one page each, in a single WeasyPrint
  render (the batch path: a whole session's tickets). Photos, exempt subjects and subject times are
  loaded for all seats in a few queries, never per seat.
- render_ticket(seat) -> bytes: one ticket.
- ticket_seats(queryset) -> the queryset with everything a ticket prints joined or prefetched.
- session_ticket_seats(session) -> a session's seats in print order.

Storing a session's tickets as one PDF (the Celery task's write) is exams.services.tickets.

What a ticket prints is decided here, as display strings: the template stays free of logic. Scope is
the caller's business (exams.views.papers goes through exams.selectors).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping

from django.db.models import Prefetch, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone

from appraisal.idnumbers import mask_id_number
from appraisal.pdf import render_pdf
from exams import marking
from exams.models import ExamSession, Score, SeatAssignment, SessionSubject
from registration.models import Material, MaterialKind
from registration.pdf import photo_data_uri

TEMPLATE = "pdf/admission_ticket.html"
STYLESHEETS = ("pdf/base.css", "pdf/admission_ticket.css")

# 考场规则 printed on every ticket (EXAM-4; the notice's examination discipline).
RULES = (
    "考生须凭本准考证和本人有效居民身份证参加考试，二证缺一不得入场。",
    "考生须提前30分钟到达考点，按准考证上的考场和座位号对号入座，并将准考证和身份证放在桌面左上角备查。",
    "考试开始30分钟后不得入场；理论知识考试开始30分钟内不得交卷离场。",
    "严禁携带手机、智能手表等通讯工具和电子存储设备进入考场；已带入的须关机并交由监考人员统一保管。",
    "除规定的文具和工具外，不得携带书籍、资料等物品进入考场。",
    "考生须服从考评人员和监考人员的安排，保持考场安静，不得交头接耳、抄袭、夹带或由他人替考。",
    "操作技能考核须遵守安全操作规程，按要求穿戴劳动防护用品。",
    "违反考场纪律者，按有关规定给予警告、该科目成绩无效直至取消本次鉴定资格的处理。",
)


def ticket_seats(queryset: QuerySet[SeatAssignment]) -> QuerySet[SeatAssignment]:
    """Everything a ticket prints, in a fixed number of queries whatever the number of seats."""
    return queryset.select_related(
        "session__site", "session__occupation", "session__center", "room", "application"
    ).prefetch_related(
        Prefetch("session__subjects", queryset=SessionSubject.objects.order_by("starts_at", "pk"))
    )


def _photos(seats: list[SeatAssignment]) -> dict[int, bytes]:
    """application id -> the bytes of its photo Material (one query, then one file read each)."""
    ids = [seat.application_id for seat in seats]
    photos = {}
    for material in Material.objects.filter(application_id__in=ids, kind=MaterialKind.PHOTO).only(
        "id", "application_id", "file"
    ):
        try:
            with material.file.open("rb") as handle:
                photos[material.application_id] = handle.read()
        except OSError:
            continue  # a missing file prints the empty photo box, not an error
    return photos


def _exempt_subjects(seats: list[SeatAssignment]) -> dict[int, set[str]]:
    """application id -> subjects it does not sit (a pass kept from the last year, EXAM-8): one
    query per session and one for the applications' own scores."""
    own: dict[int, set[str]] = {}
    for application_id, subject in Score.objects.filter(
        application_id__in=[seat.application_id for seat in seats]
    ).values_list("application_id", "subject"):
        own.setdefault(application_id, set()).add(subject)
    by_session: dict[int, list[SeatAssignment]] = {}
    for seat in seats:
        by_session.setdefault(seat.session_id, []).append(seat)
    exempt = {}
    for group in by_session.values():
        session = group[0].session
        kept = marking.retained_passes_by_candidate(
            [seat.application.candidate_id for seat in group], session.occupation_id, session.level, session.day
        )
        for seat in group:
            application = seat.application
            takes = marking.subjects_left(session.level, kept.get(application.candidate_id, set()),
                                           own.get(application.pk, set()))
            exempt[application.pk] = {s.subject for s in session.subjects.all()} - set(takes)
    return exempt


def _day(value: datetime.date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def ticket_context(seat: SeatAssignment, *, photo: bytes | None = None, exempt: Iterable[str] = ()) -> dict:
    """What one ticket prints, as display strings."""
    session, application = seat.session, seat.application
    exempt = set(exempt)
    subjects = []
    for subject in session.subjects.all():
        starts = timezone.localtime(subject.starts_at)
        ends = starts + datetime.timedelta(minutes=subject.minutes)
        subjects.append({
            "name": subject.get_subject_display(),
            "date": _day(starts.date()),
            "start": f"{starts:%H:%M}",
            "end": f"{ends:%H:%M}",
            "minutes": f"{subject.minutes}分钟",
            "mode": subject.mode,
            "exempt": subject.subject in exempt,
        })
    return {
        "ticket_number": seat.ticket_number,
        "name": application.name,
        "id_number": mask_id_number(application.id_number),
        "occupation": session.occupation.name,
        "level": str(session.get_level_display()),
        "center": session.center.name,
        "day": _day(session.day),
        "site": session.site.name,
        "address": session.site.address,
        "room": seat.room.name,
        "seat": f"{seat.seat_number}号",
        "subjects": subjects,
        "photo": photo_data_uri(photo),
    }


def render_tickets(seats: Iterable[SeatAssignment], *, photos: Mapping[int, bytes] | None = None) -> bytes:
    """Many tickets as ONE PDF, one page each, in a single WeasyPrint render. `photos` maps an
    application pk to its photo's bytes; by default the uploaded photos are loaded in one query."""
    seats = list(seats)
    if not seats:
        raise ValueError("no seat to print")
    if photos is None:
        photos = _photos(seats)
    exempt = _exempt_subjects(seats)
    tickets = [ticket_context(seat, photo=photos.get(seat.application_id), exempt=exempt.get(seat.application_id, ()))
               for seat in seats]
    html = render_to_string(TEMPLATE, {"tickets": tickets, "rules": RULES})
    return render_pdf(html, stylesheets=STYLESHEETS)  # pauses the garbage collector while rendering


def render_ticket(seat: SeatAssignment) -> bytes:
    return render_tickets([seat])


def session_ticket_seats(session: ExamSession) -> QuerySet[SeatAssignment]:
    """A session's seats in print order: room by room, seat by seat."""
    return ticket_seats(SeatAssignment.objects.filter(session=session)).order_by("room__name", "room_id",
                                                                                    "seat_number")

"""Messages of exam events (appraisal/messaging): admission tickets ready, scores published, and
the publication deadline's overdue alert to the clerks. Written in the transaction of the change,
once per event."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from appraisal.messaging import MessageKind, notify_many
from appraisal.messaging.services import clerks_of, notify_each
from appraisal.models import Level
from registration.models import Application


def _session_name(session) -> str:
    return _("%(day)s %(occupation)s（%(level)s）") % {
        "day": session.day.isoformat(), "occupation": session.occupation.name, "level": Level(session.level).label}


def tickets_ready(seats) -> None:
    """Each newly seated candidate may print their admission ticket (one message per seat)."""
    seats = list(seats)
    if not seats:
        return
    candidates = dict(Application.objects.filter(pk__in=[s.application_id for s in seats])
                      .values_list("pk", "candidate_id"))
    link = reverse("exams:my_tickets")
    sessions = {seat.session_id: seat.session for seat in seats}  # one call's seats share a session
    names = {pk: _session_name(session) for pk, session in sessions.items()}
    notify_each(kind=MessageKind.TICKET_READY, entries=[{
        "recipient": candidates[seat.application_id], "event": f"seat:{seat.pk}:ticket",
        "title": _("准考证已可打印：%(session)s") % {
            "session": names[seat.session_id]},
        "body": _("准考证号%(number)s，考场%(room)s，%(seat)d号座位。请打印准考证，考试时携带身份证。") % {
            "number": seat.ticket_number, "room": seat.room.name, "seat": seat.seat_number},
        "link": link,
    } for seat in seats])


def scores_published(session) -> None:
    candidates = (Application.objects.filter(scores__session=session).values_list("candidate_id", flat=True)
                  .distinct())
    notify_many(candidates, kind=MessageKind.SCORES_PUBLISHED, event=f"session:{session.pk}:published",
                title=_("成绩已发布：%(session)s") % {"session": _session_name(session)},
                body=_("请登录查看本次鉴定的各科成绩。"), link=reverse("exams:my_scores"))


def publication_overdue(alert, centers) -> None:
    session = alert.session
    notify_many(clerks_of(centers), kind=MessageKind.OVERDUE_ALERT, event=f"exams.overdue_alert:{alert.pk}",
                title=_("成绩发布已逾期：%(session)s") % {"session": _session_name(session)},
                body=_("成绩应于%(deadline)s前发布。") % {"deadline": alert.deadline.isoformat()},
                link=reverse("exams:score_sheet", args=[session.pk]))

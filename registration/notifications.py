"""Messages of registration's events (appraisal/messaging): the candidate hears of their
application's submission and review, the clerks of the responsible center of a new application
in their queue, a center of the decision on its extra session. Each is written in the transaction
of the change, once per event (the event names the audit row or the request)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from appraisal.messaging import MessageKind, notify
from appraisal.messaging.services import notify_new_event
from appraisal.models import Level, Role, User
from registration.models import (
    Application,
    ApplicationTransition,
    ExtraSessionRequest,
    ExtraSessionStatus,
    Status,
)


def describe(application: Application) -> str:
    level = Level(application.level).label if application.level in Level.values else application.level
    return _("%(occupation)s（%(level)s）") % {"occupation": application.occupation.name, "level": level}


def _sentence(reason: str) -> str:
    """A reason inside a sentence: its own full stop would double the sentence's."""
    return (reason or "").strip().rstrip("。.")


def _queue_clerks(application: Application, actor) -> list[int]:
    clerks = User.objects.filter(role=Role.CENTER_STAFF, center_id=application.center_id, is_active=True)
    if actor is not None:
        clerks = clerks.exclude(pk=actor.pk)
    return list(clerks.values_list("pk", flat=True))


def application_moved(application: Application, entry: ApplicationTransition, actor) -> None:
    """Called by apply_transition with the audit row it just wrote."""
    event = f"application:{application.pk}:transition:{entry.pk}"
    what = describe(application)
    mine = reverse("registration:application_detail", args=[application.pk])
    to = entry.to_status
    if to == Status.SUBMITTED:
        # The candidate's message and the clerks' in one write: the event is this transaction's own.
        queue = {"kind": MessageKind.QUEUE_NEW_APPLICATION,
                 "title": _("新的待审核申报：%(name)s，%(what)s") % {"name": application.name, "what": what},
                 "body": _("请在报名审核中处理。"),
                 "link": reverse("registration:review_detail", args=[application.pk])}
        notify_new_event(event=event, entries=[
            {"recipient": application.candidate_id, "kind": MessageKind.APPLICATION_SUBMITTED,
             "title": _("您的%(what)s申报已提交，等待审核") % {"what": what},
             "body": _("受理机构：%(center)s。审核结果会通过消息通知您。") % {"center": application.center.name},
             "link": mine},
            *({"recipient": clerk, **queue} for clerk in _queue_clerks(application, actor)),
        ])
    elif to == Status.RETURNED:
        notify(application.candidate_id, kind=MessageKind.APPLICATION_RETURNED, event=event,
               title=_("您的%(what)s申报被退回修改") % {"what": what},
               body=_("退回原因：%(reason)s。请按要求修改后重新提交。") % {"reason": _sentence(entry.reason)},
               link=mine)
    elif to == Status.REJECTED:
        notify(application.candidate_id, kind=MessageKind.APPLICATION_REJECTED, event=event,
               title=_("您的%(what)s申报审核不通过") % {"what": what},
               body=_("原因：%(reason)s。") % {"reason": _sentence(entry.reason)}, link=mine)
    elif to == Status.APPROVED:
        notify(application.candidate_id, kind=MessageKind.APPLICATION_APPROVED, event=event,
               title=_("您的%(what)s申报已审核通过") % {"what": what},
               body=_("请按受理机构的通知缴费并等待准考证。"), link=mine)


def extra_session_decided(request: ExtraSessionRequest) -> None:
    """The clerk who asked for the extra session hears of the decision."""
    approved = request.status == ExtraSessionStatus.APPROVED
    title = (_("增加鉴定场次申请已批准：%(day)s %(occupation)s") if approved
             else _("增加鉴定场次申请不予批准：%(day)s %(occupation)s")) % {
        "day": request.day.isoformat(), "occupation": request.occupation.name}
    body = request.decision_reason or ""
    if not approved:
        body = _("理由：%(reason)s") % {"reason": body}
    notify(request.requested_by_id, kind=MessageKind.EXTRA_SESSION_DECIDED,
           event=f"extra_session:{request.pk}:decided", title=title, body=body,
           link=reverse("registration:extra_sessions"))

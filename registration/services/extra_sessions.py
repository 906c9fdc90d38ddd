"""CAL-6: a center with a large group the regular days cannot hold applies for an extra appraisal
session (增加鉴定场次); the upper level approves or refuses it.

* `request_extra_session`: staff managing the center ask for a day (future, in a maintained calendar
  year, its registration not yet closed (CAL-3: 10 working days before the day), not already on the
  center's schedule) for an occupation and a number of candidates.
* `decide_extra_session`: only the upper level decides — staff who can manage the center's parent,
  or the province (authority.can_decide_for) — never the requesting center itself, and never the
  person who made the request (four eyes: city staff may request for a county, then another person
  of the city or the province decides). One pending request per center and day, in the database. An
  approval is refused once the day's registration has closed (nobody could register for it); it puts
  the day on the schedule through `appraisal.services.schedule_appraisal_day` (note 增加鉴定场次),
  limited to the requested occupation (`ScheduledAppraisalDay.occupation`), and links it; a refusal
  needs a reason. The request row is locked, so two concurrent decisions cannot both win.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from appraisal import authority, gates
from appraisal.models import Center, CenterKind, Occupation, ScheduledAppraisalDay
from appraisal.services import schedule_appraisal_day
from appraisal.workdays import CalendarUnknown, WorkdayCalendar, registration_deadline
from registration import notifications
from registration.models import ExtraSessionRequest, ExtraSessionStatus

EXTRA_SESSION_NOTE = "增加鉴定场次"
# ExtraSessionRequest carries no extension of the registration deadline, and the day an approval
# schedules has none either: the plain CAL-3 deadline applies to both checks.
EXTRA_SESSION_EXTENSION_DAYS = 0


def registration_closed_message(deadline: datetime.date, *, approving: bool = False) -> str:
    """CAL-3: an extra day whose registration has closed is useless; nobody could register for it."""
    if approving:
        message = _("该鉴定日的报名截止日期（%(deadline)s）已过，无法增加场次，不能批准；"
                    "请申请机构另选更晚的日期重新申请。")
    else:
        message = _("该鉴定日的报名截止日期（%(deadline)s）已过，无法增加场次，请选择更晚的日期。")
    return message % {"deadline": deadline.isoformat()}


def _require_manager(actor, center: Center):
    if not actor.is_authenticated or not authority.can_manage_center(actor, center):
        raise PermissionDenied(_("您无权代表%(center)s申请增加鉴定场次。") % {"center": center.name})


@transaction.atomic
def request_extra_session(
    *, center: Center, day: datetime.date, occupation: Occupation, expected_candidates: int, reason: str,
    actor, today: datetime.date | None = None,
) -> ExtraSessionRequest:
    today = today or timezone.localdate()
    _require_manager(actor, center)
    errors = {}
    if center.parent_id is None or center.kind == CenterKind.PROVINCE:
        raise ValidationError(_("省职业技能鉴定中心可直接安排鉴定日，无需申请增加鉴定场次。"), code="no_upper_level")
    if center.kind == CenterKind.AFFILIATED_UNIT:
        raise ValidationError(_("中省直单位不是鉴定机构，不能申请增加鉴定场次。"), code="not_a_center")
    if day is None:
        errors["day"] = [_("请填写申请鉴定日期。")]
    elif day <= today:
        errors["day"] = [_("申请鉴定日期必须在今天之后。")]
    else:
        try:
            deadline = registration_deadline(day, EXTRA_SESSION_EXTENSION_DAYS)
        except CalendarUnknown as exc:
            errors["day"] = exc.messages
        else:
            if today > deadline:
                errors["day"] = [registration_closed_message(deadline)]
            elif ScheduledAppraisalDay.objects.filter(center=center, day=day).exists():
                errors["day"] = [_("%(center)s在%(day)s已安排定期鉴定日，无需增加场次。")
                                 % {"center": center.name, "day": day.isoformat()}]
            elif ExtraSessionRequest.objects.filter(
                center=center, day=day, status=ExtraSessionStatus.PENDING
            ).exists():
                errors["day"] = [_("该日期已有待审批的增加场次申请。")]
    if occupation is None:
        errors["occupation"] = [_("请选择职业。")]
    elif occupation.is_cancelled:
        errors["occupation"] = [_("“%(occ)s”已取消，不再受理鉴定。") % {"occ": occupation.name}]
    elif occupation.is_unified:
        errors["occupation"] = [_("“%(occ)s”为统一鉴定职业，由省鉴定中心在统一鉴定日组织，不能申请增加场次。")
                                % {"occ": occupation.name}]
    try:
        count = int(expected_candidates)
    except (TypeError, ValueError):
        count = 0
    if count < 1:
        errors["expected_candidates"] = [_("预计人数至少为1人。")]
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = [_("请填写申请理由（如参加人数、定期鉴定日无法容纳的原因）。")]
    elif len(reason) > 500:
        errors["reason"] = [_("申请理由不能超过500个字。")]
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            return ExtraSessionRequest.objects.create(
                center=center, day=day, occupation=occupation, expected_candidates=count, reason=reason,
                requested_by=actor,
            )
    except IntegrityError as exc:  # a pending request for the day was made at the same moment
        raise ValidationError({"day": [_("该日期已有待审批的增加场次申请。")]}) from exc


def can_decide(actor, request: ExtraSessionRequest) -> bool:
    """The upper level only (authority.can_decide_for: staff who can manage the requesting center's
    parent, never staff of the requesting center itself), and four eyes: never the requester, even
    when city staff asked on behalf of one of their counties."""
    if not gates.has_role(actor, gates.CLERKS):
        return False
    if request.requested_by_id == actor.pk:
        return False
    return authority.can_decide_for(actor, request.center)


def decide_extra_session(
    request: ExtraSessionRequest, *, approve: bool, reason: str = "", actor, today: datetime.date | None = None,
) -> ExtraSessionRequest:
    """Approve (scheduling the day) or refuse (with a reason) a pending request, exactly once."""
    today = today or timezone.localdate()
    reason = (reason or "").strip()
    with transaction.atomic():
        locked = (
            ExtraSessionRequest.objects.select_for_update(of=("self",))
            .select_related("center__parent", "occupation")
            .get(pk=request.pk)
        )
        if authority.can_decide_for(actor, locked.center) and locked.requested_by_id == actor.pk:
            raise PermissionDenied(_("申请人不能审批自己提交的增加鉴定场次申请，须由上级鉴定机构的其他人员审批。"))
        if not can_decide(actor, locked):
            raise PermissionDenied(_("增加鉴定场次须由%(center)s的上级鉴定机构审批。") % {"center": locked.center.name})
        if locked.status != ExtraSessionStatus.PENDING:
            raise ValidationError(
                _("该申请已审批（%(status)s），不能重复审批。") % {"status": locked.get_status_display()},
                code="already_decided",
            )
        if len(reason) > 500:
            raise ValidationError(_("审批意见不能超过500个字。"), code="reason_too_long")
        if approve:
            if locked.day <= today:
                raise ValidationError(_("申请的鉴定日期已过，不能批准。"), code="past")
            deadline = registration_deadline(locked.day, EXTRA_SESSION_EXTENSION_DAYS)  # CalendarUnknown
            if today > deadline:
                raise ValidationError(registration_closed_message(deadline, approving=True),
                                      code="registration_closed")
            if ScheduledAppraisalDay.objects.filter(center=locked.center, day=locked.day).exists():
                raise ValidationError(_("%(center)s在%(day)s已有定期鉴定日。")
                                      % {"center": locked.center.name, "day": locked.day.isoformat()},
                                      code="already_scheduled")
            # The extra session is for the requested occupation only.
            locked.scheduled_day = schedule_appraisal_day(
                center=locked.center, day=locked.day, extension_days=EXTRA_SESSION_EXTENSION_DAYS,
                note=EXTRA_SESSION_NOTE, occupation=locked.occupation,
            )
            locked.status = ExtraSessionStatus.APPROVED
        else:
            if not reason:
                raise ValidationError(_("不予批准时请填写理由。"), code="reason_required")
            locked.status = ExtraSessionStatus.REFUSED
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.decision_reason = reason
        locked.save(update_fields=["status", "decided_by", "decided_at", "decision_reason", "scheduled_day"])
        notifications.extra_session_decided(locked)
    return locked


def with_registration_deadlines(requests, *, today: datetime.date | None = None) -> list[ExtraSessionRequest]:
    """For the pages: each request gets `registration_deadline` (None when the day's calendar year
    is not maintained) and `registration_closed` (an approval would be refused)."""
    today = today or timezone.localdate()
    calendar = WorkdayCalendar()
    items = list(requests)
    for item in items:
        try:
            item.registration_deadline = registration_deadline(
                item.day, EXTRA_SESSION_EXTENSION_DAYS, calendar=calendar)
        except CalendarUnknown:
            item.registration_deadline = None
        item.registration_closed = item.registration_deadline is not None and today > item.registration_deadline
    return items

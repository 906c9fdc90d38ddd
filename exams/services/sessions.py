"""Sessions (EXAM-1..EXAM-3): scheduling with the subjects of the level, and the publication deadline
with its overdue alert (EXAM-7)."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from appraisal import authority
from appraisal.models import (
    Center,
    Occupation,
    OccupationLevel,
    RetakeDay,
    ScheduledAppraisalDay,
    SkillExamMode,
    UnifiedAppraisal,
)
from appraisal.workdays import add_working_days
from exams import notifications
from exams.models import (
    ExamSession,
    OverdueAlert,
    SessionStatus,
    SessionSubject,
    Site,
    Subject,
    subjects_for_level,
)
from exams.services.common import require_manager

PUBLICATION_WORKING_DAYS = {"daily": 15, "unified": 20}  # EXAM-7, the 2017 values
BREAK_MINUTES = 30


# --- Scheduling (EXAM-1..EXAM-3) --------------------------------------------------------------------


def _target_day(target) -> tuple[dict, list[datetime.date]]:
    if isinstance(target, UnifiedAppraisal):
        return {"unified_appraisal": target}, [target.first_day, target.second_day]
    if isinstance(target, ScheduledAppraisalDay):
        return {"scheduled_day": target}, [target.day]
    if isinstance(target, RetakeDay):
        return {"retake_day": target}, [target.day]
    raise ValidationError(_("请选择鉴定批次。"))


def past_day_message(day: datetime.date) -> str:
    return _(
        "该鉴定批次的鉴定日已过（%(day)s）。确需为已过的鉴定日安排场次（补录已举行的鉴定），"
        "请先选择“显示已过的鉴定日”（接口请求：past=true）。"
    ) % {"day": f"{day:%Y-%m-%d}"}


def theory_mode():
    return _("闭卷笔试")


@transaction.atomic
def schedule_session(
    *, actor, center: Center, site: Site, occupation: Occupation, level: int, target, day=None,
    start=datetime.time(9, 0), pass_mark=Decimal("60"), allow_past=False,
) -> ExamSession:
    """Plan a session; its subjects follow the level (EXAM-1..EXAM-3). A day before today is refused
    unless the caller asked for past days explicitly (`allow_past`: the form's 显示已过的鉴定日, the
    API's ``past``), which records a session already held, such as the demo's 2017 days."""
    require_manager(actor, center)
    level = int(level)
    if site.center_id != center.pk:
        raise ValidationError({"site": [_("考点不属于%(center)s。") % {"center": center.name}]})
    if not site.is_active:
        raise ValidationError({"site": [_("该考点已停用。")]})
    occupation_level = OccupationLevel.objects.filter(occupation=occupation, level=level).first()
    if occupation_level is None:
        raise ValidationError({"level": [_("“%(occ)s”不设该等级。") % {"occ": occupation.name}]})
    decision = authority.may_organize(center, occupation, level, retake=isinstance(target, RetakeDay))
    if not decision:
        raise ValidationError(decision.reason)
    if isinstance(target, ScheduledAppraisalDay) and target.center_id != center.pk:
        raise ValidationError(_("该定期鉴定日不是%(center)s的。") % {"center": center.name})
    target_fields, days = _target_day(target)
    day = day or days[0]
    if day not in days:
        raise ValidationError({"day": [_("考试日期必须是该鉴定批次的鉴定日。")]})
    if day < timezone.localdate() and not allow_past:
        raise ValidationError(past_day_message(day))
    try:
        pass_mark = Decimal(str(pass_mark))
    except InvalidOperation as exc:
        raise ValidationError({"pass_mark": [_("合格分数线必须是数字。")]}) from exc
    if not Decimal(0) <= pass_mark <= Decimal(100):
        raise ValidationError({"pass_mark": [_("合格分数线必须在0到100之间。")]})
    session = ExamSession.objects.create(
        center=center, site=site, occupation=occupation, level=level, day=day, pass_mark=pass_mark,
        created_by=actor, **target_fields,
    )
    tz = timezone.get_current_timezone()
    starts = datetime.datetime.combine(day, start, tzinfo=tz)
    plan = [(Subject.THEORY, occupation_level.theory_minutes, theory_mode())]
    plan.append((Subject.SKILL, occupation_level.skill_minutes, str(SkillExamMode(occupation_level.skill_mode).label)))
    if Subject.REVIEW in subjects_for_level(level):
        plan.append((Subject.REVIEW, 60, _("业绩成果评价（提交书面业绩成果报告）")))
    subjects = []
    for subject, minutes, mode in plan:
        subjects.append(SessionSubject(session=session, subject=subject, starts_at=starts, minutes=minutes, mode=mode))
        starts += datetime.timedelta(minutes=minutes + BREAK_MINUTES)
    SessionSubject.objects.bulk_create(subjects)
    return session


# --- Publication deadline (EXAM-7) ------------------------------------------------------------------


def publication_deadline(session: ExamSession) -> datetime.date:
    """EXAM-7: 15 working days after a daily appraisal, 20 after a unified one."""
    days = PUBLICATION_WORKING_DAYS["unified" if session.is_unified else "daily"]
    return add_working_days(session.day, days)


def check_publication_deadlines(*, today=None) -> int:
    """Celery beat (EXAM-7): raise one overdue alert per session past its deadline, to the center and
    the upper level. Idempotent: a session already alerted is skipped (and the database refuses twice)."""
    today = today or timezone.localdate()
    raised = 0
    sessions = ExamSession.objects.filter(status=SessionStatus.PLANNED, day__lt=today, overdue_alert__isnull=True)
    for session in sessions.select_related("center__parent", "unified_appraisal", "retake_day"):
        try:
            deadline = publication_deadline(session)
        except ValidationError:
            continue  # an unmaintained calendar year: no guessed alert
        if today <= deadline:
            continue
        try:
            with transaction.atomic():  # the alert and whom it notifies, together or not at all
                alert = OverdueAlert.objects.create(session=session, deadline=deadline)
                centers = [c for c in (session.center, session.center.parent) if c is not None]
                alert.notified_centers.set(centers)
                notifications.publication_overdue(alert, centers)
        except IntegrityError:
            continue
        raised += 1
    return raised

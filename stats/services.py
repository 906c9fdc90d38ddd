"""Writes of the quarterly statistics (STAT-1): the report text, submission to the province,
acceptance or return, resubmission as a new frozen version, the deadlines, and the beat job that
reminds and raises the late alert.

The states and who moves a quarter between them are in one table (TRANSITIONS); `_move` is the
one function that changes a state, and records who, when, from, to and why.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from appraisal import authority
from appraisal.gates import CLERKS
from appraisal.models import Center, CenterKind
from appraisal.workdays import CalendarUnknown, WorkdayCalendar, add_working_days
from stats import notifications, selectors
from stats.models import (
    AlertKind,
    QuarterAlert,
    QuarterDeadline,
    QuarterReport,
    QuarterState,
    QuarterTransition,
    QuarterVersion,
)

S = QuarterState


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    by_province: bool  # decided by the province; otherwise done by the compiling center's own staff
    needs_text: str  # "" or the Chinese message when the comment/reason is missing


# (from, to) -> the transition. Everything not in the table is refused.
TRANSITIONS = {
    (S.DRAFT, S.SUBMITTED): Transition("submit", _("报送"), False, ""),
    (S.RETURNED, S.SUBMITTED): Transition("resubmit", _("重新报送"), False, _("重新报送须填写原因。")),
    (S.SUBMITTED, S.ACCEPTED): Transition("accept", _("接收"), True, ""),
    (S.SUBMITTED, S.RETURNED): Transition("return", _("退回修改"), True, _("退回须填写意见。")),
}


# --- Who compiles, and by when ------------------------------------------------------------------


def compiling_centers():
    """The centers that compile and submit a quarter to the province: every city-level center
    (the cities and 长白山管委会), active or not (an inactive one's quarter is still missing)."""
    return Center.objects.filter(kind=CenterKind.CITY).order_by("division_code", "name")


def is_compiling(center: Center) -> bool:
    return center.kind == CenterKind.CITY


def default_deadline(year: int, quarter: int, *, calendar: WorkdayCalendar | None = None) -> datetime.date:
    """The 10th working day (STATS_DEADLINE_WORKING_DAYS) after the quarter's last day; raises
    CalendarUnknown while that stretch of the calendar is not maintained."""
    last_day = selectors.quarter_bounds(year, quarter)[1] - datetime.timedelta(days=1)
    return add_working_days(last_day, settings.STATS_DEADLINE_WORKING_DAYS, calendar=calendar)


def deadline_for(year: int, quarter: int) -> datetime.date:
    """The quarter's deadline: the province's when it set one, else the default."""
    found = QuarterDeadline.objects.filter(year=year, quarter=quarter).values_list("due_on", flat=True).first()
    return found or default_deadline(year, quarter)


def set_deadline(*, actor, year, quarter, due_on: datetime.date) -> QuarterDeadline:
    """The province sets a quarter's deadline; it must fall after the quarter ends."""
    if not authority.is_province_staff(actor):
        raise PermissionDenied(_("只有省职业技能鉴定中心可以设置统计报送期限。"))
    year, quarter = selectors.check_quarter(year, quarter)
    if due_on < selectors.quarter_bounds(year, quarter)[1]:
        raise ValidationError({"due_on": _("报送期限须在该季度结束之后。")})
    deadline, _created = QuarterDeadline.objects.update_or_create(
        year=year, quarter=quarter, defaults={"due_on": due_on, "set_by": actor})
    return deadline


# --- The quarter of one center ------------------------------------------------------------------


def writes_quarter_of(actor, center: Center) -> bool:
    """Only the compiling center's own staff write its quarter: not the province (which accepts or
    returns), not a county, not another city, not an HR official (who reads)."""
    return actor.is_authenticated and actor.role in CLERKS and actor.center_id == center.pk


def _require_own_staff(actor, center: Center, doing: str) -> None:
    if not writes_quarter_of(actor, center):
        raise PermissionDenied(_("只有%(center)s的工作人员可以%(doing)s。") % {"center": center.name, "doing": doing})


def open_report(*, actor, center: Center, year, quarter) -> QuarterReport:
    """The center's quarter, created as a draft the first time its staff open it."""
    year, quarter = selectors.check_quarter(year, quarter)
    if not is_compiling(center):
        raise ValidationError(_("%(center)s不是地市级鉴定中心，不编制报送季度统计；其数据由所属地市汇总报送。")
                              % {"center": center.name})
    _require_own_staff(actor, center, _("编制本机构的季度统计"))
    report, _created = QuarterReport.objects.get_or_create(center=center, year=year, quarter=quarter)
    return report


def save_text(*, actor, report: QuarterReport, text: str) -> QuarterReport:
    """Staff edit the analysis report while the quarter is theirs to write (a draft or returned)."""
    with transaction.atomic():
        report = QuarterReport.objects.select_for_update().select_related("center").get(pk=report.pk)
        _require_own_staff(actor, report.center, _("修改统计分析报告"))
        if report.state not in (S.DRAFT, S.RETURNED):
            raise ValidationError(_("该季度统计%(state)s，不能修改。") % {"state": report.get_state_display()})
        text = text.replace("\r\n", "\n")  # a browser's line ends: counted as the one character people see
        if len(text) > 50_000:
            raise ValidationError({"report_text": _("统计分析报告不能超过50000字。")})
        report.report_text = text
        report.text_updated_by, report.text_updated_at = actor, timezone.now()
        report.save(update_fields=["report_text", "text_updated_by", "text_updated_at"])
    return report


COMMENT_MAX_LENGTH = 500


def _move(report: QuarterReport, to_state: str, *, actor, comment: str = "", version=None) -> QuarterTransition:
    """The one function that changes a quarter's state, with its audit row. The caller holds the lock."""
    entry = QuarterTransition.objects.create(report=report, from_state=report.state, to_state=to_state,
                                             version=version, actor=actor, comment=comment)
    report.state = to_state
    report.save(update_fields=["state"])
    return entry


def _allowed(report: QuarterReport, to_state: str, actor, comment: str) -> Transition:
    transition = TRANSITIONS.get((report.state, to_state))
    if transition is None:
        raise ValidationError(_("该季度统计当前为“%(state)s”，不能%(to)s。")
                              % {"state": report.get_state_display(), "to": S(to_state).label})
    if transition.by_province:
        if not authority.is_province_staff(actor):
            raise PermissionDenied(_("只有省职业技能鉴定中心可以接收或退回季度统计。"))
    else:
        _require_own_staff(actor, report.center, transition.label)
    if transition.needs_text and not comment.strip():
        raise ValidationError({"comment": transition.needs_text})
    if len(comment.strip()) > COMMENT_MAX_LENGTH:  # the columns' length (QuarterVersion.reason, .comment)
        raise ValidationError({"comment": _("意见或原因不能超过%(n)d字。") % {"n": COMMENT_MAX_LENGTH}})
    return transition


def submit(*, actor, report: QuarterReport, reason: str = "", today: datetime.date | None = None) -> QuarterVersion:
    """Submit (or, after a return, resubmit with a reason) the quarter to the province: the live
    figures and the report text are frozen as a new version."""
    today = today or timezone.localdate()
    with transaction.atomic():
        report = QuarterReport.objects.select_for_update().select_related("center").get(pk=report.pk)
        _allowed(report, S.SUBMITTED, actor, reason)
        selectors.check_quarter(report.year, report.quarter, today=today)
        if (report.year, report.quarter) == selectors.current_quarter(today):
            raise ValidationError(_("本季度尚未结束，季度结束后才能报送。"))
        try:
            due_on = deadline_for(report.year, report.quarter)
        except CalendarUnknown as exc:
            raise ValidationError(_("报送期限所在年份的工作日历尚未维护，请先由省鉴定中心设置报送期限。")) from exc
        number = report.versions.count() + 1
        version = QuarterVersion.objects.create(
            report=report, number=number,
            figures=selectors.quarter_figures(report.center, report.year, report.quarter),
            report_text=report.report_text, reason=reason.strip() if number > 1 else "",
            submitted_by=actor, due_on=due_on, on_time=today <= due_on)
        entry = _move(report, S.SUBMITTED, actor=actor, comment=reason.strip(), version=version)
        notifications.submitted(report, version, entry)
    return version


def decide(*, actor, report: QuarterReport, accept: bool, comment: str = "") -> QuarterTransition:
    """The province accepts the submitted quarter, or returns it with its comment."""
    with transaction.atomic():
        report = QuarterReport.objects.select_for_update().select_related("center").get(pk=report.pk)
        to_state = S.ACCEPTED if accept else S.RETURNED
        _allowed(report, to_state, actor, comment)
        entry = _move(report, to_state, actor=actor, comment=comment.strip(), version=report.versions.last())
        notifications.decided(report, entry, accepted=accept)
        return entry


# --- The beat job ----------------------------------------------------------------------------------


def check_deadlines(*, today: datetime.date | None = None) -> dict:
    """Celery beat (STAT-1), for the last quarter that ended: remind each compiling center that has
    not submitted, from 3 working days (STATS_REMINDER_WORKING_DAYS) before the deadline; once the
    deadline has passed, raise one late alert to the center and the province. Idempotent: each
    alert exists once per center, quarter and kind (a database constraint), a second run adds none."""
    today = today or timezone.localdate()
    year, quarter = selectors.previous_quarter(*selectors.current_quarter(today))
    calendar = WorkdayCalendar()
    try:
        found = QuarterDeadline.objects.filter(year=year, quarter=quarter).values_list("due_on", flat=True).first()
        due_on = found or default_deadline(year, quarter, calendar=calendar)
        remind_from = add_working_days(due_on, -settings.STATS_REMINDER_WORKING_DAYS, calendar=calendar)
    except CalendarUnknown:
        return {"reminders": 0, "late": 0}
    if today < remind_from:
        return {"reminders": 0, "late": 0}
    kind = AlertKind.LATE if today > due_on else AlertKind.REMINDER
    submitted = set(QuarterReport.objects.filter(year=year, quarter=quarter).exclude(state=S.DRAFT)
                    .values_list("center_id", flat=True))
    province = Center.objects.filter(kind=CenterKind.PROVINCE).first()
    raised = 0
    for center in compiling_centers().filter(is_active=True).exclude(pk__in=submitted):
        try:
            with transaction.atomic():
                alert, created = QuarterAlert.objects.get_or_create(
                    center=center, year=year, quarter=quarter, kind=kind, defaults={"due_on": due_on})
                if created:
                    notified = [center] + ([province] if kind == AlertKind.LATE and province else [])
                    alert.notified_centers.set(notified)
                    notifications.deadline_alert(alert, notified)
                    raised += 1
        except IntegrityError:
            continue  # a concurrent run raised it first
    return {"reminders": raised if kind == AlertKind.REMINDER else 0, "late": raised if kind == AlertKind.LATE else 0}

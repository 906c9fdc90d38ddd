"""Which appraisals a candidate can apply for, their registration windows (CAL-2, CAL-3, CAL-5) and
which center appraises them (ORG-2..ORG-8, through the authority engine)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from appraisal import authority
from appraisal.gates import CLERKS
from appraisal.models import (
    Center,
    Level,
    Occupation,
    OccupationLevel,
    RetakeDay,
    RetakeKind,
    Role,
    ScheduledAppraisalDay,
    UnifiedAppraisal,
    User,
)
from appraisal.workdays import CalendarUnknown, registration_deadline

# --- Appraisals a candidate can apply for, and their windows (CAL-2, CAL-3, CAL-5) ----------


@dataclass(frozen=True)
class Window:
    opens: datetime.date | None
    closes: datetime.date

    def is_open(self, today: datetime.date) -> bool:
        return (self.opens is None or self.opens <= today) and today <= self.closes


def window_for(target) -> Window:
    """The registration window of an appraisal; raises CalendarUnknown for unmaintained years."""
    if isinstance(target, UnifiedAppraisal):
        return Window(target.registration_opens, target.registration_closes)
    if isinstance(target, ScheduledAppraisalDay):
        return Window(None, registration_deadline(target.day, target.registration_extension_days))
    if isinstance(target, RetakeDay):
        if target.kind == RetakeKind.UNIFIED:
            # A unified retake is held with the unified appraisal of that half-year: same window.
            unified = UnifiedAppraisal.objects.filter(first_day__lte=target.day, second_day__gte=target.day).first()
            if unified is not None:
                return Window(unified.registration_opens, unified.registration_closes)
        return Window(None, registration_deadline(target.day))
    raise TypeError(target)


def check_window(target, today: datetime.date) -> Window:
    try:
        window = window_for(target)
    except CalendarUnknown as exc:
        raise ValidationError(exc.messages, code="calendar_unknown") from exc
    if not window.is_open(today):
        if window.opens and today < window.opens:
            message = _("报名尚未开始，报名时间为%(opens)s至%(closes)s。")
        else:
            message = _("报名已截止（截止日期%(closes)s）。")
        raise ValidationError(
            message % {"opens": window.opens and window.opens.isoformat(), "closes": window.closes.isoformat()},
            code="window_closed",
        )
    return window


def responsible_center(candidate, occupation: Occupation, level: int, *, retake: bool, today) -> Center:
    """The nearest center the authority engine allows, or a ValidationError with its reason."""
    found = authority.appraising_centers(candidate, occupation, level, retake=retake, on_date=today)
    if not found:
        raise ValidationError(
            authority.explain_refusal(candidate, occupation, level, retake=retake, on_date=today), code="authority"
        )
    return found[0][0]


def extra_day_message(day: ScheduledAppraisalDay, occupation) -> str:
    # CAL-6: an extra session is approved for one occupation's group.
    return _("%(day)s是为“%(occ)s”增加的鉴定场次，不受理“%(other)s”。") % {
        "day": day.day.isoformat(), "occ": day.occupation.name, "other": occupation.name,
    }


def check_level_offered(occupation: Occupation, level: int) -> None:
    """OCC: the occupation is appraised at this level (its OccupationLevel exists)."""
    if not OccupationLevel.objects.filter(occupation=occupation, level=level).exists():
        raise ValidationError(
            {"level": [_("“%(occ)s”不设%(level)s鉴定。") % {"occ": occupation.name, "level": Level(level).label}]}
        )


def engine_decision(center, target, candidate, occupation, level, *, retake, today):
    """The authority engine's decision (ORG-2..ORG-7) for one center and appraisal: on a center's
    day the day itself counts (a student must still be at school then)."""
    return authority.can_appraise(
        center, candidate, occupation, level, retake=retake, on_date=today,
        appraisal_day=target.day if isinstance(target, ScheduledAppraisalDay) else None,
    )


def target_center(target, candidate, occupation, level, *, retake, today) -> Center:
    """Which center appraises this application, checked by the engine for the chosen appraisal."""
    if isinstance(target, ScheduledAppraisalDay):
        if occupation.is_unified and not retake:
            # CAL-1: unified occupations are appraised only on the unified days, never on a center's day.
            raise ValidationError(
                _("“%(occ)s”是统一鉴定职业，只在统一鉴定日（5月20日、21日，11月18日、19日）鉴定，请选择统一鉴定。")
                % {"occ": occupation.name},
                code="wrong_target",
            )
        if not target.accepts(occupation):
            raise ValidationError(extra_day_message(target, occupation), code="wrong_occupation")
        decision = engine_decision(target.center, target, candidate, occupation, level, retake=retake, today=today)
        if not decision:
            raise ValidationError(decision.reason, code="authority")
        return target.center
    if isinstance(target, UnifiedAppraisal) and not occupation.is_unified:
        raise ValidationError(
            _("“%(occ)s”是日常鉴定职业，请选择鉴定机构的定期鉴定日。") % {"occ": occupation.name}, code="wrong_target"
        )
    if isinstance(target, RetakeDay):
        expected = RetakeKind.UNIFIED if occupation.is_unified else RetakeKind.DAILY
        if target.kind != expected:
            raise ValidationError(
                _("“%(occ)s”的补考安排在%(kind)s日。") % {"occ": occupation.name, "kind": RetakeKind(expected).label},
                code="wrong_retake_day",
            )
    return responsible_center(candidate, occupation, level, retake=retake, today=today)


def open_appraisals(candidate, occupation: Occupation, level: int, *, retake=False, today=None):
    """The appraisals this candidate can apply for now, each with its center (for the form)."""
    today = today or timezone.localdate()
    options = []
    if retake:
        targets = list(RetakeDay.objects.filter(day__gte=today))
    elif occupation.is_unified:
        targets = list(UnifiedAppraisal.objects.filter(first_day__gte=today))
    else:
        centers = [c for c, _d in authority.appraising_centers(candidate, occupation, level, on_date=today)]
        targets = list(
            ScheduledAppraisalDay.objects.filter(center__in=centers, day__gt=today)
            # CAL-6: an extra day for another occupation is not this candidate's option.
            .filter(Q(occupation__isnull=True) | Q(occupation=occupation))
            .select_related("center", "occupation")
            .order_by("day")[:20]
        )
    for target in targets:
        try:
            window = check_window(target, today)
            center = target_center(target, candidate, occupation, level, retake=retake, today=today)
        except ValidationError:
            continue
        options.append((target, center, window))
    return options


# --- candidate pages: what a choice of occupation, level and retake leads to (REG-5, CAL-5) ---


@dataclass(frozen=True)
class CandidateChoice:
    center: Center  # the nearest center the authority engine allows
    reason: str  # the engine's reason, in Chinese
    rule: str  # the rule it applied (ORG-2..ORG-7)
    options: list  # open_appraisals(): (target, center, window), registration open today


def candidate_choice(candidate, occupation: Occupation, level, *, retake=False, today=None) -> CandidateChoice:
    """Step one of applying: which center appraises this choice and why, and which appraisals are
    open now; a ValidationError in Chinese when the level is not offered, a retake is asked for an
    occupation the State Council did not cancel, or no center has authority (with its reason)."""
    today = today or timezone.localdate()
    level = int(level)
    check_level_offered(occupation, level)
    if retake and not occupation.cancelled_by_state_council:
        raise ValidationError(
            {"retake": [_("补考仅适用于国务院取消的职业；“%(occ)s”不能按补考申报。") % {"occ": occupation.name}]}
        )
    found = authority.appraising_centers(candidate, occupation, level, retake=retake, on_date=today)
    if not found:
        raise ValidationError(
            authority.explain_refusal(candidate, occupation, level, retake=retake, on_date=today), code="authority"
        )
    center, decision = found[0]
    options = open_appraisals(candidate, occupation, level, retake=retake, today=today)
    return CandidateChoice(center, decision.reason, decision.rule, options)


# --- staff pages: entering an application on a candidate's behalf (REG-3, ORG-7, ORG-8) ---


def staff_entry_options(
    actor: User, candidate: User, occupation: Occupation, level, *, retake=False, today=None
) -> list:
    """The open appraisals (target, center, window) a center's staff may enter for this candidate:
    those of centers the staff act for. When none, a ValidationError with the engine's reason (the
    staff's own center first: ORG-7 school and enterprise bodies take only their own students and
    employees) and the center that is responsible instead."""
    today = today or timezone.localdate()
    if actor.role not in CLERKS:
        raise PermissionDenied(_("只有鉴定机构工作人员可以代考生录入申报。"))
    if candidate.role != Role.CANDIDATE:
        raise ValidationError(_("只能为考生创建申报。"))
    level = int(level)
    check_level_offered(occupation, level)
    options = open_appraisals(candidate, occupation, level, retake=retake, today=today)
    mine = [option for option in options if authority.can_manage_center(actor, option[1])]
    if mine:
        return mine
    own = authority.can_appraise(actor.center, candidate, occupation, level, retake=retake, on_date=today)
    found = authority.appraising_centers(candidate, occupation, level, retake=retake, on_date=today)
    if not found:
        raise ValidationError(
            own.reason if not own else authority.explain_refusal(candidate, occupation, level, retake=retake, on_date=today),
            code="authority",
        )
    responsible = found[0][0]
    if not authority.can_manage_center(actor, responsible):
        parts = [own.reason] if not own else []
        parts.append(_("该考生应由%(center)s受理，不在您的管辖范围内。") % {"center": responsible.name})
        raise ValidationError("".join(parts), code="authority")
    raise ValidationError(
        _("%(center)s目前没有正在报名的鉴定场次。") % {"center": responsible.name}, code="no_open_appraisal"
    )

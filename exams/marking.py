"""The rules of marking (EXAM-5, EXAM-6, EXAM-8, EXAM-11), without writes: who may mark a session,
recusal, discipline measures that bear on scores, passes kept a year, and the checks and the plan of
one score write. exams.services.scores applies them one score at a time, the Excel import
(exams.services.score_import) to a whole session loaded once, the score sheet (exams.scoring) to
show them."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from appraisal import authority
from appraisal.models import User
from appraisal.workdays import add_years
from exams import selectors
from exams.models import (
    DeclaredRelation,
    DisciplineIncident,
    ExamSession,
    IncidentMeasure,
    Score,
    ScoreChange,
    SessionStatus,
    Subject,
    subjects_for_level,
)
from registration.models import Application

PASS_RETENTION_YEARS = 1  # EXAM-8: 单科合格成绩保留一年 (a calendar year: workdays.add_years)


# --- Recusal (EXAM-5 回避) ----------------------------------------------------------------------------


def recusal_conflicts(examiners, candidates) -> dict[int, str]:
    """EXAM-5 回避: candidate id -> the reason an assigned examiner must not examine them."""
    conflicts = {}
    if not examiners or not candidates:
        return conflicts
    relations = set(
        DeclaredRelation.objects.filter(examiner__in=examiners, candidate__in=candidates).values_list(
            "examiner_id", "candidate_id"
        )
    )
    for candidate in candidates:
        for examiner in examiners:
            reason = recusal_reason(examiner, candidate, relations)
            if reason:
                conflicts[candidate.pk] = reason
                break
    return conflicts


def _normalized(text):
    return "".join((text or "").split())


def recusal_reason(examiner: User, candidate: User, relations: set) -> str | None:
    name = examiner.display_name
    if (examiner.pk, candidate.pk) in relations:
        return _("考评人员%(name)s申报与考生%(cand)s有亲属或其他关系，须回避。") % {"name": name, "cand": candidate.display_name}
    if examiner.employer_body_id and examiner.employer_body_id == candidate.employer_body_id:
        return _("考评人员%(name)s与考生%(cand)s同属%(unit)s，须回避。") % {
            "name": name, "cand": candidate.display_name, "unit": examiner.employer_body.name}
    if examiner.school_id and examiner.school_id == candidate.school_id:
        return _("考评人员%(name)s与考生%(cand)s同属%(unit)s，须回避。") % {
            "name": name, "cand": candidate.display_name, "unit": examiner.school.name}
    if _normalized(examiner.employer_name) and _normalized(examiner.employer_name) == _normalized(candidate.employer_name):
        return _("考评人员%(name)s与考生%(cand)s工作单位相同（%(unit)s），须回避。") % {
            "name": name, "cand": candidate.display_name, "unit": examiner.employer_name}
    return None


def declared_relations(examiner, candidates) -> set[tuple[int, int]]:
    """The (examiner id, candidate id) pairs an examiner declared with these candidates (a list or a
    queryset of candidate ids), in one query."""
    return set(DeclaredRelation.objects.filter(examiner=examiner, candidate__in=candidates).values_list(
        "examiner_id", "candidate_id"))


def check_recusal(actor, candidate, relations: set) -> None:
    """EXAM-5 回避: `relations` holds the (examiner id, candidate id) pairs declared."""
    reason = recusal_reason(actor, candidate, relations)
    if reason:
        raise PermissionDenied(reason)


# --- Discipline measures (EXAM-11) ------------------------------------------------------------------


@dataclass(frozen=True)
class Discipline:
    """EXAM-11 measures that bear on an application's scores."""

    disqualified: bool = False  # 取消本次鉴定资格: no score counts, none is entered
    void: frozenset = frozenset()  # 该科目成绩无效: these subjects count as failed


NO_MEASURE = Discipline()


def discipline_by_application(application_ids) -> dict[int, Discipline]:
    """Application id -> its discipline measures, in one query (`application_ids` may be a queryset)."""
    found: dict[int, tuple[bool, set]] = {}
    rows = DisciplineIncident.objects.filter(
        application_id__in=application_ids, measure__in=[IncidentMeasure.DISQUALIFIED, IncidentMeasure.SUBJECT_VOID]
    ).values_list("application_id", "measure", "subject")
    for application_id, measure, subject in rows:
        disqualified, void = found.setdefault(application_id, (False, set()))
        if measure == IncidentMeasure.DISQUALIFIED:
            found[application_id] = (True, void)
        elif subject:
            void.add(subject)
    return {pk: Discipline(disqualified=d, void=frozenset(v)) for pk, (d, v) in found.items()}


def discipline_of(application) -> Discipline:
    return discipline_by_application([application.pk]).get(application.pk, NO_MEASURE)


def check_discipline(subject, discipline: Discipline) -> None:
    """EXAM-11: no score is entered for a disqualified candidate, nor for a subject made void."""
    if discipline.disqualified:
        raise ValidationError(_("该考生因违纪已被取消本次鉴定资格，不能录入成绩。"))
    if subject in discipline.void:
        raise ValidationError(_("该考生的“%(subject)s”科目因违纪成绩无效，不能录入成绩。")
                              % {"subject": Subject(subject).label})


# --- Passes kept a year (EXAM-8) --------------------------------------------------------------------


def _not_voided():
    """A score voided by a discipline measure (its subject, or the whole application) is no pass."""
    return ~Exists(DisciplineIncident.objects.filter(application_id=OuterRef("application_id")).filter(
        Q(measure=IncidentMeasure.DISQUALIFIED) | Q(measure=IncidentMeasure.SUBJECT_VOID, subject=OuterRef("subject"))
    ))


def retained_passes(candidate_id, occupation_id, level, on_date) -> set[str]:
    """EXAM-8: subjects passed within the last year, still kept on `on_date` (EXAM-11: never a
    subject made void, nor any subject of a disqualified application)."""
    return set(
        Score.objects.filter(
            _not_voided(),
            application__candidate_id=candidate_id, application__occupation_id=occupation_id,
            application__level=level, passed=True, pass_expired=False, pass_valid_until__gte=on_date,
            session__status=SessionStatus.PUBLISHED,
        ).values_list("subject", flat=True)
    )


def retained_passes_by_candidate(candidate_ids, occupation_id, level, on_date) -> dict[int, set[str]]:
    """retained_passes for many candidates of one occupation and level in one query: candidate id ->
    subjects kept. `candidate_ids` may be a queryset (sent as a subquery)."""
    kept: dict[int, set[str]] = {}
    rows = Score.objects.filter(
        _not_voided(),
        application__candidate_id__in=candidate_ids, application__occupation_id=occupation_id,
        application__level=level, passed=True, pass_expired=False, pass_valid_until__gte=on_date,
        session__status=SessionStatus.PUBLISHED,
    ).values_list("application__candidate_id", "subject")
    for candidate_id, subject in rows:
        kept.setdefault(candidate_id, set()).add(subject)
    return kept


def subjects_left(level, kept: set[str], own: set[str]) -> list[str]:
    """The level's subjects less those kept (EXAM-8); a subject this application already has a score
    for is never counted as kept."""
    kept = set(kept) - set(own)
    return [s for s in subjects_for_level(level) if s not in kept]


def subjects_to_take(application: Application, on_date=None) -> list[str]:
    """The level's subjects less those passed and kept (EXAM-8)."""
    on_date = on_date or application.appraisal_date
    kept = retained_passes(application.candidate_id, application.occupation_id, application.level, on_date)
    own = set(application.scores.values_list("subject", flat=True)) if application.pk else set()
    return subjects_left(application.level, kept, own)


def pass_kept_until(session: ExamSession) -> datetime.date:
    """EXAM-8: a passed subject is kept for one year from the exam, whenever it was published or
    corrected: up to and including the exam day's anniversary (29 February → 28 February)."""
    return add_years(session.day, PASS_RETENTION_YEARS)


# --- One score (EXAM-6) -----------------------------------------------------------------------------


def parse_score(value) -> Decimal:
    try:
        score = Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError(_("成绩“%(value)s”不是数字。") % {"value": value}) from exc
    if not score.is_finite() or not Decimal(0) <= score <= Decimal(100):
        raise ValidationError(_("成绩必须在0到100之间，不能为%(value)s。") % {"value": value})
    if score != score.quantize(Decimal("0.1")):
        raise ValidationError(_("成绩最多保留一位小数。"))
    return score


def marks_as_examiner(actor, session) -> bool:
    """Who may mark a session: staff managing its center (False) or an examiner assigned to it (True:
    then checked for recusal candidate by candidate). Anyone else is refused."""
    if authority.can_manage_center(actor, session.center):
        return False
    if selectors.is_assigned_examiner(actor, session):
        return True
    raise PermissionDenied(_("只有本场次指派的考评人员或有鉴定权限的机构可以录入成绩。"))


def exam_not_held_reason(session, *, doing) -> str | None:
    """Why nothing can be marked or published yet (the exam day is still ahead), or None: the
    services refuse with it and the pages show it beside a disabled button."""
    if timezone.localdate() < session.day:
        return _("考试尚未举行（考试日期%(day)s），不能%(doing)s。") % {"day": session.day.isoformat(), "doing": doing}
    return None


def check_exam_held(session, *, doing) -> None:
    """Nothing is marked or published before the exam has taken place."""
    reason = exam_not_held_reason(session, doing=doing)
    if reason:
        raise ValidationError(reason, code="exam_not_held")


def check_open_for_marking(session) -> None:
    if session.is_published:
        raise ValidationError(_("成绩已发布，不能直接修改；请提交成绩更正申请，由上级审批。"))
    check_exam_held(session, doing=_("录入成绩"))


def check_subject(application, subject, to_take) -> None:
    """The subject belongs to the level and is taken this time (not a pass kept from last year)."""
    if subject not in subjects_for_level(application.level):
        raise ValidationError(
            _("%(level)s没有“%(subject)s”科目。")
            % {"level": application.get_level_display(), "subject": Subject(subject).label
               if subject in Subject.values else subject}
        )
    if subject not in to_take:
        raise ValidationError(_("该科目合格成绩在保留期内，本次无需考试。"))


def plan_score(existing, *, application, session, subject, score_value, actor, reason) -> tuple[Score, ScoreChange | None]:
    """One score write, unsaved: a new score and its first change, a changed score (value and pass
    updated in memory) and its change, or (existing, None) when the value is the same. A change of a
    score already entered needs a reason."""
    passed = score_value >= session.pass_mark
    if existing is None:
        score = Score(application=application, session=session, subject=subject, value=score_value, passed=passed,
                      entered_by=actor)
        return score, ScoreChange(score=score, old_value=None, new_value=score_value, changed_by=actor,
                                  reason=reason.strip() or _("录入"))
    if existing.value == score_value:
        return existing, None
    if not reason.strip():
        raise ValidationError(_("修改已录入的成绩须填写原因。"))
    change = ScoreChange(score=existing, old_value=existing.value, new_value=score_value, changed_by=actor,
                         reason=reason.strip())
    existing.value, existing.passed = score_value, passed
    return existing, change

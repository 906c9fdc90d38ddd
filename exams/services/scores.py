"""Scores (EXAM-6..EXAM-8): entry by hand and in the grid, publication, corrections by the upper
level, expiry of kept passes, the outcome of an application and the scores printed on the 申报表.
The rules of one score are in exams.marking; the Excel import in exams.services.score_import."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from appraisal import authority, extensions
from exams import notifications
from exams.marking import (
    NO_MEASURE,
    check_discipline,
    check_exam_held,
    check_open_for_marking,
    check_recusal,
    check_subject,
    declared_relations,
    discipline_by_application,
    discipline_of,
    marks_as_examiner,
    parse_score,
    pass_kept_until,
    plan_score,
    retained_passes_by_candidate,
    subjects_to_take,
)
from exams.models import (
    CorrectionStatus,
    ExamSession,
    Score,
    ScoreChange,
    ScoreCorrectionRequest,
    SeatAssignment,
    SessionStatus,
    Subject,
    subjects_for_level,
)
from exams.scoring import score_sheet
from exams.services.common import require_manager
from registration.models import Application

# --- Entry (EXAM-6) ---------------------------------------------------------------------------------


def _may_mark(actor, session, application) -> None:
    if marks_as_examiner(actor, session):
        check_recusal(actor, application.candidate, declared_relations(actor, [application.candidate]))


def enter_score(*, application: Application, subject: str, value, actor, reason: str = "") -> Score:
    """Enter or change one subject's score before publication; every write is recorded (EXAM-6)."""
    score_value = parse_score(value)
    with transaction.atomic():
        seat = SeatAssignment.objects.select_related("session__center").filter(application=application).first()
        if seat is None:
            raise ValidationError(_("该考生未编排考位，不能录入成绩。"))
        session = ExamSession.objects.select_for_update(of=("self",)).get(pk=seat.session_id)
        _may_mark(actor, session, application)
        check_open_for_marking(session)
        check_discipline(subject, discipline_of(application))
        check_subject(application, subject, subjects_to_take(application, session.day))
        return _write_score(application, session, subject, score_value, actor, reason)


def _write_score(application, session, subject, score_value, actor, reason) -> Score:
    existing = Score.objects.select_for_update(of=("self",)).filter(application=application, subject=subject).first()
    score, change = plan_score(existing, application=application, session=session, subject=subject,
                               score_value=score_value, actor=actor, reason=reason)
    if change is None:
        return score
    if existing is None:
        score.save()
        change.save()
    else:
        change.save()
        score.save(update_fields=["value", "passed", "updated_at"])
    return score


def enter_grid(session: ExamSession, cells: dict, *, actor, reason: str = "") -> dict:
    """Write the changed cells {(application, subject): value} through enter_score, all in
    one transaction: if any cell is refused nothing is saved. Returns {(application pk, subject):
    [messages]} for the refused cells (empty when everything was saved)."""
    errors: dict = {}
    with transaction.atomic():
        for (application, subject), value in cells.items():
            try:
                with transaction.atomic():
                    enter_score(application=application, subject=subject, value=value, actor=actor, reason=reason)
            except ValidationError as exc:
                errors[(application.pk, subject)] = exc.messages
            except PermissionDenied as exc:
                errors[(application.pk, subject)] = [str(exc)]
        if errors:
            transaction.set_rollback(True)
    return errors


# --- Publication (EXAM-7) and corrections (EXAM-6) --------------------------------------------------


def missing_scores(session: ExamSession) -> list[tuple[Application, list[str]]]:
    """Seated applications still lacking a score for a subject they take, in seat-chart order. A
    disqualified candidate and a subject made void (EXAM-11) need none. A constant number of queries
    (the score sheet's), whatever the number of candidates."""
    missing = []
    for row in score_sheet(session):
        if row.discipline.disqualified:
            continue
        lacking = [s for s in row.takes if s not in row.scores and s not in row.discipline.void]
        if lacking:
            missing.append((row.application, lacking))
    return missing


def publish_session(*, session: ExamSession, actor) -> ExamSession:
    """Publish a session's results: candidates see them from now on; passes are kept a year."""
    require_manager(actor, session.center)
    with transaction.atomic():
        session = ExamSession.objects.select_for_update(of=("self",)).get(pk=session.pk)
        if session.is_published:
            raise ValidationError(_("本场次成绩已发布。"))
        check_exam_held(session, doing=_("发布成绩"))
        lacking = missing_scores(session)
        if lacking:
            names = "、".join(a.name for a, _subjects in lacking[:10])
            raise ValidationError(
                _("还有%(n)d名考生的成绩未录入完整（%(names)s），不能发布。") % {"n": len(lacking), "names": names}
            )
        now = timezone.now()
        session.status, session.published_at, session.published_by = SessionStatus.PUBLISHED, now, actor
        session.save(update_fields=["status", "published_at", "published_by"])
        Score.objects.filter(session=session, passed=True).update(pass_valid_until=pass_kept_until(session))
        notifications.scores_published(session)
    return session


def _refuse_if_guarded(score: Score) -> None:
    """A later step may forbid correcting a published score (certificates: revoke the certificate
    first), through the SCORE_CHANGE_GUARDS extension point."""
    reason = extensions.SCORE_CHANGE_GUARDS.first_refusal(score.application)
    if reason:
        raise ValidationError(reason)


@transaction.atomic
def request_score_correction(*, score: Score, new_value, reason: str, actor) -> ScoreCorrectionRequest:
    require_manager(actor, score.session.center)
    if not score.session.is_published:
        raise ValidationError(_("成绩尚未发布，可直接修改。"))
    _refuse_if_guarded(score)
    if not reason.strip():
        raise ValidationError(_("请填写更正理由。"))
    value = parse_score(new_value)
    try:
        with transaction.atomic():
            return ScoreCorrectionRequest.objects.create(score=score, new_value=value, reason=reason.strip(),
                                                         requested_by=actor)
    except IntegrityError as exc:
        raise ValidationError(_("该成绩已有待审批的更正申请。")) from exc


def decide_score_correction(*, request: ScoreCorrectionRequest, approve: bool, reason: str, actor):
    """Only the upper level decides (EXAM-6); an approved correction is recorded as a score change."""
    with transaction.atomic():
        request = ScoreCorrectionRequest.objects.select_for_update(of=("self",)).select_related(
            "score__session__center__parent").get(pk=request.pk)
        center = request.score.session.center
        upper = center.parent
        if upper is None or not authority.can_manage_center(actor, upper) or actor.center_id == center.pk:
            raise PermissionDenied(_("成绩更正须由上级鉴定机构审批。"))
        if actor.pk == request.requested_by_id:
            raise PermissionDenied(_("成绩更正不能由申请人本人审批。"))
        if request.status != CorrectionStatus.PENDING:
            raise ValidationError(_("该更正申请已处理。"))
        if not approve and not reason.strip():
            raise ValidationError(_("不予批准须填写理由。"))
        if approve:
            _refuse_if_guarded(request.score)
        request.status = CorrectionStatus.APPROVED if approve else CorrectionStatus.REFUSED
        request.decided_by, request.decided_at, request.decision_reason = actor, timezone.now(), reason.strip()
        request.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
        if approve:
            score = Score.objects.select_for_update(of=("self",)).select_related("session").get(pk=request.score_id)
            ScoreChange.objects.create(score=score, old_value=score.value, new_value=request.new_value,
                                       changed_by=actor, reason=_("更正申请批准：%s") % request.reason)
            score.value = request.new_value
            score.passed = request.new_value >= score.session.pass_mark
            if score.passed and score.pass_valid_until is None:
                score.pass_valid_until = pass_kept_until(score.session)
            score.save(update_fields=["value", "passed", "pass_valid_until", "updated_at"])
    return request


# --- Retention and outcome (EXAM-8, EXAM-11) --------------------------------------------------------


def expire_retained_passes(*, today=None) -> int:
    """Celery beat (EXAM-8): passes older than their year are no longer kept. Idempotent."""
    today = today or timezone.localdate()
    return Score.objects.filter(passed=True, pass_expired=False, pass_valid_until__lt=today).update(pass_expired=True)


def application_outcome(application: Application) -> str | None:
    """'qualified' when every subject of the level is passed (this time or kept from the last year),
    'not_qualified' once published otherwise, None before publication. EXAM-11: a subject made void
    counts as failed; a disqualified application is not qualified whatever its scores."""
    return outcomes_for([application.pk]).get(application.pk)


def outcomes_for(application_ids) -> dict[int, str]:
    """application_outcome for many applications in a few queries (one per occupation, level and
    exam day for the kept passes): application id -> 'qualified' / 'not_qualified'; applications
    not seated or not yet published are left out."""
    seats = list(SeatAssignment.objects.filter(application_id__in=application_ids,
                                               session__status=SessionStatus.PUBLISHED)
                 .values_list("application_id", "application__candidate_id", "application__occupation_id",
                              "application__level", "session__day"))
    if not seats:
        return {}
    ids = [seat[0] for seat in seats]
    discipline = discipline_by_application(ids)
    passed: dict[int, set[str]] = {}
    for application_id, subject in Score.objects.filter(application_id__in=ids, passed=True).values_list(
            "application_id", "subject"):
        passed.setdefault(application_id, set()).add(subject)
    groups: dict[tuple, list] = {}
    for seat in seats:
        groups.setdefault(seat[2:], []).append(seat)
    outcomes = {}
    for (occupation_id, level, day), group in groups.items():
        kept = retained_passes_by_candidate([s[1] for s in group], occupation_id, level, day)
        needed = set(subjects_for_level(level))
        for application_id, candidate_id, *_rest in group:
            measures = discipline.get(application_id, NO_MEASURE)
            have = (passed.get(application_id, set()) | kept.get(candidate_id, set())) - measures.void
            qualified = not measures.disqualified and needed <= have
            outcomes[application_id] = "qualified" if qualified else "not_qualified"
    return outcomes


# --- REG-1: published scores printed on the 申报表 (registered in exams/apps.py) -----------------------


FORM_SCORE_CELLS = {Subject.THEORY: "theory_score", Subject.SKILL: "skill_score", Subject.REVIEW: "review_score"}


def published_scores_for_forms(applications) -> dict[int, dict]:
    """{application pk: {"theory_score": "85.5", ...}} for the scores of published sessions, one query."""
    cells: dict[int, dict] = {}
    scores = Score.objects.filter(
        application_id__in=[a.pk for a in applications], session__status=SessionStatus.PUBLISHED
    ).values_list("application_id", "subject", "value")
    for application_id, subject, value in scores:
        cells.setdefault(application_id, {})[FORM_SCORE_CELLS[subject]] = str(value)
    return cells

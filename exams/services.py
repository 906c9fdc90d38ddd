"""Every write of exam administration: sessions, seats, examiners, papers and custody,
supervision, scores, publication, retention. Plain functions with keyword arguments, in a
transaction; the views, API, commands and Celery tasks only call these."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from appraisal import authority
from appraisal.models import (
    Center,
    CenterKind,
    Occupation,
    OccupationLevel,
    RetakeDay,
    Role,
    ScheduledAppraisalDay,
    SkillExamMode,
    UnifiedAppraisal,
    User,
)
from appraisal.workdays import add_working_days
from exams.models import (
    CorrectionStatus,
    CustodyAction,
    CustodyEntry,
    DeclaredRelation,
    DisciplineIncident,
    ExaminerAssignment,
    ExaminerQualification,
    ExamSession,
    IncidentMeasure,
    OverdueAlert,
    Paper,
    PaperRequest,
    PaperRequestStatus,
    PaperSource,
    Room,
    Score,
    ScoreChange,
    ScoreCorrectionRequest,
    SeatAssignment,
    SessionStatus,
    SessionSubject,
    Site,
    Subject,
    Supervision,
    subjects_for_level,
)
from registration.models import Application, Status

PUBLICATION_WORKING_DAYS = {"daily": 15, "unified": 20}  # EXAM-7, the 2017 values
PASS_RETENTION_DAYS = 365  # EXAM-8: 单科合格成绩保留一年
BREAK_MINUTES = 30


def _require_manager(actor, center):
    if not authority.can_manage_center(actor, center):
        raise PermissionDenied(_("%(center)s不在您的管辖范围内。") % {"center": center.name})


# --- Sites and sessions (EXAM-1..EXAM-4) -----------------------------------------------------


@transaction.atomic
def create_site(*, actor, center: Center, name: str, address: str) -> Site:
    _require_manager(actor, center)
    site = Site(center=center, name=name.strip(), address=address.strip())
    site.full_clean()
    site.save()
    return site


@transaction.atomic
def add_room(*, actor, site: Site, name: str, capacity: int, equipment: str = "") -> Room:
    _require_manager(actor, site.center)
    if not isinstance(capacity, int) or capacity < 1 or capacity > 1000:
        raise ValidationError({"capacity": [_("考位数必须是1到1000之间的整数。")]})
    room = Room(site=site, name=name.strip(), capacity=capacity, equipment=equipment.strip())
    room.full_clean()
    room.save()
    return room


def _target_day(target) -> tuple[dict, list[datetime.date]]:
    if isinstance(target, UnifiedAppraisal):
        return {"unified_appraisal": target}, [target.first_day, target.second_day]
    if isinstance(target, ScheduledAppraisalDay):
        return {"scheduled_day": target}, [target.day]
    if isinstance(target, RetakeDay):
        return {"retake_day": target}, [target.day]
    raise ValidationError(_("请选择鉴定批次。"))


def theory_mode():
    return _("闭卷笔试")


@transaction.atomic
def schedule_session(
    *, actor, center: Center, site: Site, occupation: Occupation, level: int, target, day=None,
    start=datetime.time(9, 0), pass_mark=Decimal("60"),
) -> ExamSession:
    """Plan a session; its subjects follow the level (EXAM-1..EXAM-3)."""
    _require_manager(actor, center)
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


def _session_filter(session: ExamSession) -> Q:
    if session.unified_appraisal_id:
        return Q(unified_appraisal_id=session.unified_appraisal_id)
    if session.scheduled_day_id:
        return Q(scheduled_day_id=session.scheduled_day_id)
    return Q(retake_day_id=session.retake_day_id)


def eligible_applications(session: ExamSession):
    """Approved and paid applications for this session's center, occupation, level and appraisal,
    not yet seated (FEE-1: an unpaid application is not scheduled)."""
    return (
        Application.objects.filter(
            _session_filter(session), center_id=session.center_id, occupation_id=session.occupation_id,
            level=session.level, status=Status.APPROVED, fee_paid=True, seat__isnull=True,
        )
        .select_related("candidate")
        .order_by("submitted_at", "pk")
    )


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


def _recusal_conflicts(examiners, candidates) -> dict[int, str]:
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
            reason = _recusal_reason(examiner, candidate, relations)
            if reason:
                conflicts[candidate.pk] = reason
                break
    return conflicts


def _normalized(text):
    return "".join((text or "").split())


def _recusal_reason(examiner: User, candidate: User, relations: set) -> str | None:
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


def _lock_site_rooms(session: ExamSession) -> list[Room]:
    """The site's rooms in seating order, locked: every session of the site seats in turn, so two
    sessions of one day never count the same free seat (EXAM-4)."""
    return list(Room.objects.select_for_update(of=("self",)).filter(site_id=session.site_id).order_by("name", "pk"))


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
    _require_manager(actor, session.center)
    with transaction.atomic():
        session = ExamSession.objects.select_for_update(of=("self",)).get(pk=session.pk)
        if session.is_published:
            raise ValidationError(_("成绩已发布，不能再编排考位。"))
        rooms = _lock_site_rooms(session)
        taken = _taken_seats(session)
        free = [
            (index, room, seat)
            for index, room in enumerate(rooms, start=1)
            for seat in range(1, room.capacity + 1)
            if seat not in taken.get(room.pk, ())
        ]
        applications = _lock_eligible(session, eligible_applications(session))
        examiners = list(
            User.objects.filter(assignments__session=session).select_related("employer_body", "school")
        )
        conflicts = _recusal_conflicts(examiners, [a.candidate for a in applications])
        result, seats = SeatingResult(), []
        for application in applications:
            if application.candidate_id in conflicts:
                result.unseated.append((application, conflicts[application.candidate_id]))
                continue
            if not free:
                result.unseated.append((application, _("考位已满：考点所有考场均无空余考位。")))
                continue
            index, room, seat = free.pop(0)
            seats.append(SeatAssignment(
                session=session, application=application, room=room, day=session.day, seat_number=seat,
                ticket_number=ticket_number(session, index, seat), assigned_by=actor,
            ))
        SeatAssignment.objects.bulk_create(seats, batch_size=1000)
        result.seated = len(seats)
    return result


def assign_seat(*, session: ExamSession, application: Application, room: Room, seat_number: int, actor) -> SeatAssignment:
    """Seat one application by hand. Capacity and one-candidate-per-seat are enforced under a lock
    and by the database's unique constraints."""
    _require_manager(actor, session.center)
    with transaction.atomic():
        session = ExamSession.objects.select_for_update(of=("self",)).get(pk=session.pk)
        if session.is_published:
            raise ValidationError(_("成绩已发布，不能再编排考位。"))
        if room.site_id != session.site_id:
            raise ValidationError({"room": [_("该考场不属于本场次的考点。")]})
        rooms = _lock_site_rooms(session)
        if not isinstance(seat_number, int) or not 1 <= seat_number <= room.capacity:
            raise ValidationError({"seat_number": [
                _("座位号必须在1到%(capacity)d之间（%(room)s共%(capacity)d个考位）。")
                % {"capacity": room.capacity, "room": room.name}
            ]})
        if not _lock_eligible(session, eligible_applications(session).filter(pk=application.pk)):
            raise ValidationError(_("该考生不符合本场次的编排条件（须审核通过、已缴费、职业等级一致且尚未编排）。"))
        examiners = list(User.objects.filter(assignments__session=session).select_related("employer_body", "school"))
        conflict = _recusal_conflicts(examiners, [application.candidate]).get(application.candidate_id)
        if conflict:
            raise ValidationError(conflict)
        taken_message = _("%(room)s的%(seat)d号座位已有考生。") % {"room": room.name, "seat": seat_number}
        if seat_number in _taken_seats(session).get(room.pk, ()):
            raise ValidationError(taken_message)  # by this session or another of the site that day
        index = [r.pk for r in rooms]
        try:
            with transaction.atomic():
                return SeatAssignment.objects.create(
                    session=session, application=application, room=room, day=session.day, seat_number=seat_number,
                    ticket_number=ticket_number(session, index.index(room.pk) + 1, seat_number), assigned_by=actor,
                )
        except IntegrityError as exc:
            raise ValidationError(taken_message) from exc


# --- Examiners (EXAM-5) ----------------------------------------------------------------------


def max_consecutive_at_site() -> int:
    return getattr(settings, "EXAMINER_MAX_CONSECUTIVE_SESSIONS_AT_SITE", 3)


@transaction.atomic
def assign_examiner(*, session: ExamSession, examiner: User, actor) -> ExaminerAssignment:
    """Qualification valid for the occupation and level on the day; rotation; recusal. Says why not."""
    _require_manager(actor, session.center)
    session = ExamSession.objects.select_for_update(of=("self",)).get(pk=session.pk)
    name = examiner.display_name
    if examiner.role != Role.EXAMINER:
        raise ValidationError(_("%(name)s不是考评人员。") % {"name": name})
    if not examiner.is_active:
        raise ValidationError(_("%(name)s的账号已停用。") % {"name": name})
    if examiner.center_id is None or not authority.can_see_center(examiner, session.center):
        # EXAM-5 / ORG-8: the session's own center or a center above it supplies its examiners.
        raise ValidationError(
            _("%(name)s（%(own)s）不能为%(center)s的场次考评：考评人员须属于本机构或其上级鉴定机构。")
            % {"name": name, "own": examiner.center.name if examiner.center_id else _("未属任何机构"),
               "center": session.center.name}
        )
    qualification = ExaminerQualification.objects.filter(examiner=examiner, occupation_id=session.occupation_id).first()
    if qualification is None:
        raise ValidationError(_("%(name)s没有“%(occ)s”的考评员资格。") % {"name": name, "occ": session.occupation.name})
    if qualification.valid_until < session.day:
        raise ValidationError(
            _("%(name)s的考评员资格已于%(day)s到期。") % {"name": name, "day": qualification.valid_until.isoformat()}
        )
    if qualification.highest_level > session.level:
        raise ValidationError(
            _("%(name)s只能考评%(level)s及以下等级。") % {"name": name, "level": qualification.get_highest_level_display()}
        )
    limit = max_consecutive_at_site()
    recent = list(
        ExamSession.objects.filter(examiners__examiner=examiner, day__lt=session.day)
        .order_by("-day", "-pk")
        .values_list("site_id", flat=True)[:limit]
    )
    if len(recent) >= limit and all(site_id == session.site_id for site_id in recent):
        raise ValidationError(
            _("%(name)s已在%(site)s连续考评%(n)d场，按轮换制度本场须更换考评人员。")
            % {"name": name, "site": session.site.name, "n": limit}
        )
    candidates = [a.candidate for a in Application.objects.filter(seat__session=session).select_related("candidate")]
    conflict = _recusal_conflicts([examiner], candidates)
    if conflict:
        raise ValidationError(next(iter(conflict.values())))
    try:
        with transaction.atomic():
            return ExaminerAssignment.objects.create(session=session, examiner=examiner, assigned_by=actor)
    except IntegrityError as exc:
        raise ValidationError(_("%(name)s已指派到本场次。") % {"name": name}) from exc


# --- Papers and secret material (EXAM-9, EXAM-10) --------------------------------------------


def _composes_own_papers(center: Center) -> bool:
    """EXAM-9: a city running a sub-bank (and its counties) compose their own; the province always does."""
    if center.kind == CenterKind.PROVINCE:
        return True
    city = center if center.kind == CenterKind.CITY else center.parent
    return bool(city and city.kind == CenterKind.CITY and city.runs_question_sub_bank)


@transaction.atomic
def compose_paper(*, session: ExamSession, subject: str, copies: int, code: str, actor) -> Paper:
    _require_manager(actor, session.center)
    if not _composes_own_papers(session.center):
        raise ValidationError(_("%(center)s所在地区未运行国家题库地市级分库，须向省鉴定中心申请试题。")
                              % {"center": session.center.name})
    return _create_paper(session=session, subject=subject, copies=copies, code=code, actor=actor,
                         source=PaperSource.SUB_BANK if session.center.kind != CenterKind.PROVINCE
                         else PaperSource.PROVINCE)


def _create_paper(*, session, subject, copies, code, actor, source, request=None) -> Paper:
    if subject not in subjects_for_level(session.level):
        raise ValidationError({"subject": [_("本场次没有该科目。")]})
    if not isinstance(copies, int) or copies < 1:
        raise ValidationError({"copies": [_("份数必须是正整数。")]})
    try:
        with transaction.atomic():
            paper = Paper.objects.create(session=session, subject=subject, source=source, code=code.strip(),
                                         copies=copies, request=request, created_by=actor)
    except IntegrityError as exc:
        raise ValidationError(_("该科目已有试卷，或试卷编号重复。")) from exc
    CustodyEntry.objects.create(paper=paper, action=CustodyAction.COMPOSED, from_person=actor.display_name,
                                to_person=actor.display_name, copies=copies, sealed=True, recorded_by=actor)
    return paper


@transaction.atomic
def request_papers(*, session: ExamSession, subject: str, copies: int, actor) -> PaperRequest:
    _require_manager(actor, session.center)
    if _composes_own_papers(session.center):
        raise ValidationError(_("%(center)s可自行抽题组卷，无需向省鉴定中心申请。") % {"center": session.center.name})
    if subject not in subjects_for_level(session.level):
        raise ValidationError({"subject": [_("本场次没有该科目。")]})
    if not isinstance(copies, int) or copies < 1:
        raise ValidationError({"copies": [_("份数必须是正整数。")]})
    try:
        with transaction.atomic():
            return PaperRequest.objects.create(center=session.center, session=session, subject=subject,
                                               copies=copies, requested_by=actor)
    except IntegrityError as exc:
        raise ValidationError(_("本场次该科目已申请过试卷。")) from exc


@transaction.atomic
def fulfil_paper_request(*, request: PaperRequest, code: str, actor) -> Paper:
    """The province center composes the requested paper and records its sealed hand-over."""
    request = PaperRequest.objects.select_for_update(of=("self",)).select_related("session").get(pk=request.pk)
    if not authority.is_province_staff(actor):
        raise PermissionDenied(_("只有省鉴定中心可以提供试卷。"))
    if request.status != PaperRequestStatus.REQUESTED:
        raise ValidationError(_("该申请已处理。"))
    paper = _create_paper(session=request.session, subject=request.subject, copies=request.copies, code=code,
                          actor=actor, source=PaperSource.PROVINCE, request=request)
    request.status = PaperRequestStatus.FULFILLED
    request.fulfilled_by = actor
    request.fulfilled_at = timezone.now()
    request.save(update_fields=["status", "fulfilled_by", "fulfilled_at"])
    return paper


def record_custody(*, paper: Paper, action: str, from_person: str, to_person: str, copies: int, sealed: bool,
                   actor, note: str = "") -> CustodyEntry:
    """EXAM-10: one more line in the paper's append-only custody log."""
    if not (authority.can_manage_center(actor, paper.session.center)
            or (actor.role == Role.EXAMINER and paper.session.examiners.filter(examiner=actor).exists())):
        raise PermissionDenied(_("您无权记录该试卷的交接。"))
    if action not in CustodyAction.values:
        raise ValidationError({"action": [_("未知的交接环节。")]})
    if not from_person.strip() or not to_person.strip():
        raise ValidationError(_("交出人和接收人都必须填写（保密责任落实到人）。"))
    if not isinstance(copies, int) or not 1 <= copies <= paper.copies:
        raise ValidationError({"copies": [_("份数必须在1到%(n)d之间。") % {"n": paper.copies}]})
    return CustodyEntry.objects.create(paper=paper, action=action, from_person=from_person.strip(),
                                       to_person=to_person.strip(), copies=copies, sealed=bool(sealed),
                                       recorded_by=actor, note=note.strip())


# --- Supervision (EXAM-11) -------------------------------------------------------------------


def record_supervision(*, session, kind, supervisor, notes, actor) -> Supervision:
    _require_manager(actor, session.center)
    supervision = Supervision(session=session, kind=kind, supervisor=supervisor.strip(), notes=notes.strip(),
                              recorded_by=actor)
    supervision.full_clean()
    supervision.save()
    return supervision


def record_incident(*, session, application, kind, measure, description, actor, subject=None) -> DisciplineIncident:
    """EXAM-11: a discipline incident and its measure. 'subject_void' names the subject whose score is
    void; 'disqualified' voids the whole appraisal (see discipline_of and application_outcome)."""
    if not (authority.can_manage_center(actor, session.center) or _assigned_examiner(actor, session)):
        raise PermissionDenied(_("您无权记录本场次的违纪情况。"))
    if not SeatAssignment.objects.filter(session=session, application=application).exists():
        raise ValidationError(_("该考生不在本场次。"))
    subject = subject or ""
    if measure == IncidentMeasure.SUBJECT_VOID:
        if not subject:
            raise ValidationError({"subject": [_("处理措施为“该科目成绩无效”时，请选择成绩无效的科目。")]})
        if subject not in subjects_for_level(session.level):
            raise ValidationError({"subject": [_("本场次没有该科目。")]})
    elif subject and subject not in subjects_for_level(session.level):
        raise ValidationError({"subject": [_("本场次没有该科目。")]})
    incident = DisciplineIncident(session=session, application=application, kind=kind, measure=measure,
                                  subject=subject, description=description.strip(), recorded_by=actor)
    incident.full_clean()
    incident.save()
    return incident


# --- Scores (EXAM-6..EXAM-8) -----------------------------------------------------------------


def _assigned_examiner(actor, session) -> bool:
    return actor.role == Role.EXAMINER and ExaminerAssignment.objects.filter(session=session, examiner=actor).exists()


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


# Per-score rules (EXAM-6), shared by enter_score and the Excel import (exams/scoring.py), which
# loads what they need once for a whole session instead of once per score.


def marks_as_examiner(actor, session) -> bool:
    """Who may mark a session: staff managing its center (False) or an examiner assigned to it (True:
    then checked for recusal candidate by candidate). Anyone else is refused."""
    if authority.can_manage_center(actor, session.center):
        return False
    if _assigned_examiner(actor, session):
        return True
    raise PermissionDenied(_("只有本场次指派的考评人员或有鉴定权限的机构可以录入成绩。"))


def check_recusal(actor, candidate, relations: set) -> None:
    """EXAM-5 回避: `relations` holds the (examiner id, candidate id) pairs declared."""
    reason = _recusal_reason(actor, candidate, relations)
    if reason:
        raise PermissionDenied(reason)


def check_exam_held(session, *, doing) -> None:
    """Nothing is marked or published before the exam has taken place."""
    if timezone.localdate() < session.day:
        raise ValidationError(
            _("考试尚未举行（考试日期%(day)s），不能%(doing)s。") % {"day": session.day.isoformat(), "doing": doing},
            code="exam_not_held",
        )


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


def _may_mark(actor, session, application) -> None:
    if marks_as_examiner(actor, session):
        relations = set(DeclaredRelation.objects.filter(examiner=actor, candidate=application.candidate)
                        .values_list("examiner_id", "candidate_id"))
        check_recusal(actor, application.candidate, relations)


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


def publication_deadline(session: ExamSession) -> datetime.date:
    """EXAM-7: 15 working days after a daily appraisal, 20 after a unified one."""
    days = PUBLICATION_WORKING_DAYS["unified" if session.is_unified else "daily"]
    return add_working_days(session.day, days)


def missing_scores(session: ExamSession) -> list[tuple[Application, list[str]]]:
    """Seated applications still lacking a score for a subject they take, in seat-chart order. A
    disqualified candidate and a subject made void (EXAM-11) need none. A constant number of queries
    (the score sheet's), whatever the number of candidates."""
    from exams.scoring import score_sheet

    missing = []
    for row in score_sheet(session):
        if row.discipline.disqualified:
            continue
        lacking = [s for s in row.takes if s not in row.scores and s not in row.discipline.void]
        if lacking:
            missing.append((row.application, lacking))
    return missing


def pass_kept_until(session: ExamSession) -> datetime.date:
    """EXAM-8: a passed subject is kept for one year from the exam, whenever it was published or corrected."""
    return session.day + datetime.timedelta(days=PASS_RETENTION_DAYS)


def publish_session(*, session: ExamSession, actor) -> ExamSession:
    """Publish a session's results: candidates see them from now on; passes are kept a year."""
    _require_manager(actor, session.center)
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
    return session


@transaction.atomic
def request_score_correction(*, score: Score, new_value, reason: str, actor) -> ScoreCorrectionRequest:
    _require_manager(actor, score.session.center)
    if not score.session.is_published:
        raise ValidationError(_("成绩尚未发布，可直接修改。"))
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
                alert.notified_centers.set([c for c in (session.center, session.center.parent) if c is not None])
        except IntegrityError:
            continue
        raised += 1
    return raised


def expire_retained_passes(*, today=None) -> int:
    """Celery beat (EXAM-8): passes older than their year are no longer kept. Idempotent."""
    today = today or timezone.localdate()
    return Score.objects.filter(passed=True, pass_expired=False, pass_valid_until__lt=today).update(pass_expired=True)


def application_outcome(application: Application) -> str | None:
    """'qualified' when every subject of the level is passed (this time or kept from the last year),
    'not_qualified' once published otherwise, None before publication. EXAM-11: a subject made void
    counts as failed; a disqualified application is not qualified whatever its scores."""
    seat = SeatAssignment.objects.select_related("session").filter(application=application).first()
    if seat is None or not seat.session.is_published:
        return None
    discipline = discipline_of(application)
    if discipline.disqualified:
        return "not_qualified"  # EXAM-11: 取消本次鉴定资格
    passed_now = set(application.scores.filter(passed=True).values_list("subject", flat=True)) - discipline.void
    kept = retained_passes(application.candidate_id, application.occupation_id, application.level, seat.session.day)
    kept -= discipline.void  # the subject made void at this sitting counts as failed
    needed = set(subjects_for_level(application.level))
    return "qualified" if needed <= passed_now | kept else "not_qualified"


# --- Examiner qualifications (EXAM-5), written by the staff pages of sites and sessions ------


@transaction.atomic
def add_examiner_qualification(
    *, actor, examiner: User, occupation: Occupation, highest_level: int, certificate_number: str,
    valid_until: datetime.date,
) -> ExaminerQualification:
    """Record an examiner's qualification for an occupation up to a level, valid until a date."""
    if examiner.role != Role.EXAMINER or examiner.center_id is None:
        raise ValidationError({"examiner": [_("%(name)s不是考评人员。") % {"name": examiner.display_name}]})
    _require_manager(actor, examiner.center)
    qualification = ExaminerQualification(
        examiner=examiner, occupation=occupation, highest_level=int(highest_level),
        certificate_number=(certificate_number or "").strip(), valid_until=valid_until,
    )
    if not qualification.certificate_number:
        raise ValidationError({"certificate_number": [_("请填写考评员证号。")]})
    if ExaminerQualification.objects.filter(examiner=examiner, occupation=occupation).exists():
        raise ValidationError({"occupation": [
            _("%(name)s已有“%(occ)s”的考评员资格。") % {"name": examiner.display_name, "occ": occupation.name}
        ]})
    qualification.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            qualification.save()
    except IntegrityError as exc:
        raise ValidationError({"occupation": [
            _("%(name)s已有“%(occ)s”的考评员资格。") % {"name": examiner.display_name, "occ": occupation.name}
        ]}) from exc
    return qualification


# --- papers, custody, supervision, tickets PDF (views_papers.py) ------------------------------


def composes_own_papers(center: Center) -> bool:
    """EXAM-9, for the pages: True when the center composes its own papers (sub-bank region or the
    province), False when it must request them from the province center."""
    return _composes_own_papers(center)


# --- FEE-1 guard registered with registration (exams/apps.py) ---


def seated_guard(application: Application) -> str | None:
    """Refuse to mark a seated application unpaid: an unpaid application is not scheduled."""
    seat = SeatAssignment.objects.filter(application=application).select_related("session").first()
    if seat is None:
        return None
    return _("该考生已编排考位（准考证号%(ticket)s），不能改为未缴费；请先取消考位编排。") % {"ticket": seat.ticket_number}


# --- REG-1: published scores printed on the 申报表 (registered in exams/apps.py) ---

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

"""Papers and secret material (EXAM-9, EXAM-10): composing, requesting from the province center,
fulfilling a request, and the append-only custody log."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from appraisal import authority
from appraisal.models import Center, CenterKind
from exams import selectors
from exams.models import (
    CustodyAction,
    CustodyEntry,
    ExamSession,
    Paper,
    PaperRequest,
    PaperRequestStatus,
    PaperSource,
    subjects_for_level,
)
from exams.services.common import require_manager


def composes_own_papers(center: Center) -> bool:
    """EXAM-9: a city running a sub-bank (and its counties) compose their own; the province always does."""
    if center.kind == CenterKind.PROVINCE:
        return True
    city = center if center.kind == CenterKind.CITY else center.parent
    return bool(city and city.kind == CenterKind.CITY and city.runs_question_sub_bank)


@transaction.atomic
def compose_paper(*, session: ExamSession, subject: str, copies: int, code: str, actor) -> Paper:
    require_manager(actor, session.center)
    if not composes_own_papers(session.center):
        raise ValidationError(_("%(center)s所在地区未运行国家题库地市级分库，须向省鉴定中心申请试题。")
                              % {"center": session.center.name})
    return _create_paper(session=session, subject=subject, copies=copies, code=code, actor=actor,
                         source=PaperSource.SUB_BANK if session.center.kind != CenterKind.PROVINCE
                         else PaperSource.PROVINCE)


# One session's papers of a subject: far more than any site seats, and inside the column's range.
MAX_COPIES = 10000


def _check_order(session, subject, copies) -> None:
    """A paper or a request names a subject of the session's level and a positive number of copies."""
    if subject not in subjects_for_level(session.level):
        raise ValidationError({"subject": [_("本场次没有该科目。")]})
    if not isinstance(copies, int) or copies < 1:
        raise ValidationError({"copies": [_("份数必须是正整数。")]})
    if copies > MAX_COPIES:
        raise ValidationError({"copies": [_("份数不能超过%(max)d份。") % {"max": MAX_COPIES}]})


def _create_paper(*, session, subject, copies, code, actor, source, request=None) -> Paper:
    _check_order(session, subject, copies)
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
    require_manager(actor, session.center)
    if composes_own_papers(session.center):
        raise ValidationError(_("%(center)s可自行抽题组卷，无需向省鉴定中心申请。") % {"center": session.center.name})
    _check_order(session, subject, copies)
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
            or selectors.is_assigned_examiner(actor, paper.session)):
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

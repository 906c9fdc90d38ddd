"""Supervision and discipline incidents (EXAM-11). What an incident's measure does to the scores is
in exams.marking (Discipline)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from appraisal import authority
from exams import selectors
from exams.models import DisciplineIncident, IncidentMeasure, SeatAssignment, Supervision, subjects_for_level
from exams.services.common import require_manager


def record_supervision(*, session, kind, supervisor, notes, actor) -> Supervision:
    require_manager(actor, session.center)
    supervision = Supervision(session=session, kind=kind, supervisor=supervisor.strip(), notes=notes.strip(),
                              recorded_by=actor)
    supervision.full_clean()
    supervision.save()
    return supervision


def record_incident(*, session, application, kind, measure, description, actor, subject=None) -> DisciplineIncident:
    """EXAM-11: a discipline incident and its measure. 'subject_void' names the subject whose score is
    void; 'disqualified' voids the whole appraisal (see discipline_of and application_outcome)."""
    if not (authority.can_manage_center(actor, session.center) or selectors.is_assigned_examiner(actor, session)):
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

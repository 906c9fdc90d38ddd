"""Examiners (EXAM-5): qualifications, and assignment to a session with its checks of qualification,
rotation and recusal."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from appraisal import authority
from appraisal.models import Occupation, Role, User
from exams.marking import recusal_conflicts
from exams.models import ExaminerAssignment, ExaminerQualification, ExamSession
from exams.services.common import require_manager
from registration.models import Application


def max_consecutive_at_site() -> int:
    return getattr(settings, "EXAMINER_MAX_CONSECUTIVE_SESSIONS_AT_SITE", 3)


@transaction.atomic
def assign_examiner(*, session: ExamSession, examiner: User, actor) -> ExaminerAssignment:
    """Qualification valid for the occupation and level on the day; rotation; recusal. Says why not."""
    require_manager(actor, session.center)
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
    conflict = recusal_conflicts([examiner], candidates)
    if conflict:
        raise ValidationError(next(iter(conflict.values())))
    try:
        with transaction.atomic():
            return ExaminerAssignment.objects.create(session=session, examiner=examiner, assigned_by=actor)
    except IntegrityError as exc:
        raise ValidationError(_("%(name)s已指派到本场次。") % {"name": name}) from exc


@transaction.atomic
def add_examiner_qualification(
    *, actor, examiner: User, occupation: Occupation, highest_level: int, certificate_number: str,
    valid_until: datetime.date,
) -> ExaminerQualification:
    """Record an examiner's qualification for an occupation up to a level, valid until a date."""
    if examiner.role != Role.EXAMINER or examiner.center_id is None:
        raise ValidationError({"examiner": [_("%(name)s不是考评人员。") % {"name": examiner.display_name}]})
    require_manager(actor, examiner.center)
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

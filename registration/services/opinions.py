"""The opinions filled in later on the 申报表 (REG-1): the 人力资源社会保障行政部门意见, with its date,
written by an HR official (人社部门工作人员) whose scope covers the application's center (ORG-8).

The center's own opinion (职业技能鉴定中心意见) is written when the application is approved
(services.review.approve_application). Scope comes from the authority engine only.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from appraisal import authority, gates
from appraisal.models import User
from registration.models import Application, Status

HR_OPINION_MAX_LENGTH = Application._meta.get_field("hr_opinion").max_length


def _is_hr_official_for(user, application: Application) -> bool:
    """An HR official whose scope (the authority engine's) holds the application's center."""
    if not gates.has_role(user, gates.HR_OFFICIALS):
        return False
    return authority.can_see_center(user, application.center)


def can_record_hr_opinion(user, application: Application) -> bool:
    """May the user write the HR bureau's opinion on this application now? (For pages: whether to
    show the form; record_hr_opinion() checks the same again on the locked row.)"""
    return application.status == Status.APPROVED and _is_hr_official_for(user, application)


@transaction.atomic
def record_hr_opinion(application: Application, *, actor: User, opinion: str) -> Application:
    """REG-1: the HR bureau writes its opinion on an approved application; the date is today.

    The form has one such cell, so the application keeps only the latest opinion, its date and who
    wrote it: a second opinion replaces the first (the official edits it on purpose), and the
    same text sent again changes nothing, so the first date and writer stand. The opinion is no
    change of status, so it writes no ApplicationTransition. The stored PDF is fingerprinted on
    the printed fields (registration.pdf.pdf_name), so the next download prints the new opinion."""
    locked = Application.objects.select_for_update(of=("self",)).select_related("center").get(pk=application.pk)
    if not gates.has_role(actor, gates.HR_OFFICIALS):
        raise PermissionDenied(_("只有人力资源社会保障行政部门工作人员可以填写人社部门意见。"))
    if not _is_hr_official_for(actor, locked):
        raise PermissionDenied(_("该申报不在您的管辖范围内。"))
    if locked.status != Status.APPROVED:
        raise ValidationError(
            _("申报当前状态为“%(status)s”，审核通过后才能填写人社部门意见。")
            % {"status": locked.get_status_display()},
            code="not_approved",
        )
    opinion = (opinion or "").strip()
    if not opinion:
        raise ValidationError({"opinion": ValidationError(_("请填写人社部门意见。"), code="opinion_required")})
    if len(opinion) > HR_OPINION_MAX_LENGTH:
        raise ValidationError({"opinion": ValidationError(
            _("人社部门意见不能超过%(n)d个字（现有%(have)d个字）。") % {"n": HR_OPINION_MAX_LENGTH, "have": len(opinion)},
            code="opinion_too_long",
        )})
    if opinion == locked.hr_opinion:
        return locked  # unchanged: the first date and writer stand
    locked.hr_opinion = opinion
    locked.hr_opinion_date = timezone.localdate()
    locked.hr_opinion_by = actor
    locked.save(update_fields=["hr_opinion", "hr_opinion_date", "hr_opinion_by", "updated_at"])
    return locked

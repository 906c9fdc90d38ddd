"""The opinions filled in later on the 申报表 (REG-1): the 人力资源社会保障行政部门意见, with its date,
written by an HR official (人社部门工作人员) whose scope covers the application's center (ORG-8).

The center's own opinion (职业技能鉴定中心意见) is written when the application is approved
(services.review.approve_application). Scope comes from the authority engine only.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from appraisal import authority, gates
from appraisal.models import User
from registration.models import Application, Status

HR_OPINION_MAX_LENGTH = Application._meta.get_field("hr_opinion").max_length
# A batch is one page of the queue at most: the official reads what they agree to.
BATCH_LIMIT = 200
DEFAULT_BATCH_OPINION = "同意"


def awaiting_opinion() -> Q:
    """REG-1/FEE-1: what waits for the HR bureau's opinion: approved, no opinion yet, and paid where
    a fee is due (an application without a fee schedule, or a zero fee, has nothing to pay). The
    queue's "待填写意见", the home count and the batch's checks all use this one condition."""
    return Q(status=Status.APPROVED, hr_opinion="") & (Q(fee_due__isnull=True) | Q(fee_due=0) | Q(fee_paid=True))


def unpaid_reason(application: Application) -> str | None:
    """FEE-1: why an application may not take the HR bureau's opinion yet, for want of payment, or
    None. The one check of the single opinion and the batch (awaiting_opinion() is its query)."""
    if application.fee_due and not application.fee_paid:
        return _("应缴鉴定费%(fee)s元尚未登记缴费。") % {"fee": application.fee_due}
    return None


def _is_hr_official_for(user, application: Application) -> bool:
    """An HR official whose scope (the authority engine's) holds the application's center."""
    if not gates.has_role(user, gates.HR_OFFICIALS):
        return False
    return authority.can_see_center(user, application.center)


def can_write_hr_opinions(user) -> bool:
    """Whether to offer the batch opinion at all (the service checks each application again)."""
    return gates.has_role(user, gates.HR_OFFICIALS)


def may_give_hr_opinion(user, application: Application) -> bool:
    """Is the application approved and the user an HR official over it (paid or not)?"""
    return application.status == Status.APPROVED and _is_hr_official_for(user, application)


def can_record_hr_opinion(user, application: Application) -> bool:
    """May the user write the HR bureau's opinion on this application now? (For pages: whether to
    show the form; record_hr_opinion() checks the same again on the locked row.) Not while unpaid:
    the page shows unpaid_reason() instead of a form whose saving would be refused."""
    return may_give_hr_opinion(user, application) and unpaid_reason(application) is None


@transaction.atomic
def record_hr_opinion(application: Application, *, actor: User, opinion: str) -> Application:
    """REG-1: the HR bureau writes its opinion on an approved, paid application (FEE-1, as the
    batch); the date is today.

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
    if reason := unpaid_reason(locked):
        raise ValidationError(reason, code="unpaid")
    opinion = _clean_opinion(opinion)
    if opinion == locked.hr_opinion:
        return locked  # unchanged: the first date and writer stand
    locked.hr_opinion = opinion
    locked.hr_opinion_date = timezone.localdate()
    locked.hr_opinion_by = actor
    locked.save(update_fields=["hr_opinion", "hr_opinion_date", "hr_opinion_by", "updated_at"])
    return locked


def _clean_opinion(opinion: str) -> str:
    opinion = (opinion or "").strip()
    if not opinion:
        raise ValidationError({"opinion": ValidationError(_("请填写人社部门意见。"), code="opinion_required")})
    if len(opinion) > HR_OPINION_MAX_LENGTH:
        raise ValidationError({"opinion": ValidationError(
            _("人社部门意见不能超过%(n)d个字（现有%(have)d个字）。") % {"n": HR_OPINION_MAX_LENGTH, "have": len(opinion)},
            code="opinion_too_long",
        )})
    return opinion


def _batch_refusal(actor, application: Application | None, pk: int, opinion_date: datetime.date) -> str | None:
    """Why one application of a batch may not take the opinion, or None."""
    if application is None or not _is_hr_official_for(actor, application):
        # Out of scope and absent read alike: the batch confirms nothing about other centers.
        return _("编号%(pk)s的申报不存在或不在您的管辖范围内。") % {"pk": pk}
    name = application.name
    if application.status != Status.APPROVED:
        return _("%(name)s：申报当前状态为“%(status)s”，审核通过后才能填写人社部门意见。") % {
            "name": name, "status": application.get_status_display()}
    if application.hr_opinion:
        return _("%(name)s：已于%(date)s填写人社部门意见，如需修改请在该申报的审核页单独修改。") % {
            "name": name, "date": application.hr_opinion_date}
    if reason := unpaid_reason(application):
        return _("%(name)s：%(reason)s") % {"name": name, "reason": reason}
    if application.center_opinion_date and opinion_date < application.center_opinion_date:
        return _("%(name)s：意见日期不能早于鉴定中心审核通过的日期%(date)s。") % {
            "name": name, "date": application.center_opinion_date}
    return None


@transaction.atomic
def record_hr_opinions(application_ids, *, actor: User, opinion: str = DEFAULT_BATCH_OPINION,
                       opinion_date: datetime.date | None = None) -> list[Application]:
    """REG-1: one opinion ("同意") with one date for several applications waiting for it
    (awaiting_opinion()). All or nothing: when any one is out of the actor's scope (ORG-8), not
    approved, already has an opinion, is unpaid, or was approved after the date, nothing is saved
    and every reason is given. An opinion already written is never overwritten by a batch."""
    if not gates.has_role(actor, gates.HR_OFFICIALS):
        raise PermissionDenied(_("只有人力资源社会保障行政部门工作人员可以填写人社部门意见。"))
    try:
        ids = sorted({int(pk) for pk in application_ids})
    except (TypeError, ValueError) as exc:
        raise ValidationError(_("所选申报的编号不正确。"), code="bad_ids") from exc
    if not ids:
        raise ValidationError(_("请至少选择一份申报。"), code="nothing_selected")
    if len(ids) > BATCH_LIMIT:
        raise ValidationError(_("一次最多填写%(n)d份申报的意见（已选%(have)d份）。") % {"n": BATCH_LIMIT, "have": len(ids)},
                              code="too_many")
    opinion = _clean_opinion(opinion)
    today = timezone.localdate()
    opinion_date = opinion_date or today
    if opinion_date > today:
        raise ValidationError({"opinion_date": ValidationError(_("意见日期不能晚于今天。"), code="future_date")})
    # Locked in primary-key order, so two batches over the same rows queue instead of deadlocking.
    locked = {a.pk: a for a in Application.objects.select_for_update(of=("self",)).select_related("center")
              .filter(pk__in=[pk for pk in ids if 0 < pk < 2**63]).order_by("pk")}
    refusals = [r for pk in ids if (r := _batch_refusal(actor, locked.get(pk), pk, opinion_date))]
    if refusals:
        raise ValidationError(refusals, code="batch_refused")
    for pk in ids:
        row = locked[pk]
        row.hr_opinion, row.hr_opinion_date, row.hr_opinion_by = opinion, opinion_date, actor
        row.save(update_fields=["hr_opinion", "hr_opinion_date", "hr_opinion_by", "updated_at"])
    return [locked[pk] for pk in ids]

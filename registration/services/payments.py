"""FEE-1: the center records that the fee of an application was paid (or corrects it)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from appraisal import extensions
from appraisal.models import (
    User,
)
from registration.models import (
    LIVE_STATUSES,
    Application,
    PaymentRecord,
    Status,
)
from registration.services.eligibility import fee_for
from registration.services.review import STAFF, actor_kind

# The fee is paid for an application the center has in hand; a draft can still change level or day.
PAYABLE_STATUSES = (Status.SUBMITTED, Status.APPROVED)


def payment_can_change(application: Application) -> bool:
    """Whether the payment record of this application can be recorded or withdrawn now."""
    if application.fee_paid:
        return application.status in LIVE_STATUSES
    return application.status in PAYABLE_STATUSES


@transaction.atomic
def record_payment(application: Application, *, actor: User, paid: bool = True) -> Application:
    """FEE-1: the center records that the fee was paid (or corrects it)."""
    locked = Application.objects.select_for_update(of=("self",)).select_related("center").get(pk=application.pk)
    if actor_kind(actor, locked) != STAFF:
        raise PermissionDenied(_("只有鉴定机构工作人员可以登记缴费。"))
    if locked.status not in LIVE_STATUSES:
        raise ValidationError(_("申报已结束，不能登记缴费。"))
    if paid == locked.fee_paid:
        return locked  # already so: the first record and its time stand
    if paid and locked.status not in PAYABLE_STATUSES:
        raise ValidationError(_("只有已提交或审核通过的申报才能登记缴费。"), code="not_payable")
    if paid and locked.fee_due is None:
        # A fee schedule added after submission: take it now; without one there is nothing to pay.
        locked.fee_due = fee_for(locked.occupation_id, locked.level, timezone.localdate())
        if locked.fee_due is None:
            raise ValidationError(
                _("该职业等级尚未设置收费标准，无法登记缴费。请先在“收费标准”中维护。"), code="no_fee"
            )
    if not paid:
        reason = extensions.PAYMENT_WITHDRAWAL_GUARDS.first_refusal(locked)
        if reason:
            raise ValidationError(reason, code="seated")
    locked.fee_paid = paid
    locked.fee_paid_at = timezone.now() if paid else None
    locked.save(update_fields=["fee_paid", "fee_paid_at", "fee_due", "updated_at"])
    PaymentRecord.objects.create(application=locked, paid=paid, amount=locked.fee_due, actor=actor)
    return locked

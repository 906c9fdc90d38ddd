"""Handing certificates over (CERT-3), reissues after a loss, revocation by the province, and the
delivery deadline's alerts.

- deliver(): printed certificates handed to their holder, or to a named unit for a group.
- request_reissue(): a delivered certificate lost or damaged goes back to the print queue with the
  same number; printed again, it carries a new blank serial and counts as a replacement.
- revoke(): the province revokes a certificate found to rest on fraud or error, with the reason
  and the document number; it never becomes valid again and its number is never given again.
- check_delivery_deadlines(): the beat job; one alert per certificate 3 working days before its
  deadline and one when overdue, to the printing center and the center that appraised.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from appraisal import authority
from appraisal.workdays import CalendarUnknown, WorkdayCalendar, working_days_between
from certificates import notifications
from certificates.models import (
    AlertKind,
    Certificate,
    CertificateTransition,
    CorrectionKind,
    DeliveryAlert,
    State,
)
from certificates.services import lifecycle, reporting
from certificates.services.issuing import due_or_none

ALERT_WORKING_DAYS_BEFORE = 3
DELIVERED_TO_MAX = Certificate._meta.get_field("delivered_to").max_length


def may_hand_over(actor, certificate: Certificate) -> bool:
    """Staff of the printing center or of the center that appraised (within their scope)."""
    return authority.can_manage_center(actor, certificate.printing_center) or authority.can_manage_center(
        actor, certificate.body)


def deliver(*, certificate_ids, actor, to_unit: bool = False, unit_name: str = "",
            on: datetime.date | None = None) -> list[Certificate]:
    """Record the hand-over of printed certificates: to each holder in person, or (`to_unit`) to
    the named unit that signs for the whole group. All or nothing."""
    today = timezone.localdate()
    on = on or today
    unit_name = (unit_name or "").strip()
    if on > today:
        raise ValidationError({"on": _("发放日期不能晚于今天。")})
    if to_unit and not unit_name:
        raise ValidationError({"unit_name": _("单位集体领取须填写领取单位名称。")})
    if len(unit_name) > DELIVERED_TO_MAX:
        raise ValidationError({"unit_name": _("领取单位名称不能超过%(n)d个字。") % {"n": DELIVERED_TO_MAX}})
    ids = sorted({int(pk) for pk in certificate_ids})
    if not ids:
        raise ValidationError(_("请至少选择一张证书。"))
    with transaction.atomic():
        certificates = list(Certificate.objects.select_for_update(of=("self",))
                            .select_related("printing_center", "body").filter(pk__in=ids).order_by("number"))
        if len(certificates) != len(ids):
            raise ValidationError(_("部分证书不存在。"))
        moves = []
        for certificate in certificates:
            if not may_hand_over(actor, certificate):
                raise PermissionDenied(_("证书%(number)s不在您的管辖范围内。") % {"number": certificate.number})
            if on < certificate.issued_on:
                raise ValidationError({"on": _("发放日期不能早于发证日期%(day)s。") % {"day": certificate.issued_on}})
            moves.append(lifecycle.apply_transition(certificate, State.DELIVERED, actor=actor,
                                                    reason=unit_name if to_unit else _("本人领取")))
            certificate.delivered_on = on
            certificate.delivered_to = unit_name if to_unit else certificate.holder_name
            certificate.delivered_to_unit = to_unit
        Certificate.objects.bulk_update(certificates, ["state", "delivered_on", "delivered_to", "delivered_to_unit",
                                                       "updated_at"])
        lifecycle.save_moves(moves)
    return certificates


def request_reissue(*, certificate: Certificate, actor, reason: str) -> Certificate:
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update(of=("self",)).select_related(
            "printing_center", "body").get(pk=certificate.pk)
        if not may_hand_over(actor, certificate):
            raise PermissionDenied(_("该证书不在您的管辖范围内。"))
        move = lifecycle.apply_transition(certificate, State.REISSUED, actor=actor, reason=reason)
        certificate.replacement_count += 1
        certificate.save(update_fields=["state", "replacement_count", "updated_at"])
        lifecycle.save_moves([move])
        reporting.record_correction(certificate=certificate, kind=CorrectionKind.REISSUE, actor=actor,
                                    detail=_("补发：%(reason)s") % {"reason": move.reason}, only_if_reported=True)
    return certificate


def revoke(*, certificate: Certificate, actor, reason: str, document: str) -> Certificate:
    """Only the province center revokes."""
    if not authority.is_province_staff(actor):
        raise PermissionDenied(_("只有省职业技能鉴定中心可以撤销证书。"))
    reason, document = (reason or "").strip(), (document or "").strip()
    if not document:
        raise ValidationError({"document": _("请填写撤销文号。")})
    for value, field in ((reason, "revocation_reason"), (document, "revocation_document")):
        limit = Certificate._meta.get_field(field).max_length
        if len(value) > limit:
            raise ValidationError(_("%(label)s不能超过%(n)d个字。") % {
                "label": Certificate._meta.get_field(field).verbose_name, "n": limit})
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
        move = lifecycle.apply_transition(certificate, State.REVOKED, actor=actor, reason=reason)
        certificate.revoked_on = timezone.localdate()
        certificate.revocation_reason, certificate.revocation_document = reason, document
        certificate.save(update_fields=["state", "revoked_on", "revocation_reason", "revocation_document",
                                        "updated_at"])
        lifecycle.save_moves([move])
        reporting.record_correction(certificate=certificate, kind=CorrectionKind.REVOCATION, actor=actor,
                                    detail=_("撤销：%(document)s，%(reason)s") % {"document": document, "reason": reason},
                                    only_if_reported=True)
    # Left in an open print batch on purpose: its page is in the batch's PDF, so confirming the
    # batch records its blank as destroyed and the serials stay in step with the paper.
    return certificate


def amend_holder_name(*, certificate: Certificate, actor, name: str, reason: str) -> Certificate:
    """A misspelt name put right by the center that appraised; once reported, it travels up as a
    correction (CERT-1). The number stays."""
    name, reason = (name or "").strip(), (reason or "").strip()
    limit = Certificate._meta.get_field("holder_name").max_length
    if not name or len(name) > limit:
        raise ValidationError({"name": _("请填写正确的姓名（不超过%(n)d个字）。") % {"n": limit}})
    if not reason:
        raise ValidationError({"reason": _("请填写更正原因。")})
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update(of=("self",)).select_related("body").get(pk=certificate.pk)
        if not authority.can_manage_center(actor, certificate.body):
            raise PermissionDenied(_("只有组织鉴定的机构可以更正证书信息。"))
        if certificate.state == State.REVOKED:
            raise ValidationError(_("证书%(number)s已撤销，不能更正。") % {"number": certificate.number})
        if name == certificate.holder_name:
            raise ValidationError({"name": _("姓名没有变化。")})
        old, certificate.holder_name = certificate.holder_name, name
        certificate.save(update_fields=["holder_name", "updated_at"])
        lifecycle.save_moves([CertificateTransition(certificate=certificate, from_state=certificate.state,
                                                    to_state=certificate.state, actor=actor,
                                                    reason=_("姓名更正：%(old)s → %(new)s（%(reason)s）")
                                                    % {"old": old, "new": name, "reason": reason[:200]})])
        reporting.record_correction(certificate=certificate, kind=CorrectionKind.AMENDMENT, actor=actor,
                                    detail=_("姓名更正：%(old)s → %(new)s") % {"old": old, "new": name},
                                    only_if_reported=True)
    return certificate


# --- The deadline (CERT-3) -------------------------------------------------------------------------

WAITING_STATES = (State.ISSUED, State.PRINTED)


def _fill_unknown_due_dates(calendar: WorkdayCalendar) -> None:
    """Certificates issued while next year's calendar was unknown get their deadline once it is."""
    for certificate in Certificate.objects.filter(due_on__isnull=True, state__in=WAITING_STATES):
        due = due_or_none(certificate.published_on, calendar)
        if due is not None:
            Certificate.objects.filter(pk=certificate.pk).update(due_on=due)


def _alert_kind(due_on: datetime.date, today: datetime.date) -> str | None:
    if today > due_on:
        return AlertKind.OVERDUE
    try:
        if working_days_between(today, due_on) <= ALERT_WORKING_DAYS_BEFORE:
            return AlertKind.APPROACHING
    except CalendarUnknown:
        return None
    return None


def check_delivery_deadlines(*, today: datetime.date | None = None) -> int:
    """Celery beat (CERT-3): raise each alert once (the database refuses a second); returns how many."""
    today = today or timezone.localdate()
    _fill_unknown_due_dates(WorkdayCalendar())
    raised = 0
    waiting = (Certificate.objects.filter(state__in=WAITING_STATES, due_on__isnull=False,
                                          due_on__lte=today + datetime.timedelta(days=21))
               .select_related("printing_center", "body").prefetch_related("alerts"))
    for certificate in waiting:
        kind = _alert_kind(certificate.due_on, today)
        if kind is None or any(alert.kind == kind for alert in certificate.alerts.all()):
            continue
        try:
            with transaction.atomic():
                alert = DeliveryAlert.objects.create(certificate=certificate, kind=kind, due_on=certificate.due_on)
                centers = {certificate.printing_center, certificate.body}
                alert.notified_centers.set(centers)
                notifications.delivery_alert(alert, centers)
        except IntegrityError:
            continue
        raised += 1
    return raised

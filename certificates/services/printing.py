"""Printing (CERT-2) at the printing center the authority engine names for each certificate.

A clerk of the printing center picks certificates from the queue (issued, or reissued after a loss)
into a batch; a background job lays the batch out as one PDF (certificates.jobs) while the page
shows the progress; the clerk prints it on numbered blanks and confirms: every certificate gets its
blank's serial (证书流水码) and is printed, except those whose blank came out wrong, which are
recorded as destroyed with the serial and the reason and go back to the queue. A batch can also be
cancelled before confirming. A blank's serial is used for one print at most (a database constraint).
"""

from __future__ import annotations

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from appraisal import gates
from appraisal.jobs import start_job
from certificates import notifications
from certificates.models import (
    PRINTABLE_STATES,
    BatchStatus,
    BlankUse,
    Certificate,
    CertificateBlank,
    PrintBatch,
    PrintBatchItem,
    State,
)
from certificates.services import lifecycle

PRINT_JOB = "certificates.print_batch"
MAX_BATCH = 2000
SERIAL_PATTERN = re.compile(r"^([A-Za-z]{0,4})(\d{4,16})$")


def require_printer(actor, printing_center) -> None:
    """Only clerks of the printing center itself print its certificates."""
    if not gates.has_role(actor, gates.CLERKS) or actor.center_id != printing_center.pk:
        raise PermissionDenied(_("只有%(center)s的工作人员可以打印这些证书。") % {"center": printing_center.name})


def create_print_batch(*, actor, certificate_ids, origin: dict | None = None) -> PrintBatch:
    """A batch of the actor's center from chosen certificates of its queue; its PDF is laid out by
    a background job started with it (through the outbox: it survives a broker outage). `origin`
    (appraisal.services.access_origin of the request) goes to the access log with the PDF."""
    ids = sorted({int(pk) for pk in certificate_ids})
    if not ids:
        raise ValidationError(_("请至少选择一张证书。"), code="empty_batch")
    if len(ids) > MAX_BATCH:
        raise ValidationError(_("一个批次最多%(n)d张证书，请分批打印。") % {"n": MAX_BATCH}, code="batch_too_large")
    if actor.center_id is None:
        raise PermissionDenied(_("您不属于任何鉴定机构，不能打印证书。"))
    require_printer(actor, actor.center)
    with transaction.atomic():
        certificates = list(Certificate.objects.select_for_update().filter(pk__in=ids).order_by("number"))
        if len(certificates) != len(ids):
            raise ValidationError(_("部分证书不存在。"), code="unknown_certificate")
        for certificate in certificates:
            _check_printable(certificate, actor.center)
        batch = PrintBatch.objects.create(printing_center=actor.center, created_by=actor)
        try:
            with transaction.atomic():
                PrintBatchItem.objects.bulk_create([PrintBatchItem(batch=batch, certificate=c, position=i)
                                                    for i, c in enumerate(certificates, start=1)])
        except IntegrityError as exc:
            raise ValidationError(_("部分证书已在另一个待确认的打印批次中，请先确认或取消该批次。"),
                                  code="in_open_batch") from exc
        batch.job = start_job(kind=PRINT_JOB, owner=actor, params={"batch": batch.pk, "origin": origin})
        batch.save(update_fields=["job"])
    return batch


def _check_printable(certificate: Certificate, center) -> None:
    if certificate.printing_center_id != center.pk:
        raise PermissionDenied(_("证书%(number)s不由%(center)s打印。") % {"number": certificate.number,
                                                                     "center": center.name})
    if certificate.state not in PRINTABLE_STATES:
        raise ValidationError(lifecycle.refusal(certificate, State.PRINTED), code="not_printable")


def serials_from(first_serial: str, count: int) -> list[str]:
    """`count` consecutive blank serials from the first one: letters kept, digits counted up with
    their width (A0000998 → A0000998, A0000999, A0001000)."""
    match = SERIAL_PATTERN.match((first_serial or "").strip())
    if not match:
        raise ValidationError({"first_serial": _("证书流水码应为0至4个字母加4至16位数字，如 J2026000001。")})
    letters, digits = match.groups()
    start, width = int(digits), len(digits)
    if len(str(start + count - 1)) > width:
        raise ValidationError({"first_serial": _("流水码位数不够编排本批次的全部证书。")})
    return [f"{letters}{start + i:0{width}d}" for i in range(count)]


def _open_batch(batch: PrintBatch, actor) -> tuple[PrintBatch, list[PrintBatchItem]]:
    batch = PrintBatch.objects.select_for_update().select_related("printing_center").get(pk=batch.pk)
    require_printer(actor, batch.printing_center)
    if batch.status != BatchStatus.OPEN:
        raise ValidationError(_("该批次%(status)s，不能再处理。") % {"status": batch.get_status_display()},
                              code="batch_closed")
    items = list(batch.items.filter(is_open=True).order_by("position"))
    return batch, items


def confirm_batch(*, batch: PrintBatch, actor, first_serial: str, spoiled: dict[int, str] | None = None) -> dict:
    """The blanks came out: each item gets the next serial from `first_serial`, in print order.
    `spoiled` maps certificate ids whose blank came out wrong to the reason; they go back to the
    queue and their blank is recorded destroyed. Returns the counts."""
    spoiled = {int(k): (v or "").strip() for k, v in (spoiled or {}).items()}
    with transaction.atomic():
        batch, items = _open_batch(batch, actor)
        serials = serials_from(first_serial, len(items))
        certificates = Certificate.objects.select_for_update().in_bulk([item.certificate_id for item in items])
        unknown = set(spoiled) - set(certificates)
        if unknown:
            raise ValidationError(_("作废的证书不在本批次中。"), code="spoiled_not_in_batch")
        if any(not reason for reason in spoiled.values()):
            raise ValidationError(_("请填写每张作废证书的作废原因。"), code="spoiled_reason_required")
        used = set(CertificateBlank.objects.filter(serial__in=serials).values_list("serial", flat=True))
        if used:
            raise ValidationError({"first_serial": _("流水码%(serials)s已使用过，请核对起始流水码。")
                                   % {"serials": "、".join(sorted(used)[:5])}})
        counts = _record_blanks(items, certificates, serials, spoiled, actor, batch.printing_center)
        batch.items.update(is_open=False)
        batch.status, batch.closed_by, batch.closed_at = BatchStatus.CONFIRMED, actor, timezone.now()
        batch.save(update_fields=["status", "closed_by", "closed_at"])
    return counts


def _record_blanks(items, certificates, serials, spoiled, actor, center) -> dict:
    blanks, moves, printed = [], [], []
    counts = {"printed": 0, "spoiled": 0, "skipped": 0}
    for item, serial in zip(items, serials, strict=True):
        certificate = certificates[item.certificate_id]
        if certificate.pk in spoiled or certificate.state not in PRINTABLE_STATES:
            reason = spoiled.get(certificate.pk) or _("打印期间证书已%(state)s") % {"state": certificate.get_state_display()}
            blanks.append(CertificateBlank(serial=serial, certificate=certificate, printing_center=center,
                                           use=BlankUse.DESTROYED, reason=reason, recorded_by=actor))
            counts["spoiled" if certificate.pk in spoiled else "skipped"] += 1
            continue
        moves.append(lifecycle.apply_transition(certificate, State.PRINTED, actor=actor, reason=serial))
        certificate.blank_serial = serial
        printed.append(certificate)
        blanks.append(CertificateBlank(serial=serial, certificate=certificate, printing_center=center,
                                       use=BlankUse.PRINTED, recorded_by=actor))
        counts["printed"] += 1
    try:
        with transaction.atomic():
            CertificateBlank.objects.bulk_create(blanks)
    except IntegrityError as exc:
        raise ValidationError({"first_serial": _("流水码刚刚已被使用，请核对起始流水码。")}) from exc
    Certificate.objects.bulk_update(printed, ["state", "blank_serial", "updated_at"])
    lifecycle.save_moves(moves)
    notifications.ready_for_collection(printed)
    return counts


def cancel_batch(*, batch: PrintBatch, actor) -> PrintBatch:
    """Nothing came out (or the wrong paper was loaded): the certificates stay in the queue."""
    with transaction.atomic():
        batch, _items = _open_batch(batch, actor)
        batch.items.update(is_open=False)
        batch.status, batch.closed_by, batch.closed_at = BatchStatus.CANCELLED, actor, timezone.now()
        batch.save(update_fields=["status", "closed_by", "closed_at"])
    return batch


def record_spoiled(*, certificate: Certificate, actor, reason: str) -> Certificate:
    """A printed certificate found damaged before it was handed over: its blank is recorded destroyed
    and it goes back to the queue, keeping its number."""
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().select_related("printing_center").get(pk=certificate.pk)
        require_printer(actor, certificate.printing_center)
        move = lifecycle.apply_transition(certificate, State.ISSUED if not certificate.replacement_count
                                          else State.REISSUED, actor=actor, reason=reason)
        CertificateBlank.objects.create(serial=f"{certificate.blank_serial}", certificate=certificate,
                                        printing_center=certificate.printing_center, use=BlankUse.DESTROYED,
                                        reason=move.reason, recorded_by=actor)
        certificate.blank_serial = ""
        certificate.save(update_fields=["state", "blank_serial", "updated_at"])
        lifecycle.save_moves([move])
    return certificate

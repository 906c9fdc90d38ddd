"""Reporting certificate data up the chain (CERT-1: 一次一报, 逐级上报).

Every issued certificate is reported once per issuance, level by level, from the body that
appraised to the province: a county → its city → the province; a city, school or enterprise → its
parent...; the province's own issuances are checked by the province itself (one hop to itself). At
each hop the receiving center accepts or returns the report as a whole, with reasons; a report
accepted below the province is forwarded to the next level by a task sent through the outbox after
the commit (a broker outage delays it, never loses it; a second delivery finds the forward made).
What the province accepts becomes a PublishedRecord: the national exchange's feed and what public
verification answers for.

A change to a reported certificate (a revocation, a reissue, an amended name) travels as a
correction that refers to the original, never as a second report of the issuance. The database
holds one live report item per certificate and hop (per correction and hop), so a task run twice or
two clerks sending at once give one report.
"""

from __future__ import annotations

import datetime
import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from appraisal import gates, outbox
from appraisal.models import Center
from certificates.models import (
    LIVE_REPORT_STATES,
    Certificate,
    CertificateCorrection,
    PublishedRecord,
    Report,
    ReportItem,
    ReportKind,
    ReportState,
)

FORWARD_TASK = "certificates.forward_report"
MAX_REPORT = 5000
REASON_MAX = Report._meta.get_field("return_reason").max_length


def chain(body: Center) -> list[Center]:
    """The centers a certificate's data passes through, from the body that appraised up to the
    province; the province's own certificates go to the province itself (it checks them too)."""
    path, node = [body], body
    while node.parent_id is not None:
        node = node.parent
        path.append(node)
    return path if len(path) > 1 else [body, body]


def _live(kind: str, hop_ref, **extra) -> Exists:
    return Exists(ReportItem.objects.filter(certificate=OuterRef("pk"), kind=kind, hop=hop_ref,
                                            state__in=LIVE_REPORT_STATES, **extra))


def _at_hop(center: Center, hop: int) -> Q:
    """Certificates whose data `center` holds for hop `hop`: its own issuances (hop 0), or what it
    accepted from the level below (the hop before, received by this center)."""
    if hop == 0:
        return Q(body=center)
    received = ReportItem.objects.filter(certificate=OuterRef("pk"), kind=ReportKind.ORIGINAL, hop=hop - 1,
                                         state=ReportState.ACCEPTED, report__receiver=center)
    return Q(Exists(received))


def _hops_of(center: Center) -> range:
    # A county holds hop 0 only, a city 0 and 1; a chain is at most body → city → province.
    return range(0, 1) if center.parent_id is None else range(0, 3)


def unreported(center: Center) -> QuerySet[Certificate]:
    """Certificates this center must still send up (returned ones included)."""
    condition = Q(pk__in=[])
    for hop in _hops_of(center):
        condition |= _at_hop(center, hop) & ~Q(_live(ReportKind.ORIGINAL, hop))
    if center.parent_id is None:  # the province's own certificates go to the province itself
        condition = Q(body=center) & ~Q(_live(ReportKind.ORIGINAL, 0))
    return Certificate.objects.filter(condition).select_related("occupation", "body").order_by("number")


def unreported_corrections(center: Center) -> QuerySet[CertificateCorrection]:
    """Corrections of certificates this center reported, not yet sent on (at hop 0: its own)."""
    live = ReportItem.objects.filter(correction=OuterRef("pk"), hop=0, state__in=LIVE_REPORT_STATES)
    return (CertificateCorrection.objects.filter(certificate__body=center).exclude(Exists(live))
            .select_related("certificate").order_by("created_at", "pk"))


def _hop_for(certificate: Certificate, sender: Center) -> int:
    path = chain(certificate.body)
    for hop, node in enumerate(path[:-1]):
        if node.pk == sender.pk:
            return hop
    raise PermissionDenied(_("证书%(number)s的数据不由%(center)s上报。") % {"number": certificate.number,
                                                                       "center": sender.name})


def _require_clerk_of(actor, center: Center, doing: str) -> None:
    if not gates.has_role(actor, gates.CLERKS) or actor.center_id != center.pk:
        raise PermissionDenied(_("只有%(center)s的工作人员可以%(doing)s。") % {"center": center.name, "doing": doing})


def _new_report(*, sender, receiver, hop, kind, actor, origin=None) -> Report:
    identifier = f"{timezone.localdate():%Y%m%d}-{sender.certificate_body_code or sender.pk}-{uuid.uuid4().hex[:8]}"
    return Report.objects.create(identifier=identifier, sender=sender, receiver=receiver, hop=hop, kind=kind,
                                 created_by=actor, origin=origin)


def send_report(*, actor, certificate_ids) -> Report:
    """The actor's center reports these certificates to the next level up, in one report."""
    center = actor.center
    if center is None:
        raise PermissionDenied(_("您不属于任何鉴定机构。"))
    _require_clerk_of(actor, center, _("上报本机构的证书数据"))
    ids = sorted({int(pk) for pk in certificate_ids})
    if not ids or len(ids) > MAX_REPORT:
        raise ValidationError(_("请选择1至%(n)d张证书上报。") % {"n": MAX_REPORT})
    with transaction.atomic():
        pending = {c.pk: c for c in unreported(center).select_related("body__parent__parent").filter(pk__in=ids)}
        missing = [pk for pk in ids if pk not in pending]
        if missing:
            raise ValidationError(_("有%(n)d张证书不在本机构的待上报列表中（已上报，或不由本机构上报）。")
                                  % {"n": len(missing)}, code="not_pending")
        by_hop: dict[int, list[Certificate]] = {}
        for certificate in pending.values():
            by_hop.setdefault(_hop_for(certificate, center), []).append(certificate)
        if len(by_hop) > 1:
            raise ValidationError(_("本机构自己的证书和下级转来的证书请分开上报。"))
        (hop, certificates), = by_hop.items()
        receiver = chain(certificates[0].body)[hop + 1]
        report = _new_report(sender=center, receiver=receiver, hop=hop, kind=ReportKind.ORIGINAL, actor=actor)
        _add_items(report, [(c, None) for c in certificates])
    return report


def _add_items(report: Report, entries) -> None:
    try:
        with transaction.atomic():
            ReportItem.objects.bulk_create([
                ReportItem(report=report, certificate=certificate, correction=correction, hop=report.hop,
                           kind=report.kind) for certificate, correction in entries])
    except IntegrityError as exc:  # another clerk (or a task) sent one of them a moment ago
        raise ValidationError(_("部分证书刚刚已由他人上报，请刷新后重试。"), code="sent_meanwhile") from exc


def record_correction(*, certificate: Certificate, kind: str, detail: str, actor,
                      only_if_reported: bool = False) -> CertificateCorrection | None:
    """A change to a certificate that must travel up as a correction. A certificate never reported
    needs none (its first report carries the current data): refused, or skipped `only_if_reported`."""
    reported = ReportItem.objects.filter(certificate=certificate, kind=ReportKind.ORIGINAL, hop=0,
                                         state__in=LIVE_REPORT_STATES).exists()
    if not reported:
        if only_if_reported:
            return None
        raise ValidationError(_("证书%(number)s尚未上报，无需更正上报：首次上报将报送当前数据。")
                              % {"number": certificate.number}, code="never_reported")
    return CertificateCorrection.objects.create(certificate=certificate, kind=kind, detail=detail[:300],
                                                created_by=actor)


def send_corrections(*, actor, correction_ids) -> Report:
    """The actor's center sends corrections of its own certificates up (hop 0); each follows its
    original, which must be reported (sent or accepted) at that hop."""
    center = actor.center
    if center is None:
        raise PermissionDenied(_("您不属于任何鉴定机构。"))
    _require_clerk_of(actor, center, _("上报证书更正"))
    ids = sorted({int(pk) for pk in correction_ids})
    with transaction.atomic():
        corrections = list(unreported_corrections(center).select_related("certificate__body__parent").filter(
            pk__in=ids))
        if not ids or len(corrections) != len(ids):
            raise ValidationError(_("请选择本机构待上报的更正。"), code="not_pending")
        # A correction refers to its original: one whose original report was returned (not live at
        # this hop) would reach the city as a change of something it never accepted.
        originals = set(ReportItem.objects.filter(
            certificate__in=[c.certificate_id for c in corrections], kind=ReportKind.ORIGINAL, hop=0,
            state__in=LIVE_REPORT_STATES).values_list("certificate_id", flat=True))
        orphans = sorted(c.certificate.number for c in corrections if c.certificate_id not in originals)
        if orphans:
            raise ValidationError(_("证书%(numbers)s的首次上报已被退回，须先重新上报证书数据，再上报其更正。")
                                  % {"numbers": "、".join(orphans[:5])}, code="original_not_reported")
        receiver = chain(center)[1]
        report = _new_report(sender=center, receiver=receiver, hop=0, kind=ReportKind.CORRECTION, actor=actor)
        _add_items(report, [(c.certificate, c) for c in corrections])
    return report


# --- The receiving center ------------------------------------------------------------------------------


def _open_report(report: Report, actor) -> Report:
    report = Report.objects.select_for_update(of=("self",)).select_related("receiver", "sender").get(pk=report.pk)
    _require_clerk_of(actor, report.receiver, _("接收该批次"))
    if report.state != ReportState.SENT:
        raise ValidationError(_("该批次%(state)s，不能再处理。") % {"state": report.get_state_display()}, code="decided")
    return report


def accept_report(*, report: Report, actor) -> Report:
    """The next level up accepts: at the province the data is published; below it, forwarded."""
    with transaction.atomic():
        report = _open_report(report, actor)
        report.state, report.decided_by, report.decided_at = ReportState.ACCEPTED, actor, timezone.now()
        report.save(update_fields=["state", "decided_by", "decided_at"])
        report.items.update(state=ReportState.ACCEPTED)
        if report.receiver.parent_id is None:
            _publish(report)
        else:
            outbox.enqueue(FORWARD_TASK, report.pk, key=f"{FORWARD_TASK}:{report.pk}")
    return report


def return_report(*, report: Report, actor, reason: str) -> Report:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("退回须填写原因。")})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": _("退回原因不能超过%(n)d个字。") % {"n": REASON_MAX}})
    with transaction.atomic():
        report = _open_report(report, actor)
        report.state, report.decided_by, report.decided_at = ReportState.RETURNED, actor, timezone.now()
        report.return_reason = reason
        report.save(update_fields=["state", "decided_by", "decided_at", "return_reason"])
        report.items.update(state=ReportState.RETURNED)
    return report


def forward_report(report_id: int) -> Report | None:
    """The task's body: send an accepted report's items on to the next level, once. Items already
    live there (a clerk resent them meanwhile) and corrections whose original is not there yet stay
    behind, on the center's board."""
    with transaction.atomic():
        report = (Report.objects.select_for_update(of=("self",)).select_related("receiver__parent")
                  .filter(pk=report_id, state=ReportState.ACCEPTED).first())
        if report is None or report.receiver.parent_id is None or Report.objects.filter(origin=report).exists():
            return None
        hop = report.hop + 1
        items = list(report.items.select_related("certificate", "correction"))
        live = set(ReportItem.objects.filter(hop=hop, state__in=LIVE_REPORT_STATES, kind=report.kind,
                                             certificate__in=[i.certificate_id for i in items])
                   .values_list("certificate_id" if report.kind == ReportKind.ORIGINAL else "correction_id",
                                flat=True))
        entries = [(i.certificate, i.correction) for i in items
                   if (i.certificate_id if report.kind == ReportKind.ORIGINAL else i.correction_id) not in live]
        if report.kind == ReportKind.CORRECTION:
            there = set(ReportItem.objects.filter(hop=hop, kind=ReportKind.ORIGINAL, state__in=LIVE_REPORT_STATES)
                        .values_list("certificate_id", flat=True))
            entries = [(c, k) for c, k in entries if c.pk in there]
        if not entries:
            return None
        forwarded = _new_report(sender=report.receiver, receiver=report.receiver.parent, hop=hop, kind=report.kind,
                                actor=None, origin=report)
        _add_items(forwarded, entries)
    return forwarded


# --- Published at the province ---------------------------------------------------------------------


def record_payload(certificate: Certificate, correction: CertificateCorrection | None = None) -> dict:
    """What the province publishes of a certificate: the national exchange's row (format version 1)."""
    payload = {
        "number": certificate.number, "holder_name": certificate.holder_name,
        "gender": certificate.holder_gender, "id_number": certificate.holder_id_number,
        "occupation_code": certificate.occupation.code, "occupation": certificate.occupation.name,
        "level": certificate.level, "issued_on": certificate.issued_on.isoformat(),
        "issuing_authority": certificate.issuing_authority, "body": certificate.body.name,
        "body_code": certificate.body.certificate_body_code or "", "state": certificate.state,
        "revoked_on": certificate.revoked_on.isoformat() if certificate.revoked_on else "",
        "replacement_count": certificate.replacement_count,
    }
    if correction is not None:
        payload.update(correction_kind=correction.kind, correction_detail=correction.detail)
    return payload


def _publish(report: Report) -> None:
    items = report.items.select_related("certificate__occupation", "certificate__body", "correction")
    PublishedRecord.objects.bulk_create([
        PublishedRecord(certificate=item.certificate, kind=item.kind, correction=item.correction, report=report,
                        payload=record_payload(item.certificate, item.correction))
        for item in items
    ])


# --- Reminders (beat) --------------------------------------------------------------------------------


def remind_unreported(*, today: datetime.date | None = None, working_days: int | None = None) -> int:
    """Once a day, a reminder row for each center with certificates issued more than
    `working_days` working days ago and not reported; the center's home shows it."""
    from django.conf import settings

    from appraisal.workdays import CalendarUnknown, add_working_days
    from certificates.models import ReportReminder

    today = today or timezone.localdate()
    days = settings.CERTIFICATE_REPORT_REMINDER_WORKING_DAYS if working_days is None else working_days
    try:
        issued_before = add_working_days(today, -days)
    except CalendarUnknown:
        return 0
    raised = 0
    for center in Center.objects.filter(is_active=True).select_related("parent"):
        count = unreported(center).filter(issued_on__lte=issued_before).count()
        if count and not ReportReminder.objects.filter(center=center, day=today).exists():
            try:
                with transaction.atomic():
                    ReportReminder.objects.create(center=center, day=today, unreported=count)
            except IntegrityError:
                continue
            raised += 1
    return raised

"""Issuing certificates (CERT-2..CERT-4): who is eligible, the number, the delivery deadline.

An application is eligible when it is approved and paid, its published outcome is qualified (every
subject of its level passed, now or kept from the last year), both opinions of the 申报表 are
written (the center's at approval, the HR bureau's by an HR official in scope), and it has no valid
certificate. Issuing is done by staff who manage the application's center, one application or a
whole session at once; either way the numbers come in one statement per body and level
(certificates.numbering) and the rows in one bulk insert, and the database's constraints make a
double click or two clerks at once give one certificate with one number.
"""

from __future__ import annotations

import datetime
import functools
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from appraisal import authority
from appraisal.models import Center
from appraisal.workdays import CalendarUnknown, WorkdayCalendar, add_working_days
from certificates import notifications, numbering
from certificates.models import Certificate, CertificateTransition, State
from exams.models import ExamSession, SeatAssignment
from exams.services import outcomes_for
from registration.models import Application, Status

DELIVERY_WORKING_DAYS = 15  # CERT-3, the 2017 value


def delivery_due(published_on: datetime.date, *, calendar: WorkdayCalendar | None = None) -> datetime.date:
    """CERT-3: the last day to hand a certificate over, 15 working days after the results'
    publication. Raises CalendarUnknown while that stretch of the calendar is not maintained."""
    return add_working_days(published_on, DELIVERY_WORKING_DAYS, calendar=calendar)


def due_or_none(published_on: datetime.date, calendar: WorkdayCalendar) -> datetime.date | None:
    try:
        return delivery_due(published_on, calendar=calendar)
    except CalendarUnknown:
        return None  # filled in by the delivery job once the province enters next year's calendar


@dataclass
class IssueResult:
    issued: list[Certificate] = field(default_factory=list)
    refused: list[tuple[Application, str]] = field(default_factory=list)


def refusal_to_issue(application: Application, outcome: str | None, *, has_certificate: bool) -> str | None:
    """Why this application cannot get a certificate now, in Chinese, or None."""
    if has_certificate:
        return _("已核发证书，不能重复核发。")
    if application.status != Status.APPROVED:
        return _("申报状态为“%(status)s”，不能核发证书。") % {"status": application.get_status_display()}
    if outcome is None:
        return _("鉴定成绩尚未发布。")
    if outcome != "qualified":
        return _("鉴定结果为不合格，不能核发证书。")
    if not application.fee_paid:
        return _("鉴定费尚未缴纳。")
    if not application.center_opinion.strip():
        return _("尚无职业技能鉴定中心意见。")
    if not application.hr_opinion.strip():
        return _("尚无人力资源社会保障行政部门意见。")
    return None


def _seat_facts(application_ids) -> dict[int, tuple[datetime.date | None, bool]]:
    """Application id -> (the day its session's results were published, whether the session is a
    unified appraisal), in two queries: the seats as values, their few sessions as objects."""
    seats = list(SeatAssignment.objects.filter(application_id__in=application_ids).values_list(
        "application_id", "session_id", "session__published_at"))
    sessions = ExamSession.objects.filter(pk__in={session_id for _a, session_id, _p in seats}).select_related(
        "unified_appraisal", "retake_day")
    unified = {session.pk: session.is_unified for session in sessions}
    return {application_id: (timezone.localdate(at) if at is not None else None, unified[session_id])
            for application_id, session_id, at in seats}


def issue_certificates(applications, *, actor) -> IssueResult:
    """Issue a certificate to every eligible application of `applications` (a queryset or ids);
    the others come back with their reason. All or nothing per call."""
    ids = list(applications.values_list("pk", flat=True)) if hasattr(applications, "values_list") else list(applications)
    result = IssueResult()
    with transaction.atomic():
        locked = list(Application.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
        # The few centers once, not a joined copy per row (thousands of rows in a session).
        centers = Center.objects.select_related("parent").in_bulk({a.center_id for a in locked})
        outside = {pk for pk, center in centers.items() if not authority.can_manage_center(actor, center)}
        for application in locked:
            application.center = centers[application.center_id]
            if application.center_id in outside:
                raise PermissionDenied(_("%(name)s的申报不在您的管辖范围内，不能核发证书。") % {"name": application.name})
        outcomes = outcomes_for(ids)
        certified = set(Certificate.objects.filter(application_id__in=ids).exclude(state=State.REVOKED)
                        .values_list("application_id", flat=True))
        eligible = []
        for application in locked:
            reason = refusal_to_issue(application, outcomes.get(application.pk),
                                      has_certificate=application.pk in certified)
            if reason:
                result.refused.append((application, reason))
            else:
                eligible.append(application)
        if eligible:
            result.issued = _create(eligible, actor)
    return result


def _create(applications: list[Application], actor) -> list[Certificate]:
    today = timezone.localdate()
    facts = _seat_facts([a.pk for a in applications])
    calendar = WorkdayCalendar()
    # Per distinct value, not per row: a session's candidates share the day and the printer (the
    # working-day count cost more than the rest of issuing, benchmarks/README.md).
    due_on = functools.cache(lambda day: due_or_none(day, calendar))
    printer = functools.cache(lambda body, unified: authority.printing_center(body, unified=unified))
    by_key: dict[tuple, list[Application]] = defaultdict(list)
    for application in applications:
        by_key[(application.center, application.level)].append(application)
    certificates = []
    for (body, level), group in by_key.items():
        number_prefix = numbering.prefix(body, today.year, level)
        for application, running in zip(group, numbering.allocate(body, today.year, level, len(group)), strict=True):
            published_on, unified = facts[application.pk]
            certificates.append(Certificate(
                application=application, number=numbering.format_number(number_prefix, running), body=body,
                year=today.year, level=level, running_number=running,
                printing_center=printer(body, unified),
                issuing_authority=settings.CERTIFICATE_ISSUING_AUTHORITY,
                holder_name=application.name, holder_gender=application.gender,
                holder_id_number=application.id_number, occupation_id=application.occupation_id,
                issued_on=today, issued_by=actor, published_on=published_on, due_on=due_on(published_on),
            ))
    try:
        with transaction.atomic():
            created = Certificate.objects.bulk_create(certificates)
    except IntegrityError as exc:  # another clerk issued one of them a moment ago
        raise ValidationError(_("部分申报刚刚已由他人核发证书，请刷新后重试。"), code="issued_meanwhile") from exc
    CertificateTransition.objects.bulk_create([
        CertificateTransition(certificate=c, from_state="", to_state=State.ISSUED, actor=actor, reason=_("核发"))
        for c in created
    ])
    notifications.issued(created)
    return created


def issue_certificate(application: Application, *, actor) -> Certificate:
    """One application; refuses with the reason when it is not eligible."""
    result = issue_certificates([application.pk], actor=actor)
    if result.refused:
        raise ValidationError(result.refused[0][1], code="not_eligible")
    return result.issued[0]


def issue_for_session(session: ExamSession, *, actor) -> IssueResult:
    """Every qualified candidate of a published session at once (those already certified or not
    yet eligible are reported, not refused as a whole)."""
    if not authority.can_manage_center(actor, session.center):
        raise PermissionDenied(_("该场次不在您的管辖范围内。"))
    if not session.is_published:
        raise ValidationError(_("本场次成绩尚未发布，不能核发证书。"), code="not_published")
    return issue_certificates(Application.objects.filter(seat__session=session), actor=actor)


@dataclass(frozen=True)
class IssueRow:
    application: Application
    ticket_number: str
    certificate: Certificate | None
    refusal: str | None


def session_issue_rows(session: ExamSession) -> list[IssueRow]:
    """The issuing page of a session: each seated candidate with their valid certificate, or why
    they cannot get one yet (None: eligible now). A constant number of queries."""
    seats = list(SeatAssignment.objects.filter(session=session).select_related("application")
                 .order_by("ticket_number"))
    ids = [seat.application_id for seat in seats]
    outcomes = outcomes_for(ids)
    certificates = {c.application_id: c for c in Certificate.objects.filter(application_id__in=ids)
                    .exclude(state=State.REVOKED)}
    rows = []
    for seat in seats:
        certificate = certificates.get(seat.application_id)
        refusal = None if certificate else refusal_to_issue(seat.application, outcomes.get(seat.application_id),
                                                            has_certificate=False)
        rows.append(IssueRow(seat.application, seat.ticket_number, certificate, refusal))
    return rows

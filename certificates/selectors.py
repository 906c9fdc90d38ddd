"""Scoped reads of the certificates app. Scope comes from the authority engine only: staff see the
certificates of the centers in their scope, as the appraising body or as the printing center;
examiners see none; a candidate sees their own."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from appraisal import authority, gates
from appraisal.models import Role
from certificates.models import (
    PRINTABLE_STATES,
    AlertKind,
    BatchStatus,
    Certificate,
    DeliveryAlert,
    PrintBatch,
    PrintBatchItem,
    State,
)
from exams.models import ExamSession, SessionStatus
from exams.selectors import sessions_for
from registration.models import Application

_LIST_RELATED = ("occupation", "body", "printing_center")


def certificates_for(user) -> QuerySet[Certificate]:
    base = Certificate.objects.select_related(*_LIST_RELATED)
    if not user.is_authenticated or user.role == Role.EXAMINER:
        return base.none()
    if user.role == Role.CANDIDATE:
        return base.filter(application__candidate=user)
    as_body = authority.scope_queryset(user, Certificate.objects.all(), "body").values("pk")
    as_printer = authority.scope_queryset(user, Certificate.objects.all(), "printing_center").values("pk")
    return base.filter(Q(pk__in=as_body) | Q(pk__in=as_printer)).order_by("-issued_on", "number")


def certificate_for(user, pk) -> Certificate:
    """One certificate the user may see, or Certificate.DoesNotExist (a 404, whoever guessed)."""
    return certificates_for(user).select_related("application", "issued_by").get(pk=pk)


def certificate_history(certificate: Certificate):
    return certificate.transitions.select_related("actor").order_by("at", "pk")


def certificate_blanks(certificate: Certificate):
    return certificate.blanks.select_related("recorded_by").order_by("at", "pk")


def candidate_certificates(user) -> QuerySet[Certificate]:
    if not user.is_authenticated or user.role != Role.CANDIDATE:
        return Certificate.objects.none()
    return Certificate.objects.filter(application__candidate=user).select_related(*_LIST_RELATED).order_by(
        "-issued_on", "number")


def _in_open_batch():
    return Exists(PrintBatchItem.objects.filter(certificate=OuterRef("pk"), is_open=True))


def print_queue(user) -> QuerySet[Certificate]:
    """What the user's own center prints and has not yet put in an open batch (CERT-2)."""
    if not gates.has_role(user, gates.CLERKS) or user.center_id is None:
        return Certificate.objects.none()
    return (Certificate.objects.filter(printing_center_id=user.center_id, state__in=PRINTABLE_STATES)
            .exclude(_in_open_batch()).select_related(*_LIST_RELATED).order_by("body__name", "number"))


def print_batches_for(user) -> QuerySet[PrintBatch]:
    if not gates.has_role(user, gates.CLERKS) or user.center_id is None:
        return PrintBatch.objects.none()
    return (PrintBatch.objects.filter(printing_center_id=user.center_id)
            .select_related("created_by", "closed_by", "job").annotate(size=Count("items"))
            .order_by("-created_at", "-id"))  # Meta.ordering is dropped by the GROUP BY of the count


def batch_items(batch: PrintBatch):
    return batch.items.select_related("certificate__occupation", "certificate__body").order_by("position")


def sessions_to_certify(user) -> QuerySet[ExamSession]:
    """Published sessions of centers the user manages, with how many certificates they have."""
    if not gates.has_role(user, gates.CLERKS):
        return ExamSession.objects.none()
    valid = Q(seats__application__certificates__isnull=False) & ~Q(seats__application__certificates__state=State.REVOKED)
    return (sessions_for(user).filter(status=SessionStatus.PUBLISHED)
            .annotate(certificate_count=Count("seats__application__certificates", filter=valid, distinct=True))
            .order_by("-day", "pk"))


def session_applications(session: ExamSession) -> QuerySet[Application]:
    return Application.objects.filter(seat__session=session)


def overdue_for(user) -> QuerySet[Certificate]:
    """CERT-3: certificates in scope past their delivery deadline and not yet handed over."""
    overdue = DeliveryAlert.objects.filter(certificate=OuterRef("pk"), kind=AlertKind.OVERDUE)
    return certificates_for(user).filter(Exists(overdue), state__in=[State.ISSUED, State.PRINTED])


def open_batches_count(user) -> int:
    return print_batches_for(user).filter(status=BatchStatus.OPEN).count()


# --- Reporting (CERT-1) ----------------------------------------------------------------------------


def reports_for(user) -> QuerySet:
    """Reports the user's own center sent or received (each center's board is its own)."""
    from certificates.models import Report

    if not gates.has_role(user, gates.CLERKS) or user.center_id is None:
        return Report.objects.none()
    return (Report.objects.filter(Q(sender_id=user.center_id) | Q(receiver_id=user.center_id))
            .select_related("sender", "receiver", "created_by", "decided_by").annotate(size=Count("items")))


def report_items(report):
    return report.items.select_related("certificate__occupation", "certificate__body", "correction").order_by("pk")


def national_exports():
    from certificates.models import NationalExport

    return NationalExport.objects.select_related("created_by")


def published_count_after(cursor: int) -> int:
    from certificates.models import PublishedRecord

    return PublishedRecord.objects.filter(pk__gt=cursor).count()


def todays_report_reminder(user):
    """The reminder the beat job raised today for the user's center (CERT-1), or None."""
    from django.utils import timezone

    from certificates.models import ReportReminder

    if not gates.has_role(user, gates.CLERKS) or user.center_id is None:
        return None
    return ReportReminder.objects.filter(center_id=user.center_id, day=timezone.localdate()).first()

"""Writes to the core domain. Every function validates fully and saves in one transaction, so bad
input gets a Chinese message and nothing is half-saved."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from appraisal.models import (
    DEFAULT_BODY_KINDS,
    GRANTABLE_KINDS,
    GRANTABLE_LEVELS,
    AuthorityGrant,
    Center,
    CenterKind,
    CertificateBodyKind,
    Level,
    PersonalDataAccess,
    PersonalDataRecord,
    ScheduledAppraisalDay,
    WorkdayOverride,
)
from appraisal.workdays import registration_deadline, validate_extension_days


@transaction.atomic
def create_center(*, name, kind, parent=None, division_code=None, **fields) -> Center:
    center = Center(name=name, kind=kind, parent=parent, division_code=division_code or None, **fields)
    center.full_clean()
    center.save()
    assign_certificate_body_codes([center])
    return center


def _prefecture_of(center: Center) -> str:
    """CERT-4: 00 for the province's own bodies, else the 3rd and 4th digits of the nearest
    division code above (a county's city, a school's city)."""
    node = center
    while node is not None:
        if node.kind == CenterKind.PROVINCE:
            return "00"
        if node.division_code:
            return node.division_code[2:4]
        node = node.parent
    return "00"


def assign_certificate_body_codes(centers=None) -> int:
    """Give every center without one a certificate body code (CERT-4): its prefecture, the default
    kind for its kind of center, and the next free serial of that prefecture and kind. Codes set by
    hand are kept. Returns how many were assigned."""
    todo = list(centers if centers is not None else Center.objects.filter(certificate_body_serial__isnull=True))
    assigned = 0
    with transaction.atomic():
        for center in todo:
            center = Center.objects.select_for_update(of=("self",)).select_related("parent__parent").get(pk=center.pk)
            if center.certificate_body_serial is not None:
                continue
            prefecture = _prefecture_of(center)
            kind = DEFAULT_BODY_KINDS.get(center.kind, CertificateBodyKind.LOCAL_STATION)
            used = Center.objects.filter(certificate_prefecture=prefecture, certificate_body_kind=kind)
            serial = (used.aggregate(top=Max("certificate_body_serial"))["top"] or 0) + 1
            if serial > 999:
                raise ValidationError(_("地区%(p)s的证书机构序号已用完。") % {"p": prefecture})
            center.certificate_prefecture, center.certificate_body_kind = prefecture, kind
            center.certificate_body_serial = serial
            center.save(update_fields=["certificate_prefecture", "certificate_body_kind", "certificate_body_serial"])
            assigned += 1
    return assigned


@transaction.atomic
def grant_levels(*, center: Center, levels, approved_on=None, document="") -> list[AuthorityGrant]:
    """ORG-5: record exactly the levels approved for an expanded county (or a school/enterprise body).
    Replaces any earlier grant, so the grant is always exactly what was approved."""
    levels = sorted({int(level) for level in levels}, reverse=True)
    if center.kind not in GRANTABLE_KINDS:
        raise ValidationError(
            _("%(center)s（%(kind)s）的鉴定权限由文件规定，不能单独批准。")
            % {"center": center.name, "kind": center.get_kind_display()},
            code="not_grantable",
        )
    if not levels:
        raise ValidationError(_("请至少选择一个等级。"), code="no_levels")
    bad = [level for level in levels if level not in GRANTABLE_LEVELS]
    if bad:
        names = "、".join(str(Level(level).label) if level in Level.values else str(level) for level in bad)
        raise ValidationError(
            _("%(center)s不能获批%(levels)s鉴定权限：技师、高级技师鉴定由省鉴定中心负责，只能批准五级至三级。")
            % {"center": center.name, "levels": names},
            code="level_not_grantable",
        )
    AuthorityGrant.objects.filter(center=center).delete()
    return AuthorityGrant.objects.bulk_create(
        [AuthorityGrant(center=center, level=level, approved_on=approved_on, document=document) for level in levels]
    )


@transaction.atomic
def schedule_appraisal_day(
    *, center: Center, day: datetime.date, extension_days: int = 0, note: str = "", occupation=None
) -> ScheduledAppraisalDay:
    """CAL-3: put a daily appraisal day on a center's schedule; `occupation` limits it to one
    occupation (CAL-6: an extra session)."""
    validate_extension_days(extension_days)
    if center.kind == CenterKind.AFFILIATED_UNIT:
        raise ValidationError(_("中省直单位不是鉴定机构，不能安排定期鉴定日。"), code="not_a_center")
    registration_deadline(day, extension_days)  # refuses a year the calendar does not know
    scheduled = ScheduledAppraisalDay(
        center=center, day=day, registration_extension_days=extension_days, note=note, occupation=occupation
    )
    scheduled.full_clean()
    scheduled.save()
    return scheduled


@transaction.atomic
def set_workday_override(*, day: datetime.date, is_working_day: bool, name: str = "") -> WorkdayOverride:
    """CAL-4: staff correct or maintain the working-day calendar."""
    override, _created = WorkdayOverride.objects.update_or_create(
        day=day, defaults={"is_working_day": bool(is_working_day), "name": name}
    )
    return override


def default_theory_minutes(level: int) -> int:
    """EXAM-1: theory is 60 minutes for levels 5 to 3 and 90 for levels 2 and 1 (the 2017 values,
    stored per occupation level so a later notice can change them)."""
    return 60 if int(level) >= Level.THREE else 90


def purge_login_attempts(*, now: datetime.datetime | None = None) -> int:
    """Delete django-axes' records of failed logins older than AXES_RECORDS_RETENTION_DAYS; a lock
    still in force is kept whatever its age. Returns how many records went."""
    from axes.models import AccessAttempt, AccessFailureLog
    from django.conf import settings
    from django.utils import timezone

    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.AXES_RECORDS_RETENTION_DAYS)
    still_locked = now - settings.AXES_COOLOFF_TIME
    deleted, _ = AccessAttempt.objects.filter(attempt_time__lt=min(cutoff, still_locked)).delete()
    logged, _ = AccessFailureLog.objects.filter(attempt_time__lt=cutoff).delete()
    return deleted + logged


def access_origin(request) -> dict:
    """Where a request came from (its path and address), for an access recorded later: an export
    run as a background job records the address of the request that asked for it."""
    return {"path": request.get_full_path()[:500], "ip_address": request.META.get("REMOTE_ADDR") or None}


def record_personal_data_access(*, user, kind: str, application_ids, request=None, origin=None) -> PersonalDataAccess:
    """Record that `user` was shown the full ID numbers of these applications (a material file, a
    申报表, an export). Written whatever happens next: the file is already on its way. The path and
    address come from `request`, or from `origin` (`access_origin()` of an earlier request)."""
    ids = sorted({int(pk) for pk in application_ids})
    origin = access_origin(request) if request is not None else (origin or {})
    with transaction.atomic():
        access = PersonalDataAccess.objects.create(
            user=user, kind=kind, record_count=len(ids), path=origin.get("path") or "",
            ip_address=origin.get("ip_address") or None,
        )
        PersonalDataRecord.objects.bulk_create(
            [PersonalDataRecord(access=access, application_id=pk) for pk in ids], batch_size=2000
        )
    return access

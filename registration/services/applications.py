"""Applications (REG-1, REG-2, REG-5): a draft created, corrected, its materials attached, and its
submission. What makes an application valid is decided by `validate_new_application` and the
rule functions it calls; the bulk import (services/imports.py) calls the same rules."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from appraisal import authority
from appraisal.models import (
    Center,
    Occupation,
    RetakeDay,
    Role,
    ScheduledAppraisalDay,
    UnifiedAppraisal,
    User,
)
from registration import reference_cache
from registration.materials import check_upload
from registration.models import (
    Application,
    ApplicationTransition,
    Material,
    MaterialKind,
    Status,
)
from registration.services.appraisals import check_level_offered, check_window, target_center
from registration.services.eligibility import (
    PHONE_PATTERN,
    check_eligibility,
    identity_errors,
    phone_message,
    retake_year_message,
    validate_identity,
)
from registration.services.review import actor_kind, apply_transition

# --- Applications ---------------------------------------------------------------------------

FORM_FIELDS = (
    "name", "gender", "birth_month", "education", "id_number", "employer_name", "current_occupation", "phone",
    "held_certificate", "held_certificate_level", "held_certificate_issuer", "held_certificate_date",
    "professional_title", "years_in_occupation", "work_history", "retake_original_year",
    "retake_original_ticket", "retake_subjects",
)

# Set by the service, not the form: the model's own validation skips them.
UNCHECKED_FIELDS = ["candidate", "center", "occupation", "eligibility", "form_pdf"]


def clean_form_fields(fields: dict, today, *, registered_name: str = "") -> dict:
    """The REG-1 fields checked together, so the candidate sees every problem at once."""
    fields = {k: v for k, v in fields.items() if k in FORM_FIELDS}
    errors: dict[str, list] = {}
    if fields.get("birth_month"):
        fields["birth_month"] = fields["birth_month"].replace(day=1)
    held_date = fields.get("held_certificate_date")
    if held_date and held_date > today:
        errors["held_certificate_date"] = [_("颁证时间不能是未来的日期。")]
    if "name" in fields:
        fields["name"] = (fields["name"] or "").strip()
        if registered_name and fields["name"] and fields["name"] != registered_name:
            # REG-5: the form is this person's; a different name would put someone else on the 申报表.
            errors["name"] = [_("申报表中的姓名必须与注册姓名（%(name)s）一致。") % {"name": registered_name}]
    if "phone" in fields:
        fields["phone"] = (fields["phone"] or "").strip()
        if fields["phone"] and not PHONE_PATTERN.match(fields["phone"]):
            errors["phone"] = [phone_message()]
    if "id_number" in fields:
        try:
            fields["id_number"] = validate_identity(
                id_number=fields["id_number"], birth_month=fields.get("birth_month"), gender=fields.get("gender"),
                today=today,
            )
        except ValidationError as exc:
            for name, messages in identity_errors(exc).items():
                errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    return fields


def _integrity_message(exc: IntegrityError, *, retake: bool) -> ValidationError:
    # Only the live-application constraints can fail here: every other rule was checked before saving.
    if retake:
        return ValidationError(_("同一职业只能申报一次补考。"), code="duplicate")
    return ValidationError(_("您已申报过本次鉴定的该职业、等级，不能重复申报。"), code="duplicate")


def target_fields(target) -> dict:
    return {
        "unified_appraisal": target if isinstance(target, UnifiedAppraisal) else None,
        "scheduled_day": target if isinstance(target, ScheduledAppraisalDay) else None,
        "retake_day": target if isinstance(target, RetakeDay) else None,
    }


def check_retake_year(year, retake_day: RetakeDay) -> None:
    """CAL-5: only those who failed in the retake day's year may retake (once: a DB constraint)."""
    if year != retake_day.failed_in_year:
        raise ValidationError({"retake_original_year": [retake_year_message(retake_day)]})


def validate_new_application(
    *, candidate: User, actor: User, occupation: Occupation, level: int, target, today, form_fields: dict
) -> tuple[Center, dict]:
    """What makes a new application valid, in one place: the level is offered, a retake's year, the
    actor's scope (ORG-8), the window (CAL-2/3), the center the engine allows for this appraisal and
    the REG-1 fields. Returns the appraising center and the cleaned fields; refuses with a
    ValidationError or PermissionDenied in Chinese."""
    if candidate.role != Role.CANDIDATE:
        raise ValidationError(_("只能为考生创建申报。"))
    check_level_offered(occupation, level)
    retake = isinstance(target, RetakeDay)
    if retake:
        check_retake_year(form_fields.get("retake_original_year"), target)
    if actor.role != Role.CANDIDATE and not authority.can_manage_candidate(actor, candidate):
        # ORG-8: before the engine's answer, which would tell an outsider where the candidate lives.
        raise PermissionDenied(_("该考生不在您的鉴定机构管辖范围内。"))
    check_window(target, today)
    center = target_center(target, candidate, occupation, level, retake=retake, today=today)
    if actor.role != Role.CANDIDATE:
        if not authority.can_manage_center(actor, center):
            raise PermissionDenied(_("该考生应由%(center)s受理，不在您的管辖范围内。") % {"center": center.name})
    elif actor.pk != candidate.pk:
        raise PermissionDenied(_("您无权为他人申报。"))
    fields = clean_form_fields(form_fields, today, registered_name=candidate.full_name)
    check_registered_id_number(fields, candidate)
    return center, fields


def check_registered_id_number(fields: dict, candidate: User) -> None:
    """REG-5: the form's ID number is the one the candidate registered with."""
    if fields.get("id_number") and candidate.id_number and fields["id_number"] != candidate.id_number:
        raise ValidationError({"id_number": [_("申报表中的身份证号必须与注册的身份证号一致。")]})


def create_application(
    *, candidate: User, actor: User, occupation: Occupation, level: int, target, today=None, **form_fields
) -> Application:
    """A new draft for `candidate`, by the candidate or by center staff on their behalf (REG-3)."""
    today = today or timezone.localdate()
    level = int(level)
    center, fields = validate_new_application(
        candidate=candidate, actor=actor, occupation=occupation, level=level, target=target, today=today,
        form_fields=form_fields,
    )
    retake = isinstance(target, RetakeDay)
    application = Application(
        candidate=candidate, center=center, occupation=occupation, level=level, status=Status.DRAFT,
        is_retake=retake, entered_by=actor if actor.pk != candidate.pk else None, **target_fields(target), **fields,
    )
    application.full_clean(exclude=UNCHECKED_FIELDS, validate_constraints=False)
    try:
        with transaction.atomic():
            application.save()
            ApplicationTransition.objects.create(
                application=application, from_status="", to_status=Status.DRAFT, actor=actor,
                reason=_("由鉴定机构代为录入") if application.entered_by_id else "",
            )
    except IntegrityError as exc:
        raise _integrity_message(exc, retake=retake) from exc
    return application


def update_application(application: Application, *, actor: User, today=None, **form_fields) -> Application:
    """Correct the form while it is a draft or returned for correction."""
    today = today or timezone.localdate()
    with transaction.atomic():
        locked = Application.objects.select_for_update(of=("self",)).select_related("center").get(pk=application.pk)
        actor_kind(actor, locked)
        if not locked.is_editable:
            raise ValidationError(
                _("申报当前状态为“%(status)s”，不能修改。") % {"status": locked.get_status_display()}, code="locked"
            )
        merged = {name: getattr(locked, name) for name in FORM_FIELDS}
        merged.update({k: v for k, v in form_fields.items() if k in FORM_FIELDS})
        if locked.retake_day_id is not None:
            check_retake_year(merged.get("retake_original_year"), locked.retake_day)
        fields = clean_form_fields(merged, today, registered_name=locked.candidate.full_name)
        check_registered_id_number(fields, locked.candidate)
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.full_clean(exclude=UNCHECKED_FIELDS, validate_constraints=False)
        locked.save()
    application.refresh_from_db()  # the caller's instance shows what was saved
    return application


def attach_material(application: Application, *, kind: str, uploaded, actor: User) -> Material:
    """Store one checked file of REG-2; a new upload of the same kind replaces the old one."""
    if kind not in MaterialKind.values:
        raise ValidationError(_("未知的材料类型。"), code="bad_kind")
    checked = check_upload(kind, uploaded)  # before any write: a bad file saves nothing
    with transaction.atomic():
        locked = Application.objects.select_for_update(of=("self",)).select_related("center").get(pk=application.pk)
        actor_kind(actor, locked)
        if not locked.is_editable:
            raise ValidationError(
                _("申报当前状态为“%(status)s”，不能更换材料。") % {"status": locked.get_status_display()},
                code="locked",
            )
        old = Material.objects.filter(application=locked, kind=kind).first()
        material = Material(
            application=locked, kind=kind, content_type=checked.content_type, size=len(checked.content),
            width=checked.width, height=checked.height, sha256=checked.sha256,
            original_name=(getattr(uploaded, "name", "") or "")[:200], uploaded_by=actor,
        )
        material.file.save(f"{kind}.{checked.kind}", ContentFile(checked.content), save=False)
        if old is not None:
            old_file = old.file
            old.delete()
            transaction.on_commit(lambda: old_file.delete(save=False))
        material.save()
    return material


def submit_application(application: Application, *, actor: User, today=None) -> Application:
    """Submit (or resubmit after correction): window open, identity and conditions met, materials
    complete. Records the eligibility result and the fee due, then prints the form (Celery)."""
    today = today or timezone.localdate()
    with transaction.atomic():
        # The center is joined for the candidate's message (its name) and a clerk's scope check.
        rows = Application.objects.select_for_update(of=("self",)).select_related(
            "occupation", "center", "unified_appraisal", "scheduled_day", "retake_day"
        )
        if actor is not None and actor.role == Role.CANDIDATE:
            rows = rows.filter(candidate=actor)  # someone else's application does not exist for them
        locked = rows.get(pk=application.pk)
        actor_kind(actor, locked)
        if locked.status not in (Status.DRAFT, Status.RETURNED):
            raise ValidationError(
                _("申报当前状态为“%(status)s”，不能提交。") % {"status": locked.get_status_display()}, code="locked"
            )
        check_window(locked.appraisal, today)
        if locked.occupation.is_cancelled:
            # OCC-4, CAL-5 and OTH-1 hang on dates (a student may have graduated since the draft): ask again.
            target_center(locked.appraisal, locked.candidate, locked.occupation, locked.level,
                          retake=locked.is_retake, today=today)
        reference = reference_cache.for_level(locked.occupation_id, locked.level)
        results = check_eligibility(locked, today=today, reference=reference)
        failed = [r["message"] for r in results if not r["ok"]]
        if failed:
            raise ValidationError(failed, code="ineligible")
        locked.eligibility = results
        locked.fee_due = reference.fee_on(today)
        locked.submitted_at = timezone.now()
        apply_transition(locked, Status.SUBMITTED, actor=actor, also_save=("eligibility", "fee_due", "submitted_at"))
        # In the same transaction (the outbox): a broker outage delays the form, never loses it.
        _enqueue_form_pdf(locked.pk)
    return locked


def _enqueue_form_pdf(application_id):
    from registration.services.forms_pdf import enqueue_form_render

    enqueue_form_render(application_id)

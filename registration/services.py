"""Every write of registration: candidates, applications, materials, review, fees, closing.

The application's states live in one transition table (`TRANSITIONS`); `transition()` is the only
function that changes `Application.status`, and it records who, when, from, to and why.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from appraisal import authority, extensions
from appraisal.idnumbers import birth_date as id_birth_date
from appraisal.idnumbers import gender as id_gender
from appraisal.idnumbers import normalize_id_number
from appraisal.models import (
    Center,
    EligibilityCondition,
    Level,
    Occupation,
    OccupationLevel,
    RetakeDay,
    RetakeKind,
    Role,
    ScheduledAppraisalDay,
    UnifiedAppraisal,
    User,
)
from appraisal.workdays import CalendarUnknown, registration_deadline
from registration import refdata
from registration.materials import check_upload
from registration.models import (
    LIVE_STATUSES,
    Application,
    ApplicationTransition,
    Material,
    MaterialKind,
    PaymentRecord,
    Status,
)

MIN_AGE = 16  # 劳动法: no one younger may be employed, so no one younger is appraised

# --- The transition table -------------------------------------------------------------------


@dataclass(frozen=True)
class Transition:
    action: str
    by: frozenset  # "candidate", "staff" (acting for the application's center), "system"
    reason_required: bool = False


CANDIDATE, STAFF, SYSTEM = "candidate", "staff", "system"

TRANSITIONS: dict[tuple[str, str], Transition] = {
    (Status.DRAFT, Status.SUBMITTED): Transition(_("提交"), frozenset({CANDIDATE, STAFF})),
    (Status.RETURNED, Status.SUBMITTED): Transition(_("修改后重新提交"), frozenset({CANDIDATE, STAFF})),
    (Status.SUBMITTED, Status.APPROVED): Transition(_("审核通过"), frozenset({STAFF})),
    (Status.SUBMITTED, Status.REJECTED): Transition(_("审核不通过"), frozenset({STAFF}), reason_required=True),
    (Status.SUBMITTED, Status.RETURNED): Transition(_("退回修改"), frozenset({STAFF}), reason_required=True),
    (Status.DRAFT, Status.WITHDRAWN): Transition(_("撤回"), frozenset({CANDIDATE, STAFF})),
    (Status.SUBMITTED, Status.WITHDRAWN): Transition(_("撤回"), frozenset({CANDIDATE, STAFF})),
    (Status.RETURNED, Status.WITHDRAWN): Transition(_("撤回"), frozenset({CANDIDATE, STAFF})),
    (Status.DRAFT, Status.EXPIRED): Transition(_("报名截止，未提交"), frozenset({SYSTEM})),
    (Status.RETURNED, Status.EXPIRED): Transition(_("报名截止，未重新提交"), frozenset({SYSTEM})),
}


def allowed_targets(status) -> list[str]:
    return [to for (frm, to) in TRANSITIONS if frm == status]


def _actor_kind(actor, application) -> str:
    if actor is None:
        return SYSTEM
    if actor.role == Role.CANDIDATE:
        if actor.pk != application.candidate_id:
            raise PermissionDenied(_("您无权操作他人的申报。"))
        return CANDIDATE
    if authority.can_manage_center(actor, application.center):
        return STAFF
    raise PermissionDenied(_("该申报不在您的鉴定机构管辖范围内。"))


def transition(application: Application, to_status: str, *, actor, reason: str = "") -> Application:
    """Move an application to `to_status` if the table allows it for this actor; audit it."""
    with transaction.atomic():
        locked = Application.objects.select_for_update(of=("self",)).select_related("center").get(pk=application.pk)
        _apply_transition(locked, to_status, actor=actor, reason=reason)
    application.status = to_status
    return application


def _apply_transition(locked: Application, to_status: str, *, actor, reason: str = "", also_save=()) -> None:
    """The checks and the audit row of one transition, on a row the caller has locked. `also_save`
    names other fields the caller changed, written in the same UPDATE."""
    step = TRANSITIONS.get((locked.status, to_status))
    if step is None:
        raise ValidationError(
            _("申报当前状态为“%(now)s”，不能变更为“%(to)s”。")
            % {"now": locked.get_status_display(), "to": Status(to_status).label},
            code="bad_transition",
        )
    who = _actor_kind(actor, locked)
    if who not in step.by:
        raise PermissionDenied(_("您无权执行“%(action)s”。") % {"action": step.action})
    reason = (reason or "").strip()
    if step.reason_required and not reason:
        raise ValidationError(_("请填写“%(action)s”的原因。") % {"action": step.action}, code="reason_required")
    ApplicationTransition.objects.create(
        application=locked, from_status=locked.status, to_status=to_status, actor=actor, reason=reason
    )
    locked.status = to_status
    locked.save(update_fields=["status", "updated_at", *also_save])


# --- Candidates -----------------------------------------------------------------------------


# A mobile or landline number, as people write them: digits, brackets, hyphens, spaces, a leading +.
PHONE_PATTERN = re.compile(r"^[0-9+()（）\- ]{7,20}$")


def _phone_message() -> str:
    return _("请输入正确的联系电话（手机号或固定电话）。")


@transaction.atomic
def register_candidate(
    *, full_name, id_number, phone, password, region=None, school=None, employer_body=None, employer_name="",
    graduation_date=None,
) -> User:
    """A candidate signs up; the ID number is the login name (validated, unique)."""
    errors = {}
    try:
        # The same identity rules as the 申报表 (future birth date, under 16): an account that could
        # never apply is refused now, not after the candidate has filled the whole form.
        id_number = validate_identity(id_number=id_number, birth_month=None, gender=None)
    except ValidationError as exc:
        errors["id_number"] = _identity_errors(exc).get("id_number", exc.messages)
    else:
        if User.objects.filter(Q(id_number=id_number) | Q(username=id_number)).exists():
            errors["id_number"] = [_("该身份证号已注册，请直接登录。")]
    if not (full_name or "").strip():
        errors["full_name"] = [_("请填写姓名。")]
    if phone and not PHONE_PATTERN.match(phone.strip()):
        errors["phone"] = [_phone_message()]
    if region is None and school is None and employer_body is None:
        errors["region"] = [_("请选择所在地区。")]
    if errors:
        raise ValidationError(errors)
    user = User(
        username=id_number, full_name=full_name.strip(), id_number=id_number, phone=phone, role=Role.CANDIDATE,
        region=region, school=school, employer_body=employer_body, employer_name=employer_name,
        graduation_date=graduation_date,
    )
    user.set_password(password)
    user.full_clean(exclude=["password"])
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:  # the same ID number signed up a moment ago (two tabs, two phones)
        raise ValidationError({"id_number": [_("该身份证号已注册，请直接登录。")]}) from exc
    return user


# --- Appraisals a candidate can apply for, and their windows (CAL-2, CAL-3, CAL-5) ----------


@dataclass(frozen=True)
class Window:
    opens: datetime.date | None
    closes: datetime.date

    def is_open(self, today: datetime.date) -> bool:
        return (self.opens is None or self.opens <= today) and today <= self.closes


def window_for(target) -> Window:
    """The registration window of an appraisal; raises CalendarUnknown for unmaintained years."""
    if isinstance(target, UnifiedAppraisal):
        return Window(target.registration_opens, target.registration_closes)
    if isinstance(target, ScheduledAppraisalDay):
        return Window(None, registration_deadline(target.day, target.registration_extension_days))
    if isinstance(target, RetakeDay):
        if target.kind == RetakeKind.UNIFIED:
            # A unified retake is held with the unified appraisal of that half-year: same window.
            unified = UnifiedAppraisal.objects.filter(first_day__lte=target.day, second_day__gte=target.day).first()
            if unified is not None:
                return Window(unified.registration_opens, unified.registration_closes)
        return Window(None, registration_deadline(target.day))
    raise TypeError(target)


def check_window(target, today: datetime.date) -> Window:
    try:
        window = window_for(target)
    except CalendarUnknown as exc:
        raise ValidationError(exc.messages, code="calendar_unknown") from exc
    if not window.is_open(today):
        if window.opens and today < window.opens:
            message = _("报名尚未开始，报名时间为%(opens)s至%(closes)s。")
        else:
            message = _("报名已截止（截止日期%(closes)s）。")
        raise ValidationError(
            message % {"opens": window.opens and window.opens.isoformat(), "closes": window.closes.isoformat()},
            code="window_closed",
        )
    return window


def responsible_center(candidate, occupation: Occupation, level: int, *, retake: bool, today) -> Center:
    """The nearest center the authority engine allows, or a ValidationError with its reason."""
    found = authority.appraising_centers(candidate, occupation, level, retake=retake, on_date=today)
    if not found:
        raise ValidationError(
            authority.explain_refusal(candidate, occupation, level, retake=retake, on_date=today), code="authority"
        )
    return found[0][0]


def extra_day_message(day: ScheduledAppraisalDay, occupation) -> str:
    # CAL-6: an extra session is approved for one occupation's group.
    return _("%(day)s是为“%(occ)s”增加的鉴定场次，不受理“%(other)s”。") % {
        "day": day.day.isoformat(), "occ": day.occupation.name, "other": occupation.name,
    }


def target_center(target, candidate, occupation, level, *, retake, today) -> Center:
    """Which center appraises this application, checked by the engine for the chosen appraisal."""
    if isinstance(target, ScheduledAppraisalDay):
        if occupation.is_unified and not retake:
            # CAL-1: unified occupations are appraised only on the unified days, never on a center's day.
            raise ValidationError(
                _("“%(occ)s”是统一鉴定职业，只在统一鉴定日（5月20日、21日，11月18日、19日）鉴定，请选择统一鉴定。")
                % {"occ": occupation.name},
                code="wrong_target",
            )
        if not target.accepts(occupation):
            raise ValidationError(extra_day_message(target, occupation), code="wrong_occupation")
        decision = authority.can_appraise(
            target.center, candidate, occupation, level, retake=retake, on_date=today, appraisal_day=target.day
        )
        if not decision:
            raise ValidationError(decision.reason, code="authority")
        return target.center
    if isinstance(target, UnifiedAppraisal) and not occupation.is_unified:
        raise ValidationError(
            _("“%(occ)s”是日常鉴定职业，请选择鉴定机构的定期鉴定日。") % {"occ": occupation.name}, code="wrong_target"
        )
    if isinstance(target, RetakeDay):
        expected = RetakeKind.UNIFIED if occupation.is_unified else RetakeKind.DAILY
        if target.kind != expected:
            raise ValidationError(
                _("“%(occ)s”的补考安排在%(kind)s日。") % {"occ": occupation.name, "kind": RetakeKind(expected).label},
                code="wrong_retake_day",
            )
    return responsible_center(candidate, occupation, level, retake=retake, today=today)


def open_appraisals(candidate, occupation: Occupation, level: int, *, retake=False, today=None):
    """The appraisals this candidate can apply for now, each with its center (for the form)."""
    today = today or timezone.localdate()
    options = []
    if retake:
        targets = list(RetakeDay.objects.filter(day__gte=today))
    elif occupation.is_unified:
        targets = list(UnifiedAppraisal.objects.filter(first_day__gte=today))
    else:
        centers = [c for c, _d in authority.appraising_centers(candidate, occupation, level, on_date=today)]
        targets = list(
            ScheduledAppraisalDay.objects.filter(center__in=centers, day__gt=today)
            # CAL-6: an extra day for another occupation is not this candidate's option.
            .filter(Q(occupation__isnull=True) | Q(occupation=occupation))
            .select_related("center", "occupation")
            .order_by("day")[:20]
        )
    for target in targets:
        try:
            window = check_window(target, today)
            center = target_center(target, candidate, occupation, level, retake=retake, today=today)
        except ValidationError:
            continue
        options.append((target, center, window))
    return options


# --- Identity and eligibility (REG-5, REG-6) ------------------------------------------------


def _full_years(since: datetime.date, today: datetime.date) -> int:
    return today.year - since.year - ((today.month, today.day) < (since.month, since.day))


def _identity_errors(exc: ValidationError) -> dict[str, list]:
    """validate_identity's refusal by field: a bad number alone comes without a field."""
    return exc.message_dict if hasattr(exc, "error_dict") else {"id_number": exc.messages}


def validate_identity(*, id_number, birth_month, gender, today=None) -> str:
    """ID checksum, and the form's 出生年月 and 性别 consistent with the number. Returns it normalized."""
    today = today or timezone.localdate()
    id_number = normalize_id_number(id_number)  # raises with a Chinese message
    errors = {}
    born = id_birth_date(id_number)
    if born > today:
        errors["id_number"] = [_("身份证号中的出生日期在未来，请核对。")]
    if birth_month is not None:
        if birth_month > today:
            errors["birth_month"] = [_("出生年月不能是未来的日期。")]
        elif (birth_month.year, birth_month.month) != (born.year, born.month):
            errors["birth_month"] = [
                _("出生年月（%(form)s）与身份证号中的出生日期（%(id)s）不一致。")
                % {"form": f"{birth_month:%Y年%m月}", "id": f"{born:%Y年%m月%d日}"}
            ]
    if gender and gender != id_gender(id_number):
        errors["gender"] = [_("性别与身份证号不一致。")]
    age = _full_years(born, today)
    if not errors and age < MIN_AGE:
        errors["id_number"] = [_("未满%(age)d周岁，不能申报职业技能鉴定。") % {"age": MIN_AGE}]
    if errors:
        raise ValidationError(errors)
    return id_number


def conditions_for(occupation_id, level) -> list[EligibilityCondition]:
    return list(refdata.for_level(occupation_id, level).conditions)


def required_materials(application: Application, conditions=None) -> list[str]:
    """REG-2: always ID card, education certificate and photo; the rest as REG-6 conditions ask, and
    the achievements report for levels 2 and 1 (EXAM-3)."""
    conditions = conditions if conditions is not None else conditions_for(application.occupation_id, application.level)
    kinds = [MaterialKind.ID_CARD, MaterialKind.EDUCATION, MaterialKind.PHOTO]
    if any(c.min_years_in_occupation for c in conditions):
        kinds.append(MaterialKind.WORK_PROOF)
    if any(c.requires_lower_level_certificate for c in conditions):
        kinds.append(MaterialKind.LOWER_CERTIFICATE)
    if any(c.requires_professional_title for c in conditions):
        kinds.append(MaterialKind.TITLE_CERTIFICATE)
    if application.level <= Level.TWO:
        # EXAM-3: technicians and senior technicians are reviewed on a written achievements report.
        kinds.append(MaterialKind.ACHIEVEMENTS_REPORT)
    return kinds


def check_eligibility(application: Application, *, today=None, reference=None) -> list[dict]:
    """REG-5/REG-6, checked automatically: a list of {check, ok, message} shown to candidate and
    reviewer. Everything must be ok before the application can be submitted."""
    today = today or timezone.localdate()
    results = []

    def add(check, ok, message):
        results.append({"check": check, "ok": bool(ok), "message": str(message)})

    try:
        validate_identity(
            id_number=application.id_number, birth_month=application.birth_month, gender=application.gender,
            today=today,
        )
        add("identity", True, _("身份证号校验通过，出生年月、性别一致。"))
    except ValidationError as exc:
        add("identity", False, "；".join(exc.messages))

    if application.retake_day_id is not None:
        ok = application.retake_original_year == application.retake_day.failed_in_year
        add(
            "retake", ok and bool(application.retake_original_ticket),
            _("补考：原鉴定年度%(year)s，原准考证号%(ticket)s。")
            % {"year": application.retake_original_year or _("未填写"),
               "ticket": application.retake_original_ticket or _("未填写")}
            if ok else _retake_year_message(application.retake_day),
        )
    reference = reference or refdata.for_level(application.occupation_id, application.level)
    conditions = reference.conditions
    level_name = Level.short_label(application.level)
    for condition in conditions:
        if condition.min_years_in_occupation:
            ok = application.years_in_occupation >= condition.min_years_in_occupation
            add(
                "years", ok,
                _("本职业工作年限 %(have)d 年，%(level)s要求不少于 %(need)d 年。")
                % {"have": application.years_in_occupation, "level": level_name,
                   "need": condition.min_years_in_occupation},
            )
        if condition.requires_lower_level_certificate and application.level < Level.FIVE:
            held = application.held_certificate_level
            ok = held is not None and held <= application.level + 1 and bool(application.held_certificate)
            add(
                "lower_certificate", ok,
                _("需持本职业%(lower)s及以上职业资格证书；%(have)s。")
                % {"lower": Level.short_label(application.level + 1),
                   "have": _("已填写：%s") % f"{application.held_certificate} {Level.short_label(held)}"
                   if ok else _("未填写或等级不足")},
            )
        if condition.min_years_since_lower_certificate and application.level < Level.FIVE:
            need = condition.min_years_since_lower_certificate
            since = application.held_certificate_date
            have = _full_years(since, today) if since else None
            add(
                "years_since_certificate", have is not None and have >= need,
                _("取得下一等级证书后要求工作满 %(need)d 年；%(have)s。")
                % {"need": need,
                   "have": _("证书颁发于%(day)s，已满 %(n)d 年") % {"day": since.isoformat(), "n": have}
                   if since else _("未填写颁证时间")},
            )
        if condition.requires_professional_title:
            add(
                "title", bool(application.professional_title),
                _("需持专业技术职称证书；%(have)s。")
                % {"have": application.professional_title or _("未填写")},
            )
    if not conditions:
        add("conditions", True, _("该职业等级无额外申报条件。"))

    present = set(application.materials.values_list("kind", flat=True)) if application.pk else set()
    missing = [str(MaterialKind(k).label) for k in required_materials(application, conditions) if k not in present]
    add(
        "materials", not missing,
        _("材料齐全。") if not missing else _("缺少材料：%(missing)s。") % {"missing": "、".join(missing)},
    )
    return results


# --- Applications ---------------------------------------------------------------------------

FORM_FIELDS = (
    "name", "gender", "birth_month", "education", "id_number", "employer_name", "current_occupation", "phone",
    "held_certificate", "held_certificate_level", "held_certificate_issuer", "held_certificate_date",
    "professional_title", "years_in_occupation", "work_history", "retake_original_year",
    "retake_original_ticket", "retake_subjects",
)


def _clean_form_fields(fields: dict, today, *, registered_name: str = "") -> dict:
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
            errors["phone"] = [_phone_message()]
    if "id_number" in fields:
        try:
            fields["id_number"] = validate_identity(
                id_number=fields["id_number"], birth_month=fields.get("birth_month"), gender=fields.get("gender"),
                today=today,
            )
        except ValidationError as exc:
            for name, messages in _identity_errors(exc).items():
                errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    return fields


def _integrity_message(exc: IntegrityError, *, retake: bool) -> ValidationError:
    # Only the live-application constraints can fail here: every other rule was checked before saving.
    if retake:
        return ValidationError(_("同一职业只能申报一次补考。"), code="duplicate")
    return ValidationError(_("您已申报过本次鉴定的该职业、等级，不能重复申报。"), code="duplicate")


def _target_fields(target) -> dict:
    return {
        "unified_appraisal": target if isinstance(target, UnifiedAppraisal) else None,
        "scheduled_day": target if isinstance(target, ScheduledAppraisalDay) else None,
        "retake_day": target if isinstance(target, RetakeDay) else None,
    }


def _retake_year_message(retake_day: RetakeDay) -> str:
    return _("补考仅限%(year)d年参加鉴定成绩不合格的考生，请填写原鉴定年度。") % {"year": retake_day.failed_in_year}


def _check_retake_year(year, retake_day: RetakeDay) -> None:
    """CAL-5: only those who failed in the retake day's year may retake (once: a DB constraint)."""
    if year != retake_day.failed_in_year:
        raise ValidationError({"retake_original_year": [_retake_year_message(retake_day)]})


def create_application(
    *, candidate: User, actor: User, occupation: Occupation, level: int, target, today=None, **form_fields
) -> Application:
    """A new draft for `candidate`, by the candidate or by center staff on their behalf (REG-3)."""
    today = today or timezone.localdate()
    if candidate.role != Role.CANDIDATE:
        raise ValidationError(_("只能为考生创建申报。"))
    level = int(level)
    if not OccupationLevel.objects.filter(occupation=occupation, level=level).exists():
        raise ValidationError(
            {"level": [_("“%(occ)s”不设%(level)s鉴定。") % {"occ": occupation.name, "level": Level(level).label}]}
        )
    retake = isinstance(target, RetakeDay)
    if retake:
        _check_retake_year(form_fields.get("retake_original_year"), target)
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
    fields = _clean_form_fields(form_fields, today, registered_name=candidate.full_name)
    if fields.get("id_number") and candidate.id_number and fields["id_number"] != candidate.id_number:
        raise ValidationError({"id_number": [_("申报表中的身份证号必须与注册的身份证号一致。")]})
    application = Application(
        candidate=candidate, center=center, occupation=occupation, level=level, status=Status.DRAFT,
        is_retake=retake, entered_by=actor if actor.pk != candidate.pk else None, **_target_fields(target), **fields,
    )
    application.full_clean(exclude=["candidate", "center", "occupation", "eligibility", "form_pdf"],
                           validate_constraints=False)
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
        _actor_kind(actor, locked)
        if not locked.is_editable:
            raise ValidationError(
                _("申报当前状态为“%(status)s”，不能修改。") % {"status": locked.get_status_display()}, code="locked"
            )
        merged = {name: getattr(locked, name) for name in FORM_FIELDS}
        merged.update({k: v for k, v in form_fields.items() if k in FORM_FIELDS})
        if locked.retake_day_id is not None:
            _check_retake_year(merged.get("retake_original_year"), locked.retake_day)
        fields = _clean_form_fields(merged, today, registered_name=locked.candidate.full_name)
        if locked.candidate.id_number and fields["id_number"] != locked.candidate.id_number:
            raise ValidationError({"id_number": [_("申报表中的身份证号必须与注册的身份证号一致。")]})
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.full_clean(exclude=["candidate", "center", "occupation", "eligibility", "form_pdf"],
                          validate_constraints=False)
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
        _actor_kind(actor, locked)
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


def fee_for(occupation_id, level, on_date) -> Decimal | None:
    return refdata.for_level(occupation_id, level).fee_on(on_date)


def submit_application(application: Application, *, actor: User, today=None) -> Application:
    """Submit (or resubmit after correction): window open, identity and conditions met, materials
    complete. Records the eligibility result and the fee due, then prints the form (Celery)."""
    today = today or timezone.localdate()
    with transaction.atomic():
        # Only the appraisal is joined: a candidate's submit never needs the center (staff load it).
        rows = Application.objects.select_for_update(of=("self",)).select_related(
            "occupation", "unified_appraisal", "scheduled_day", "retake_day"
        )
        if actor is not None and actor.role == Role.CANDIDATE:
            rows = rows.filter(candidate=actor)  # someone else's application does not exist for them
        locked = rows.get(pk=application.pk)
        _actor_kind(actor, locked)
        if locked.status not in (Status.DRAFT, Status.RETURNED):
            raise ValidationError(
                _("申报当前状态为“%(status)s”，不能提交。") % {"status": locked.get_status_display()}, code="locked"
            )
        check_window(locked.appraisal, today)
        if locked.occupation.is_cancelled:
            # OCC-4, CAL-5 and OTH-1 hang on dates (a student may have graduated since the draft): ask again.
            target_center(locked.appraisal, locked.candidate, locked.occupation, locked.level,
                          retake=locked.is_retake, today=today)
        reference = refdata.for_level(locked.occupation_id, locked.level)
        results = check_eligibility(locked, today=today, reference=reference)
        failed = [r["message"] for r in results if not r["ok"]]
        if failed:
            raise ValidationError(failed, code="ineligible")
        locked.eligibility = results
        locked.fee_due = reference.fee_on(today)
        locked.submitted_at = timezone.now()
        _apply_transition(locked, Status.SUBMITTED, actor=actor, also_save=("eligibility", "fee_due", "submitted_at"))
        # robust: a broker outage must not undo a committed submission; the reconcile job catches up.
        transaction.on_commit(lambda: _enqueue_form_pdf(locked.pk), robust=True)
    return locked


def _enqueue_form_pdf(application_id):
    from registration.tasks import render_application_form

    render_application_form.delay(application_id)


def applications_missing_form_pdf(limit=500) -> list[int]:
    """Submitted applications whose 申报表 PDF was never stored (a lost task): for the reconcile job."""
    return list(
        Application.objects.filter(status__in=[Status.SUBMITTED, Status.APPROVED], form_pdf="")
        .order_by("submitted_at")
        .values_list("pk", flat=True)[:limit]
    )


OPINION_MAX_LENGTH = Application._meta.get_field("center_opinion").max_length

# REG-2: "professional-title or lower-level qualification certificate where required (original
# checked, copy kept)": the clerk records seeing the original before approving.
ORIGINAL_CHECK_KINDS = (MaterialKind.LOWER_CERTIFICATE, MaterialKind.TITLE_CERTIFICATE)


def originals_can_be_checked(application: Application) -> bool:
    return application.status in (Status.SUBMITTED, Status.RETURNED)


def originals_unchecked(application: Application) -> list[str]:
    """The names of the required certificates whose originals no clerk has checked yet."""
    kinds = [k for k in required_materials(application) if k in ORIGINAL_CHECK_KINDS]
    if not kinds:
        return []
    # materials.all(): the review page has them prefetched already.
    checked = {m.kind for m in application.materials.all() if m.original_checked_at is not None}
    return [str(MaterialKind(k).label) for k in kinds if k not in checked]


@transaction.atomic
def confirm_original(material: Material, *, actor: User) -> Material:
    """REG-2: a clerk of the responsible center has seen the original of this certificate."""
    # The application first, as every other write locks it (attach_material): no crossed locks.
    application = Application.objects.select_for_update(of=("self",)).select_related("center").get(
        pk=material.application_id
    )
    locked = Material.objects.select_for_update(of=("self",)).get(pk=material.pk)
    locked.application = application
    if _actor_kind(actor, locked.application) != STAFF:
        raise PermissionDenied(_("只有受理机构工作人员可以核验原件。"))
    if locked.kind not in ORIGINAL_CHECK_KINDS:
        raise ValidationError(_("该材料不需要核验原件。"), code="no_original")
    if not originals_can_be_checked(locked.application):
        raise ValidationError(_("只有待审核或退回修改的申报才能核验原件。"), code="not_in_review")
    if locked.original_checked_at is None:  # the first check stands
        locked.original_checked_by, locked.original_checked_at = actor, timezone.now()
        locked.save(update_fields=["original_checked_by", "original_checked_at"])
    return locked


@transaction.atomic
def approve_application(application, *, actor, opinion=""):
    """Approve, and write the center's opinion (REG-1) with its date, in one transaction."""
    opinion = (opinion or "").strip()
    if len(opinion) > OPINION_MAX_LENGTH:
        raise ValidationError(
            _("审核意见不能超过%(n)d个字。") % {"n": OPINION_MAX_LENGTH}, code="opinion_too_long"
        )
    unchecked = originals_unchecked(application)
    if unchecked:
        raise ValidationError(
            _("请先核验以下证书的原件，再审核通过：%(kinds)s。") % {"kinds": "、".join(unchecked)},
            code="original_unchecked",
        )
    application = transition(application, Status.APPROVED, actor=actor, reason=opinion)
    Application.objects.filter(pk=application.pk).update(
        center_opinion=opinion or _("经审核，符合申报条件。"), center_opinion_date=timezone.localdate()
    )
    return application


def reject_application(application, *, actor, reason):
    return transition(application, Status.REJECTED, actor=actor, reason=reason)


def return_application(application, *, actor, reason):
    return transition(application, Status.RETURNED, actor=actor, reason=reason)


def withdraw_application(application, *, actor, reason=""):
    return transition(application, Status.WITHDRAWN, actor=actor, reason=reason)


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
    if _actor_kind(actor, locked) != STAFF:
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


def close_registration(*, today=None) -> int:
    """CAL-2/CAL-3 (Celery beat): once an appraisal's window has closed, drafts and applications
    returned for correction expire. Idempotent: a second run finds nothing left to expire."""
    today = today or timezone.localdate()
    expired = 0
    open_ones = Application.objects.filter(status__in=[Status.DRAFT, Status.RETURNED]).select_related(
        "unified_appraisal", "scheduled_day", "retake_day"
    )
    windows = {}
    for application in open_ones.iterator():
        target = application.appraisal
        key = (type(target).__name__, target.pk)
        if key not in windows:
            try:
                windows[key] = window_for(target)
            except CalendarUnknown:
                windows[key] = None  # an unmaintained year never closes by guess
        window = windows[key]
        if window is not None and today > window.closes:
            try:
                transition(application, Status.EXPIRED, actor=None, reason=_("报名截止日 %s") % window.closes)
                expired += 1
            except ValidationError:
                continue  # changed meanwhile (submitted at the last second): nothing to expire
    return expired


# --- candidate pages: what a choice of occupation, level and retake leads to (REG-5, CAL-5) ---


@dataclass(frozen=True)
class CandidateChoice:
    center: Center  # the nearest center the authority engine allows
    reason: str  # the engine's reason, in Chinese
    rule: str  # the rule it applied (ORG-2..ORG-7)
    options: list  # open_appraisals(): (target, center, window), registration open today


def candidate_choice(candidate, occupation: Occupation, level, *, retake=False, today=None) -> CandidateChoice:
    """Step one of applying: which center appraises this choice and why, and which appraisals are
    open now; a ValidationError in Chinese when the level is not offered, a retake is asked for an
    occupation the State Council did not cancel, or no center has authority (with its reason)."""
    today = today or timezone.localdate()
    level = int(level)
    if not OccupationLevel.objects.filter(occupation=occupation, level=level).exists():
        raise ValidationError(
            {"level": [_("“%(occ)s”不设%(level)s鉴定。") % {"occ": occupation.name, "level": Level(level).label}]}
        )
    if retake and not occupation.cancelled_by_state_council:
        raise ValidationError(
            {"retake": [_("补考仅适用于国务院取消的职业；“%(occ)s”不能按补考申报。") % {"occ": occupation.name}]}
        )
    found = authority.appraising_centers(candidate, occupation, level, retake=retake, on_date=today)
    if not found:
        raise ValidationError(
            authority.explain_refusal(candidate, occupation, level, retake=retake, on_date=today), code="authority"
        )
    center, decision = found[0]
    options = open_appraisals(candidate, occupation, level, retake=retake, today=today)
    return CandidateChoice(center, decision.reason, decision.rule, options)


# --- staff pages: entering an application on a candidate's behalf (REG-3, ORG-7, ORG-8) ---


def staff_entry_options(
    actor: User, candidate: User, occupation: Occupation, level, *, retake=False, today=None
) -> list:
    """The open appraisals (target, center, window) a center's staff may enter for this candidate:
    those of centers the staff act for. When none, a ValidationError with the engine's reason (the
    staff's own center first: ORG-7 school and enterprise bodies take only their own students and
    employees) and the center that is responsible instead."""
    today = today or timezone.localdate()
    if actor.role not in (Role.CENTER_STAFF, Role.PROVINCE_ADMIN):
        raise PermissionDenied(_("只有鉴定机构工作人员可以代考生录入申报。"))
    if candidate.role != Role.CANDIDATE:
        raise ValidationError(_("只能为考生创建申报。"))
    level = int(level)
    if not OccupationLevel.objects.filter(occupation=occupation, level=level).exists():
        raise ValidationError(
            {"level": [_("“%(occ)s”不设%(level)s鉴定。") % {"occ": occupation.name, "level": Level(level).label}]}
        )
    options = open_appraisals(candidate, occupation, level, retake=retake, today=today)
    mine = [option for option in options if authority.can_manage_center(actor, option[1])]
    if mine:
        return mine
    own = authority.can_appraise(actor.center, candidate, occupation, level, retake=retake, on_date=today)
    found = authority.appraising_centers(candidate, occupation, level, retake=retake, on_date=today)
    if not found:
        raise ValidationError(
            own.reason if not own else authority.explain_refusal(candidate, occupation, level, retake=retake, on_date=today),
            code="authority",
        )
    responsible = found[0][0]
    if not authority.can_manage_center(actor, responsible):
        parts = [own.reason] if not own else []
        parts.append(_("该考生应由%(center)s受理，不在您的管辖范围内。") % {"center": responsible.name})
        raise ValidationError("".join(parts), code="authority")
    raise ValidationError(
        _("%(center)s目前没有正在报名的鉴定场次。") % {"center": responsible.name}, code="no_open_appraisal"
    )


# --- staff: password reset ---

# Letters and digits without the look-alikes 0/O/o, 1/l/I/i: read out loud or copied from a screen.
INITIAL_PASSWORD_CHARS = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789"
INITIAL_PASSWORD_LENGTH = 10


def new_initial_password() -> str:
    """A random 10-character password with at least one letter and one digit."""
    from django.utils.crypto import get_random_string

    while True:
        password = get_random_string(INITIAL_PASSWORD_LENGTH, INITIAL_PASSWORD_CHARS)
        if any(c.isdigit() for c in password) and any(c.isalpha() for c in password):
            return password


def reset_candidate_password(*, actor: User, candidate: User) -> str:
    """The center gives a candidate a new password (imported candidates have none; others forget
    theirs). Only center staff and province administrators who may act for the candidate (ORG-8:
    their region, school or employer, or an application at a center in scope). Returns the new
    password, to be shown once: it is stored only as a hash. Every session of the candidate ends."""
    if not authority.can_manage_candidate(actor, candidate):
        raise PermissionDenied(_("您无权为该考生重置密码。"))
    password = new_initial_password()
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=candidate.pk, role=Role.CANDIDATE)
        locked.set_password(password)
        locked.save(update_fields=["password"])
    candidate.password = locked.password
    return password

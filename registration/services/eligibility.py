"""Who may apply (REG-5, REG-6): identity checks, the conditions of an occupation level, the
materials they ask for, and the fee due."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from appraisal.idnumbers import birth_date as id_birth_date
from appraisal.idnumbers import gender as id_gender
from appraisal.idnumbers import normalize_id_number
from appraisal.models import (
    EligibilityCondition,
    Level,
    RetakeDay,
)
from appraisal.workdays import full_years
from registration import reference_cache
from registration.models import (
    Application,
    MaterialKind,
)

MIN_AGE = 16  # 劳动法: no one younger may be employed, so no one younger is appraised



# A mobile or landline number, as people write them: digits, brackets, hyphens, spaces, a leading +.
PHONE_PATTERN = re.compile(r"^[0-9+()（）\- ]{7,20}$")


def phone_message() -> str:
    return _("请输入正确的联系电话（手机号或固定电话）。")


# --- Identity and eligibility (REG-5, REG-6) ------------------------------------------------


def _full_years(since: datetime.date, today: datetime.date) -> int:
    """REG-5 ages and REG-6 years since a certificate: the core's calendar-year count."""
    return full_years(since, today)


def identity_errors(exc: ValidationError) -> dict[str, list]:
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
    return list(reference_cache.for_level(occupation_id, level).conditions)


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
    reference = reference or reference_cache.for_level(application.occupation_id, application.level)
    results = [_identity_check(application, today)]
    if application.retake_day_id is not None:
        results.append(_retake_check(application))
    for condition in reference.conditions:
        results.extend(_condition_checks(application, condition, today))
    if not reference.conditions:
        results.append(_result("conditions", True, _("该职业等级无额外申报条件。")))
    results.append(_materials_check(application, reference.conditions))
    return results


def _result(check, ok, message) -> dict:
    return {"check": check, "ok": bool(ok), "message": str(message)}


def _identity_check(application: Application, today) -> dict:
    try:
        validate_identity(
            id_number=application.id_number, birth_month=application.birth_month, gender=application.gender,
            today=today,
        )
    except ValidationError as exc:
        return _result("identity", False, "；".join(exc.messages))
    return _result("identity", True, _("身份证号校验通过，出生年月、性别一致。"))


def _retake_check(application: Application) -> dict:
    ok = application.retake_original_year == application.retake_day.failed_in_year
    return _result(
        "retake", ok and bool(application.retake_original_ticket),
        _("补考：原鉴定年度%(year)s，原准考证号%(ticket)s。")
        % {"year": application.retake_original_year or _("未填写"),
           "ticket": application.retake_original_ticket or _("未填写")}
        if ok else retake_year_message(application.retake_day),
    )


def _condition_checks(application: Application, condition: EligibilityCondition, today) -> list[dict]:
    """The checks one REG-6 condition asks for."""
    results = []
    if condition.min_years_in_occupation:
        ok = application.years_in_occupation >= condition.min_years_in_occupation
        results.append(_result(
            "years", ok,
            _("本职业工作年限 %(have)d 年，%(level)s要求不少于 %(need)d 年。")
            % {"have": application.years_in_occupation, "level": Level.short_label(application.level),
               "need": condition.min_years_in_occupation},
        ))
    if condition.requires_lower_level_certificate and application.level < Level.FIVE:
        held = application.held_certificate_level
        ok = held is not None and held <= application.level + 1 and bool(application.held_certificate)
        results.append(_result(
            "lower_certificate", ok,
            _("需持本职业%(lower)s及以上职业资格证书；%(have)s。")
            % {"lower": Level.short_label(application.level + 1),
               "have": _("已填写：%s") % f"{application.held_certificate} {Level.short_label(held)}"
               if ok else _("未填写或等级不足")},
        ))
    if condition.min_years_since_lower_certificate and application.level < Level.FIVE:
        need = condition.min_years_since_lower_certificate
        since = application.held_certificate_date
        have = _full_years(since, today) if since else None
        results.append(_result(
            "years_since_certificate", have is not None and have >= need,
            _("取得下一等级证书后要求工作满 %(need)d 年；%(have)s。")
            % {"need": need,
               "have": _("证书颁发于%(day)s，已满 %(n)d 年") % {"day": since.isoformat(), "n": have}
               if since else _("未填写颁证时间")},
        ))
    if condition.requires_professional_title:
        results.append(_result(
            "title", bool(application.professional_title),
            _("需持专业技术职称证书；%(have)s。") % {"have": application.professional_title or _("未填写")},
        ))
    return results


def _materials_check(application: Application, conditions) -> dict:
    present = _uploaded_kinds(application)
    missing = [str(MaterialKind(k).label) for k in required_materials(application, conditions) if k not in present]
    return _result(
        "materials", not missing,
        _("材料齐全。") if not missing else _("缺少材料：%(missing)s。") % {"missing": "、".join(missing)},
    )


def _uploaded_kinds(application: Application) -> set[str]:
    if not application.pk:
        return set()
    # A detail read (selectors.application_for) holds its materials already: no second query.
    prefetched = getattr(application, "_prefetched_objects_cache", {}).get("materials")
    if prefetched is not None:
        return {material.kind for material in prefetched}
    return set(application.materials.values_list("kind", flat=True))


def fee_for(occupation_id, level, on_date) -> Decimal | None:
    return reference_cache.for_level(occupation_id, level).fee_on(on_date)


def retake_year_message(retake_day: RetakeDay) -> str:
    return _("补考仅限%(year)d年参加鉴定成绩不合格的考生，请填写原鉴定年度。") % {"year": retake_day.failed_in_year}

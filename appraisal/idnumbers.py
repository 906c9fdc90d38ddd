"""Resident ID numbers (居民身份证号码), validated with python-stdnum (REG-5)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum import exceptions as stdnum_errors
from stdnum.cn import ric


def normalize_id_number(value):
    """Return the 18-character ID number in upper case, or raise ValidationError in Chinese."""
    compact = ric.compact(value or "")
    try:
        return ric.validate(compact)
    except stdnum_errors.InvalidChecksum as exc:
        raise ValidationError(_("身份证号校验位错误，请核对后重新输入。"), code="id_checksum") from exc
    except stdnum_errors.InvalidLength as exc:
        raise ValidationError(_("身份证号应为18位。"), code="id_length") from exc
    except stdnum_errors.InvalidComponent as exc:
        raise ValidationError(_("身份证号中的出生日期或地区码无效。"), code="id_component") from exc
    except stdnum_errors.ValidationError as exc:
        raise ValidationError(_("身份证号格式不正确。"), code="id_format") from exc


def birth_date(id_number):
    return ric.get_birth_date(ric.compact(id_number))


def gender(id_number):
    """'M' or 'F': the 17th digit is odd for men, even for women."""
    return "M" if int(ric.compact(id_number)[16]) % 2 else "F"


def mask_id_number(value):
    """Personal data in lists and exports: keep the first 6 and last 4 characters."""
    if not value:
        return ""
    return value[:6] + "*" * (len(value) - 10) + value[-4:] if len(value) > 10 else "*" * len(value)


def sees_full_id_numbers(user) -> bool:
    """Whose eyes may see other people's full ID numbers and ID-card copies (the 申报表 prints the
    full number): center staff and province administrators, within the scope the selectors give
    them. Examiners and HR officials read masked numbers and never open ID-card copies. A
    candidate's view of their own data is decided where it is shown, not here."""
    from appraisal.gates import CLERKS

    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_superuser or user.role in CLERKS

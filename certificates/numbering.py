"""Certificate numbers (CERT-4): the one module that decides them.

The scheme is the one published for the national vocational qualification certificate, 16 digits:

    | part        | digits | value                                                               |
    |-------------|-------:|---------------------------------------------------------------------|
    | year        | 2      | year of issue, last two digits                                      |
    | province    | 2      | 22 (Jilin)                                                          |
    | prefecture  | 2      | the body's prefecture: 00 for the province, else the city's code    |
    | body kind   | 1      | 0 guidance center, 1 national, 2 local, 3 industry, 4 enterprise    |
    | body serial | 3      | the body's serial within its prefecture and kind                   |
    | level       | 1      | 5 初级 … 1 高级技师                                                   |
    | running     | 5      | per body, level and year, from 00001 to 99999                       |

The body codes are kept on the centers (Center.certificate_*). Running numbers are allocated in one
statement per batch on a counter row (NumberCounter): an upsert that adds the batch's size and
returns the new last number, so concurrent issuers never get the same number, a batch of any size
costs one query, and a number is never given again, not after a revocation either. The counter's
check constraint refuses to pass 99,999: a clear refusal, never a wrap-around.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from appraisal.models import Center, Level
from certificates.models import MAX_RUNNING_NUMBER, NumberCounter

PROVINCE_CODE = "22"


@dataclass(frozen=True)
class Part:
    name: str
    digits: int
    label: str


SCHEME = (
    Part("year", 2, "发证年度"),
    Part("province", 2, "省份代码"),
    Part("prefecture", 2, "地区代码"),
    Part("body_kind", 1, "机构类别"),
    Part("body_serial", 3, "机构序号"),
    Part("level", 1, "等级"),
    Part("running", 5, "顺序号"),
)
LENGTH = sum(part.digits for part in SCHEME)
assert LENGTH == 16 and 10 ** SCHEME[-1].digits - 1 == MAX_RUNNING_NUMBER


def prefix(body: Center, year: int, level: int) -> str:
    """The first 11 digits: everything but the running number. Refuses a body without its code."""
    code = body.certificate_body_code
    if code is None:
        raise ValidationError(
            _("%(body)s尚未设置证书机构代码，不能核发证书。请省鉴定中心在机构管理中设置。") % {"body": body.name},
            code="no_body_code",
        )
    if int(level) not in Level.values:
        raise ValidationError(_("等级不正确。"))
    return f"{year % 100:02d}{PROVINCE_CODE}{code}{int(level)}"


def format_number(number_prefix: str, running: int) -> str:
    return f"{number_prefix}{running:05d}"


def parse(number: str) -> dict[str, str] | None:
    """The parts of a well-formed number, or None (for verification pages: a typo is not found)."""
    number = (number or "").strip()
    if len(number) != LENGTH or not number.isdigit():
        return None
    parts, at = {}, 0
    for part in SCHEME:
        parts[part.name] = number[at:at + part.digits]
        at += part.digits
    return parts


_UPSERT = f"""
    INSERT INTO {NumberCounter._meta.db_table} (body_id, year, level, last) VALUES (%s, %s, %s, %s)
    ON CONFLICT (body_id, year, level) DO UPDATE SET last = {NumberCounter._meta.db_table}.last + excluded.last
    RETURNING last
"""


def allocate(body: Center, year: int, level: int, count: int = 1) -> range:
    """Reserve `count` consecutive running numbers of this body, level and year; returns them. Runs
    in the caller's transaction: if the caller rolls back, the numbers are not used (the counter
    rolls back with it), so a number is only ever consumed by a saved certificate."""
    if count < 1:
        raise ValueError("count must be positive")
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(_UPSERT, [body.pk, year, int(level), count])
            last = cursor.fetchone()[0]
    except IntegrityError as exc:  # the counter's check: past 99,999
        used = NumberCounter.objects.filter(body=body, year=year, level=level).values_list("last", flat=True).first()
        left = MAX_RUNNING_NUMBER - (used or 0)
        raise ValidationError(
            _("%(body)s %(year)d年%(level)s证书编号已用至%(used)05d，本次需%(count)d个，仅剩%(left)d个，"
              "编号不能超过99999。请联系省鉴定中心。")
            % {"body": body.name, "year": year, "level": Level.short_label(level), "used": used or 0,
               "count": count, "left": left},
            code="numbers_exhausted",
        ) from exc
    return range(last - count + 1, last + 1)

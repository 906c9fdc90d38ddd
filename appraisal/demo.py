"""Demo data (`manage.py load_demo`): the real Jilin hierarchy, the notice's occupations and 2017
calendar, and one login per role. Idempotent: natural keys everywhere, passwords set only on create."""

from __future__ import annotations

import csv
import datetime
import functools
import json
from pathlib import Path

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from appraisal import services
from appraisal.models import (
    AuthorityGrant,
    Center,
    CenterKind,
    EligibilityCondition,
    HalfYear,
    Occupation,
    OccupationCategory,
    OccupationLevel,
    OccupationStatus,
    RetakeDay,
    RetakeKind,
    Role,
    ScheduledAppraisalDay,
    SkillExamMode,
    UnifiedAppraisal,
    User,
)
from appraisal.services import default_theory_minutes

DATA_DIR = Path(__file__).resolve().parent / "data"
DEMO_PASSWORD = "Jilin2017!"


@functools.cache
def demo_password_hash():
    # Argon2 is slow on purpose; hashing the one demo password once keeps load_demo quick.
    return make_password(DEMO_PASSWORD)
PROVINCE_NAME = "吉林省职业技能鉴定中心"
EXPANDED_COUNTIES = ("220381", "220581")  # 公主岭市, 梅河口市: granted level 3 (and 5, 4)
SUB_BANK_CITIES = ("220100", "220200")  # 长春市, 吉林市 run a sub-bank of the national question bank (demo)

# The province's public numbers as printed in the notice (OTH-2).
PROVINCE_PHONES = {
    "supervision_phone": "(0431) 80880690",
    "enquiry_phone": "(0431) 88690718、88690738",
    "duty_phone": "(0431) 88679995",
}


def center_name(division_name: str) -> str:
    return f"{division_name}职业技能鉴定中心"


def _upsert_center(*, name, defaults):
    center, _created = Center.objects.update_or_create(name=name, defaults=defaults)
    return center


def load_centers():
    rows = list(csv.DictReader((DATA_DIR / "jilin_divisions_2017.csv").open(encoding="utf-8")))
    province_row = next(r for r in rows if r["kind"] == "province")
    province = _upsert_center(
        name=PROVINCE_NAME,
        defaults={"kind": CenterKind.PROVINCE, "parent": None, "division_code": province_row["code"],
                  "address": "吉林省长春市", **PROVINCE_PHONES},
    )
    by_code = {province_row["code"]: province}
    for row in rows:
        if row["kind"] != "city":
            continue
        center = _upsert_center(
            name=center_name(row["name"]),
            defaults={"kind": CenterKind.CITY, "parent": province, "division_code": row["code"] or None,
                      "runs_question_sub_bank": row["code"] in SUB_BANK_CITIES},
        )
        if row["code"]:
            by_code[row["code"]] = center
    for row in rows:
        if row["kind"] != "county":
            continue
        expanded = row["code"] in EXPANDED_COUNTIES
        by_code[row["code"]] = _upsert_center(
            name=center_name(row["name"]),
            defaults={"kind": CenterKind.EXPANDED_COUNTY if expanded else CenterKind.COUNTY,
                      "parent": by_code[row["parent_code"]], "division_code": row["code"]},
        )
    for code in EXPANDED_COUNTIES:
        _grant(by_code[code], (5, 4, 3), "吉人社字〔2016〕扩权县鉴定权限批复（演示）")

    changchun = by_code["220100"]
    school = _upsert_center(
        name="长春职业技术学院职业技能鉴定所",
        defaults={"kind": CenterKind.SCHOOL, "parent": changchun, "division_code": None,
                  "dual_certificate_school": True},
    )
    _grant(school, (5, 4, 3), "院校鉴定机构批准文件（演示）")
    enterprise = _upsert_center(
        name="一汽集团职业技能鉴定站",
        defaults={"kind": CenterKind.ENTERPRISE, "parent": province, "division_code": None},
    )
    _grant(enterprise, (5, 4, 3), "行业企业鉴定机构批准文件（演示）")
    affiliated = _upsert_center(
        name="吉林油田分公司（中省直单位）",
        defaults={"kind": CenterKind.AFFILIATED_UNIT, "parent": province, "division_code": None},
    )
    return {"province": province, "by_code": by_code, "school": school, "enterprise": enterprise,
            "affiliated": affiliated}


def _grant(center, levels, document):
    for level in levels:
        AuthorityGrant.objects.get_or_create(
            center=center, level=level,
            defaults={"approved_on": datetime.date(2017, 1, 1), "document": document},
        )


def _upsert_occupation(*, name, code, category, levels, skill, status=OccupationStatus.ACTIVE,
                       cancelled_on=None, by_state_council=False, conditions=None):
    occupation, _created = Occupation.objects.update_or_create(
        name=name,
        defaults={"code": code or None, "category": category, "status": status, "cancelled_on": cancelled_on,
                  "cancelled_by_state_council": by_state_council,
                  "cancellation_note": "国务院取消的职业资格（CAL-5）" if by_state_council else ""},
    )
    mode, minutes = skill
    for level in levels:
        occupation_level, _created = OccupationLevel.objects.update_or_create(
            occupation=occupation, level=level,
            defaults={"theory_minutes": default_theory_minutes(level), "skill_mode": mode,
                      "skill_minutes": minutes + (30 if level <= 2 else 0)},
        )
        if conditions:
            cond = conditions[str(level)]
            EligibilityCondition.objects.update_or_create(
                occupation_level=occupation_level,
                defaults={"min_years_in_occupation": cond["years"],
                          # The lowest level an occupation offers has no lower certificate to ask for.
                          "requires_lower_level_certificate": cond["lower_certificate"] and level != max(levels),
                          "min_years_since_lower_certificate": cond.get("years_since_certificate", 0)
                          if level != max(levels) else 0,
                          "requires_professional_title": cond["title"], "description": cond["text"]},
            )
    return occupation


def load_occupations():
    data = json.loads((DATA_DIR / "occupations.json").read_text(encoding="utf-8"))
    conditions = data["eligibility"]
    written = (SkillExamMode.WRITTEN, 120)
    for category in (OccupationCategory.NATIONAL_UNIFIED, OccupationCategory.PROVINCIAL_UNIFIED):
        for item in data[category.value]:
            _upsert_occupation(name=item["name"], code=item.get("code"), category=category,
                               levels=item["levels"], skill=written, conditions=conditions)
    for item in data["cancelled_unified"]:
        _upsert_occupation(name=item["name"], code=item.get("code"), category=item["category"],
                           levels=item["levels"], skill=written, status=OccupationStatus.CANCELLED,
                           cancelled_on=datetime.date.fromisoformat(item["cancelled_on"]),
                           by_state_council=True, conditions=conditions)
    for item in data["daily"]:
        _upsert_occupation(name=item["name"], code=item["code"], category=OccupationCategory.DAILY,
                           levels=item["levels"], skill=tuple(item["skill"]), conditions=conditions)


def unified_calendar(year):
    """The notice's dates (CAL-1, CAL-2), used as the pattern for other years' demo calendars."""
    return [
        (HalfYear.FIRST, datetime.date(year, 5, 20), datetime.date(year, 5, 21),
         datetime.date(year, 3, 15), datetime.date(year, 4, 14)),
        (HalfYear.SECOND, datetime.date(year, 11, 18), datetime.date(year, 11, 19),
         datetime.date(year, 9, 5), datetime.date(year, 10, 10)),
    ]


def _third_saturday(year, month):
    first = datetime.date(year, month, 1)
    return first + datetime.timedelta(days=(5 - first.weekday()) % 7 + 14)


def load_calendar(centers, years):
    for year in years:
        for half, first, second, opens, closes in unified_calendar(year):
            UnifiedAppraisal.objects.update_or_create(
                year=year, half=half,
                defaults={"first_day": first, "second_day": second, "registration_opens": opens,
                          "registration_closes": closes},
            )
    # CAL-5: the 2017 retakes for occupations cancelled by the State Council.
    RetakeDay.objects.update_or_create(
        year=2017, kind=RetakeKind.DAILY, defaults={"day": datetime.date(2017, 4, 22), "failed_in_year": 2016})
    RetakeDay.objects.update_or_create(
        year=2017, kind=RetakeKind.UNIFIED, defaults={"day": datetime.date(2017, 5, 20), "failed_in_year": 2016})
    # CAL-3: attachment 3 is not published with the notice; demo days are the third Saturday of
    # every month for the province and city centers, and of every other month for the counties and
    # the school and enterprise bodies.
    regional = Center.objects.filter(
        kind__in=[CenterKind.PROVINCE, CenterKind.CITY, CenterKind.COUNTY, CenterKind.EXPANDED_COUNTY,
                  CenterKind.SCHOOL, CenterKind.ENTERPRISE]
    )
    days = []
    for center in regional:
        months = range(1, 13) if center.kind in (CenterKind.PROVINCE, CenterKind.CITY) else range(2, 13, 2)
        extension = 1 if center.kind == CenterKind.CITY else 0
        days += [
            ScheduledAppraisalDay(center=center, day=_third_saturday(year, month), registration_extension_days=extension)
            for year in years
            for month in months
        ]
    # The (center, day) unique constraint keeps a second run from adding anything.
    ScheduledAppraisalDay.objects.bulk_create(days, ignore_conflicts=True)


DEMO_USERS = [
    # username, role, full name, center key (a division code or a named body)
    ("province_admin", Role.PROVINCE_ADMIN, "赵省管", "220000"),
    ("staff_changchun", Role.CENTER_STAFF, "钱市员", "220100"),
    ("staff_nongan", Role.CENTER_STAFF, "孙县员", "220122"),
    ("staff_gongzhuling", Role.CENTER_STAFF, "李扩权", "220381"),
    ("staff_school", Role.CENTER_STAFF, "周院校", "school"),
    ("examiner", Role.EXAMINER, "吴考评", "220100"),
    ("hr_official", Role.HR_OFFICIAL, "郑人社", "220100"),
]
DEMO_CANDIDATE = {
    "username": "candidate", "full_name": "王考生", "id_number": "220122199003150019",
    "phone": "13800000000", "employer_name": "农安县某汽车维修有限公司", "region": "220122",
}


@transaction.atomic
def load(*, stdout, quiet=False):
    """The core's part of `load_demo`: centers, occupations, 2017's and this and next year's
    calendar, and one login per role, printed unless `quiet`."""
    this_year = timezone.localdate().year
    users = load_demo(years=sorted({2017, this_year, this_year + 1}))
    if quiet:
        return
    stdout.write("演示数据已载入 (demo data loaded)。演示账号 / demo logins:")
    for user in users:
        where = user.center.name if user.center else (user.region.name if user.region else "")
        stdout.write(
            f"  {user.get_role_display():<12} 用户名 {user.username:<18} 密码 {DEMO_PASSWORD}   "
            f"{user.display_name} · {where}"
        )


def load_demo(years=(2017,)):
    centers = load_centers()
    services.assign_certificate_body_codes()
    load_occupations()
    load_calendar(centers, years)

    def resolve(key):
        return centers[key] if key in centers else centers["by_code"][key]

    users = []
    for username, role, full_name, key in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"role": role, "full_name": full_name, "center": resolve(key),
                      "is_staff": role == Role.PROVINCE_ADMIN, "is_superuser": role == Role.PROVINCE_ADMIN},
        )
        if created:
            user.password = demo_password_hash()
            user.save(update_fields=["password"])
        users.append(user)
    data = dict(DEMO_CANDIDATE)
    region = centers["by_code"][data.pop("region")]
    candidate, created = User.objects.get_or_create(
        username=data.pop("username"), defaults={**data, "role": Role.CANDIDATE, "region": region})
    if created:
        candidate.password = demo_password_hash()
        candidate.save(update_fields=["password"])
    users.insert(0, candidate)
    return users

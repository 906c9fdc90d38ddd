"""The demo data set (`manage.py load_demo`): the real Jilin hierarchy (ORG-1), the notice's
occupations (OCC-1, OCC-2, OCC-4), its 2017 calendar (CAL-1, CAL-2, CAL-5), its hotlines (OTH-2)
and one login per role. conftest.py loads it once per session with years=(2017,)."""

import csv
import datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from appraisal.demo import DATA_DIR, DEMO_CANDIDATE, DEMO_PASSWORD, PROVINCE_NAME, load_demo
from appraisal.idnumbers import birth_date, normalize_id_number
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
    UnifiedAppraisal,
    User,
    WorkdayOverride,
)

pytestmark = pytest.mark.django_db

CORE_MODELS = [
    Center,
    AuthorityGrant,
    Occupation,
    OccupationLevel,
    EligibilityCondition,
    UnifiedAppraisal,
    RetakeDay,
    ScheduledAppraisalDay,
    WorkdayOverride,
    User,
]
NOTICE = Path(__file__).resolve().parents[2] / "docs" / "jilin-2017-appraisal-notice.txt"
d = datetime.date


def snapshot():
    """Every row and every field value of the core tables (user password hashes included)."""
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in CORE_MODELS}


def division_rows():
    with (DATA_DIR / "jilin_divisions_2017.csv").open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


# --- Idempotence --------------------------------------------------------------------------------


def test_load_demo_is_idempotent():
    before = snapshot()
    assert all(before[name] for name in ("Center", "Occupation", "User", "ScheduledAppraisalDay"))
    load_demo(years=(2017,))
    after = snapshot()
    assert {name: len(rows) for name, rows in after.items()} == {name: len(rows) for name, rows in before.items()}
    assert after == before


@pytest.fixture
def without_demo_applications(monkeypatch):
    """The command also calls registration's demo applications and certificates' demo cycle (tested
    there); whether they load depends on today's open days, so these tests of the core's demo data
    leave them out."""
    from registration import demo

    monkeypatch.setattr(demo, "load_demo_applications", lambda today=None: [])
    monkeypatch.setattr("certificates.demo.load", lambda **kwargs: None)
    monkeypatch.setattr("stats.demo.load", lambda **kwargs: None)  # its own staff users, tested in tests/stats


@pytest.mark.usefixtures("without_demo_applications")
def test_load_demo_command_is_idempotent_and_keeps_passwords():
    """The command adds this year's and next year's calendar, and nothing else changes; a second
    run changes nothing at all (user password hashes included)."""
    before = snapshot()
    call_command("load_demo", quiet=True)
    first = snapshot()
    for name in ("Center", "AuthorityGrant", "Occupation", "OccupationLevel", "EligibilityCondition", "User"):
        assert first[name] == before[name], name
    assert len(first["ScheduledAppraisalDay"]) > len(before["ScheduledAppraisalDay"])
    call_command("load_demo", quiet=True)
    assert snapshot() == first


def test_load_demo_does_not_reset_a_changed_password():
    user = User.objects.get(username="staff_nongan")
    user.set_password("a-new-Password-2017")
    user.save()
    load_demo(years=(2017,))
    user.refresh_from_db()
    assert user.check_password("a-new-Password-2017")
    assert not user.check_password(DEMO_PASSWORD)


@pytest.mark.usefixtures("without_demo_applications")
def test_load_demo_command_prints_every_demo_login():
    out = StringIO()
    call_command("load_demo", stdout=out)
    text = out.getvalue()
    usernames = ["candidate", "province_admin", "staff_changchun", "staff_nongan", "staff_gongzhuling",
                 "staff_school", "examiner", "hr_official"]
    for username in usernames:
        assert username in text
        assert User.objects.filter(username=username).exists()
    assert text.count(DEMO_PASSWORD) == User.objects.filter(username__in=usernames).count() == len(usernames)
    assert "农安县职业技能鉴定中心" in text  # where the candidate and the county staff belong


def test_load_demo_command_quiet_prints_nothing():
    out = StringIO()
    call_command("load_demo", quiet=True, stdout=out)
    assert out.getvalue() == ""


# --- ORG-1: the hierarchy -------------------------------------------------------------------------


def test_org1_one_province_center_with_its_code():
    province = Center.objects.get(kind=CenterKind.PROVINCE)
    assert province.name == PROVINCE_NAME
    assert province.division_code == "220000"
    assert province.parent is None


def test_org1_ten_city_level_centers_including_changbaishan():
    cities = Center.objects.filter(kind=CenterKind.CITY)
    expected = {
        ("长春市职业技能鉴定中心", "220100"),
        ("吉林市职业技能鉴定中心", "220200"),
        ("四平市职业技能鉴定中心", "220300"),
        ("辽源市职业技能鉴定中心", "220400"),
        ("通化市职业技能鉴定中心", "220500"),
        ("白山市职业技能鉴定中心", "220600"),
        ("松原市职业技能鉴定中心", "220700"),
        ("白城市职业技能鉴定中心", "220800"),
        ("延边朝鲜族自治州职业技能鉴定中心", "222400"),
        ("长白山管委会职业技能鉴定中心", None),
    }
    assert {(c.name, c.division_code) for c in cities} == expected
    assert {c.parent.kind for c in cities} == {CenterKind.PROVINCE}


def test_org1_county_level_centers_match_the_2017_divisions_exactly():
    """ORG-1: 39 counties and county-level cities, names and GB/T 2260 codes as in the CSV."""
    rows = [r for r in division_rows() if r["kind"] == "county"]
    assert len(rows) == 39
    expected = {(f"{r['name']}职业技能鉴定中心", r["code"], r["parent_code"]) for r in rows}
    counties = Center.objects.filter(kind__in=[CenterKind.COUNTY, CenterKind.EXPANDED_COUNTY]).select_related(
        "parent"
    )
    actual = {(c.name, c.division_code, c.parent.division_code) for c in counties}
    assert actual == expected
    assert counties.count() == 39


def test_org1_every_division_code_in_the_csv_is_a_center():
    coded = {r["code"] for r in division_rows() if r["code"]}
    assert len(coded) == 49
    assert set(Center.objects.filter(division_code__isnull=False).values_list("division_code", flat=True)) == coded


def test_org5_gongzhuling_and_meihekou_are_expanded_counties_granted_5_4_3():
    """ORG-5: the demo's two 扩权县 hold exactly levels 5, 4 and 3."""
    expanded = Center.objects.filter(kind=CenterKind.EXPANDED_COUNTY)
    assert {c.name for c in expanded} == {"公主岭市职业技能鉴定中心", "梅河口市职业技能鉴定中心"}
    for center in expanded:
        assert sorted(center.grants.values_list("level", flat=True)) == [3, 4, 5]
    assert Center.objects.get(division_code="220381").parent.division_code == "220300"  # 四平市
    assert Center.objects.get(division_code="220581").parent.division_code == "220500"  # 通化市


def test_org1_plain_counties_and_cities_hold_no_grants():
    """ORG-2/ORG-3: county and city authority comes from the notice, not from grants."""
    assert not AuthorityGrant.objects.filter(
        center__kind__in=[CenterKind.PROVINCE, CenterKind.CITY, CenterKind.COUNTY]
    ).exists()


def test_org7_one_school_and_one_enterprise_body():
    school = Center.objects.get(kind=CenterKind.SCHOOL)
    enterprise = Center.objects.get(kind=CenterKind.ENTERPRISE)
    assert school.dual_certificate_school is True
    assert school.division_code is None and enterprise.division_code is None
    assert sorted(school.grants.values_list("level", flat=True)) == [3, 4, 5]
    assert sorted(enterprise.grants.values_list("level", flat=True)) == [3, 4, 5]
    assert Center.objects.filter(kind=CenterKind.AFFILIATED_UNIT).count() == 1


def test_exam9_only_changchun_and_jilin_run_a_sub_bank():
    assert set(Center.objects.filter(runs_question_sub_bank=True).values_list("division_code", flat=True)) == {
        "220100", "220200"}


# --- OCC ------------------------------------------------------------------------------------------

OCC1 = ["企业人力资源管理师", "心理咨询师", "电子商务师", "职业指导人员", "企业培训师"]
OCC2 = ["理财规划师", "劳动保障协理员", "会展策划师", "婚姻家庭咨询师", "秘书（涉外秘书）", "劳动关系协调员"]


def test_occ1_occ2_the_eleven_unified_occupations_by_name_and_category():
    active_unified = Occupation.objects.filter(
        category__in=[OccupationCategory.NATIONAL_UNIFIED, OccupationCategory.PROVINCIAL_UNIFIED],
        status=OccupationStatus.ACTIVE,
    )
    assert {(o.name, o.category) for o in active_unified} == {
        *((name, OccupationCategory.NATIONAL_UNIFIED) for name in OCC1),
        *((name, OccupationCategory.PROVINCIAL_UNIFIED) for name in OCC2),
    }
    assert active_unified.count() == 11


def test_occ4_cal5_three_unified_occupations_cancelled_by_the_state_council():
    cancelled = Occupation.objects.filter(status=OccupationStatus.CANCELLED)
    assert {o.name for o in cancelled} == {"物流师", "公共营养师", "商务策划师"}
    for occupation in cancelled:
        assert occupation.cancelled_by_state_council is True
        assert occupation.cancelled_on is not None and occupation.cancelled_on < d(2017, 1, 1)
        assert occupation.is_unified
        assert occupation.levels.exists()  # history kept (OCC-4)


def test_occ3_at_least_twenty_active_daily_occupations_with_levels():
    daily = Occupation.objects.filter(category=OccupationCategory.DAILY, status=OccupationStatus.ACTIVE)
    assert daily.count() >= 20
    assert not daily.filter(levels__isnull=True).exists()
    assert OccupationLevel.objects.filter(occupation__in=daily, level=5).count() >= 15


def test_occ3_no_occupation_code_is_an_empty_string():
    """Uncertain codes are NULL (never guessed, never ''), so the unique constraint holds."""
    assert not Occupation.objects.filter(code="").exists()
    assert Occupation.objects.filter(code__isnull=True).exists()
    codes = list(Occupation.objects.filter(code__isnull=False).values_list("code", flat=True))
    assert len(codes) == len(set(codes))


def test_exam1_theory_minutes_follow_the_level():
    assert set(OccupationLevel.objects.filter(level__gte=3).values_list("theory_minutes", flat=True)) == {60}
    assert set(OccupationLevel.objects.filter(level__lte=2).values_list("theory_minutes", flat=True)) == {90}


# --- CAL --------------------------------------------------------------------------------------------


def test_cal1_cal2_2017_unified_days_and_windows():
    rows = {
        u.half: (u.first_day, u.second_day, u.registration_opens, u.registration_closes)
        for u in UnifiedAppraisal.objects.filter(year=2017)
    }
    assert rows == {
        HalfYear.FIRST: (d(2017, 5, 20), d(2017, 5, 21), d(2017, 3, 15), d(2017, 4, 14)),
        HalfYear.SECOND: (d(2017, 11, 18), d(2017, 11, 19), d(2017, 9, 5), d(2017, 10, 10)),
    }


def test_cal5_2017_retake_days():
    rows = {(r.kind, r.day, r.failed_in_year) for r in RetakeDay.objects.filter(year=2017)}
    assert rows == {(RetakeKind.DAILY, d(2017, 4, 22), 2016), (RetakeKind.UNIFIED, d(2017, 5, 20), 2016)}


def test_cal3_every_regional_center_has_scheduled_days_in_2017():
    regional = Center.objects.filter(
        kind__in=[CenterKind.PROVINCE, CenterKind.CITY, CenterKind.COUNTY, CenterKind.EXPANDED_COUNTY]
    )
    without = regional.exclude(appraisal_days__day__year=2017)
    assert not without.exists()
    assert set(
        ScheduledAppraisalDay.objects.values_list("registration_extension_days", flat=True)
    ) <= {0, 1, 2}


# --- Users -------------------------------------------------------------------------------------------


def test_one_demo_user_per_role():
    assert set(User.objects.values_list("role", flat=True).distinct()) == set(Role.values)
    for role in Role.values:
        assert User.objects.filter(role=role).exists(), role
    admin = User.objects.get(username="province_admin")
    assert admin.is_superuser and admin.is_staff and admin.center.kind == CenterKind.PROVINCE
    candidate = User.objects.get(username="candidate")
    assert candidate.center is None
    assert candidate.region.division_code == "220122"
    for user in User.objects.all():
        assert user.check_password(DEMO_PASSWORD)


def test_reg5_demo_candidate_id_number_is_valid():
    """REG-5: the demo candidate's ID number passes the checksum and encodes a real birth date."""
    candidate = User.objects.get(username="candidate")
    assert candidate.id_number == DEMO_CANDIDATE["id_number"]
    assert normalize_id_number(candidate.id_number) == candidate.id_number
    assert birth_date(candidate.id_number) == d(1990, 3, 15)
    assert candidate.id_number.startswith("220122")  # 农安县, the candidate's region


# --- OTH-2 --------------------------------------------------------------------------------------------

# As printed in the notice: 省鉴定中心监督举报电话：(0431) 80880690，报名咨询电话：(0431) 88690718、88690738，
# 定期鉴定日值班电话：(0431) 88679995。
HOTLINES = {
    "supervision_phone": "(0431) 80880690",
    "enquiry_phone": "(0431) 88690718、88690738",
    "duty_phone": "(0431) 88679995",
}


def test_oth2_province_hotlines_exactly_as_in_the_notice():
    province = Center.objects.get(kind=CenterKind.PROVINCE)
    assert {field: getattr(province, field) for field in HOTLINES} == HOTLINES


def test_oth2_hotlines_match_the_notice_text():
    line = next(line for line in NOTICE.read_text(encoding="utf-8").splitlines() if "监督举报电话" in line)
    assert f"监督举报电话：{HOTLINES['supervision_phone']}，" in line
    assert f"报名咨询电话：{HOTLINES['enquiry_phone']}，" in line
    assert f"定期鉴定日值班电话：{HOTLINES['duty_phone']}。" in line

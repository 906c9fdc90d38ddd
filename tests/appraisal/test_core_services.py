"""Core services (appraisal/services.py) and the database invariants beneath them: bad input gets a
Chinese message and nothing is half-saved (ORG-1, ORG-4, ORG-5, CAL-3, CAL-4)."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from appraisal import services, workdays
from appraisal.models import AuthorityGrant, Center, CenterKind, ScheduledAppraisalDay, WorkdayOverride
from appraisal.workdays import CalendarUnknown

CJK = re.compile(r"[\u4e00-\u9fff]")


def messages(exc_info):
    return " ".join(exc_info.value.messages)


def assert_chinese(text, *fragments):
    assert text.strip() and CJK.search(text), text
    for fragment in fragments:
        assert fragment in text, f"{fragment!r} not in {text!r}"


def grants_of(center):
    return set(AuthorityGrant.objects.filter(center=center).values_list("level", "document"))


# --- grant_levels (ORG-5, ORG-4) -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("levels", "named"),
    [([5, 4, 3, 2], "二级/技师"), ([1], "一级/高级技师"), ([2, 1], "二级/技师"), ([3, 6], "6"), ([0], "0")],
)
def test_org4_grant_levels_refuses_technician_levels(centers, levels, named):
    """ORG-4/ORG-5: levels 2 and 1 belong to the province; a county cannot be granted them (nor a
    level that does not exist), and the earlier grant stays as it was."""
    county = centers["gongzhuling"]
    before = grants_of(county)
    assert {level for level, _doc in before} == {5, 4, 3}
    with pytest.raises(ValidationError) as exc_info:
        services.grant_levels(center=county, levels=levels, document="新文件")
    assert exc_info.value.code == "level_not_grantable"
    assert_chinese(messages(exc_info), "公主岭市", named, "省鉴定中心")
    assert grants_of(county) == before


@pytest.mark.parametrize("key", ["nongan", "changchun", "province", "affiliated"])
def test_org5_grant_levels_refuses_non_grantable_kind(centers, key):
    """ORG-5: only expanded counties (and school/enterprise bodies) hold a grant; a plain county's,
    a city's or the province's authority is fixed by the notice."""
    center = centers[key]
    with pytest.raises(ValidationError) as exc_info:
        services.grant_levels(center=center, levels=[5, 4, 3])
    assert exc_info.value.code == "not_grantable"
    assert_chinese(messages(exc_info), center.name, "不能单独批准", str(center.get_kind_display()))
    assert not AuthorityGrant.objects.filter(center=center).exists()


def test_org5_grant_levels_refuses_empty_grant(centers):
    """ORG-5: a grant names at least one level; an empty one does not wipe the existing grant."""
    before = grants_of(centers["gongzhuling"])
    with pytest.raises(ValidationError) as exc_info:
        services.grant_levels(center=centers["gongzhuling"], levels=[])
    assert_chinese(messages(exc_info), "至少选择一个等级")
    assert grants_of(centers["gongzhuling"]) == before


def test_org5_grant_levels_replaces_earlier_grant_exactly(centers):
    """ORG-5: the grant is always exactly what was last approved: no leftovers, no duplicates."""
    county = centers["gongzhuling"]
    approved = datetime.date(2017, 3, 1)
    saved = services.grant_levels(
        center=county, levels=[4], approved_on=approved, document="吉人社字〔2017〕1号"
    )
    assert [g.level for g in saved] == [4]
    rows = list(AuthorityGrant.objects.filter(center=county))
    assert [(g.level, g.approved_on, g.document) for g in rows] == [(4, approved, "吉人社字〔2017〕1号")]

    services.grant_levels(center=county, levels=["3", 5, 3, "5"], document="吉人社字〔2017〕2号")
    assert grants_of(county) == {(5, "吉人社字〔2017〕2号"), (3, "吉人社字〔2017〕2号")}
    assert AuthorityGrant.objects.filter(center=county).count() == 2
    # Other centers' grants are untouched.
    assert {lv for lv, _d in grants_of(centers["meihekou"])} == {5, 4, 3}


@pytest.mark.parametrize("key", ["school", "enterprise"])
def test_org7_grant_levels_for_school_and_enterprise_bodies(centers, key):
    """ORG-7: school and enterprise bodies appraise within an approved grant, replaced the same way."""
    services.grant_levels(center=centers[key], levels=[5])
    assert {lv for lv, _d in grants_of(centers[key])} == {5}


def test_org5_grant_levels_new_expanded_county(centers):
    """ORG-5: a newly created expanded county starts without authority and gets exactly its grant."""
    county = services.create_center(
        name="测试扩权县职业技能鉴定中心", kind=CenterKind.EXPANDED_COUNTY, parent=centers["siping"]
    )
    assert not grants_of(county)
    services.grant_levels(center=county, levels=[5, 4, 3])
    assert {lv for lv, _d in grants_of(county)} == {5, 4, 3}


# --- create_center (ORG-1) --------------------------------------------------------------------------------


def test_org1_create_center_refuses_county_without_parent(db):
    """ORG-1: a county center sits under a city; without a parent it is refused, nothing saved."""
    with pytest.raises(ValidationError) as exc_info:
        services.create_center(name="无上级县职业技能鉴定中心", kind=CenterKind.COUNTY)
    assert "parent" in exc_info.value.message_dict
    assert_chinese(" ".join(exc_info.value.message_dict["parent"]), "上级机构")
    assert not Center.objects.filter(name="无上级县职业技能鉴定中心").exists()


@pytest.mark.parametrize(
    ("kind", "parent", "expected"),
    [
        (CenterKind.CITY, "nongan", "省职业技能鉴定中心"),  # a city under a county
        (CenterKind.CITY, "changchun", "省职业技能鉴定中心"),  # a city under a city
        (CenterKind.COUNTY, "nongan", "地市级鉴定中心"),  # a county under a county
        (CenterKind.COUNTY, "province", "地市级鉴定中心"),  # a county directly under the province
        (CenterKind.EXPANDED_COUNTY, "gongzhuling", "地市级鉴定中心"),
        (CenterKind.AFFILIATED_UNIT, "changchun", "省职业技能鉴定中心"),
        (CenterKind.SCHOOL, "nongan", "省职业技能鉴定中心、地市级鉴定中心"),
    ],
)
def test_org1_create_center_refuses_wrong_parent_kind(centers, kind, parent, expected):
    """ORG-1: each kind of center has its own kind of parent; a city whose parent is a county (and
    the like) is refused with a Chinese message naming the allowed parent, nothing saved."""
    count = Center.objects.count()
    with pytest.raises(ValidationError) as exc_info:
        services.create_center(name="测试错误上级鉴定中心", kind=kind, parent=centers[parent])
    assert_chinese(" ".join(exc_info.value.message_dict["parent"]), "上级必须是", expected)
    assert Center.objects.count() == count
    assert not Center.objects.filter(name="测试错误上级鉴定中心").exists()


def test_org1_create_center_refuses_second_province(db):
    """ORG-1: there is one province center."""
    with pytest.raises(ValidationError) as exc_info:
        services.create_center(name="第二个省鉴定中心", kind=CenterKind.PROVINCE)
    assert_chinese(messages(exc_info), "只有一个省职业技能鉴定中心")
    assert Center.objects.filter(kind=CenterKind.PROVINCE).count() == 1


def test_org1_create_center_refuses_province_with_parent(centers):
    """ORG-1: the province center has no parent."""
    with pytest.raises(ValidationError) as exc_info:
        services.create_center(name="有上级的省中心", kind=CenterKind.PROVINCE, parent=centers["changchun"])
    assert_chinese(" ".join(exc_info.value.message_dict["parent"]), "没有上级机构")
    assert not Center.objects.filter(name="有上级的省中心").exists()


def test_exam9_create_center_refuses_sub_bank_outside_cities(centers):
    """EXAM-9: only a city center runs a sub-bank of the national question bank."""
    with pytest.raises(ValidationError) as exc_info:
        services.create_center(
            name="测试分库县鉴定中心",
            kind=CenterKind.COUNTY,
            parent=centers["changchun"],
            runs_question_sub_bank=True,
        )
    assert_chinese(messages(exc_info), "只有地市级鉴定中心")
    assert not Center.objects.filter(name="测试分库县鉴定中心").exists()


def test_org1_create_center_saves_valid_county(centers):
    """ORG-1: a county under its city is saved; an empty division code is stored as NULL."""
    center = services.create_center(
        name="测试新县职业技能鉴定中心", kind=CenterKind.COUNTY, parent=centers["siping"], division_code=""
    )
    center.refresh_from_db()
    assert center.parent == centers["siping"]
    assert center.division_code is None
    assert center.kind == CenterKind.COUNTY


# --- the database refuses what the services refuse (ORG-1, ORG-4, CAL-3) ----------------------------------


def test_org1_database_refuses_non_province_without_parent(db):
    """ORG-1: even bypassing the service, the database refuses a county with parent NULL."""
    with pytest.raises(IntegrityError), transaction.atomic():
        Center.objects.create(name="数据库无上级县", kind=CenterKind.COUNTY, parent=None)
    assert not Center.objects.filter(name="数据库无上级县").exists()  # the test database is still usable


def test_org1_database_refuses_province_with_parent(centers):
    """ORG-1: the database refuses a province center that has a parent (and a second province)."""
    with pytest.raises(IntegrityError), transaction.atomic():
        Center.objects.create(
            name="数据库有上级省中心", kind=CenterKind.PROVINCE, parent=centers["changchun"]
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Center.objects.create(name="数据库第二省中心", kind=CenterKind.PROVINCE, parent=None)
    assert Center.objects.filter(kind=CenterKind.PROVINCE).count() == 1


@pytest.mark.parametrize("level", [2, 1])
def test_org4_database_refuses_technician_grant(centers, level):
    """ORG-4: the database refuses an AuthorityGrant of level 2 or 1 to anyone."""
    with pytest.raises(IntegrityError), transaction.atomic():
        AuthorityGrant.objects.create(center=centers["gongzhuling"], level=level)
    assert {lv for lv, _d in grants_of(centers["gongzhuling"])} == {5, 4, 3}


def test_org5_database_refuses_duplicate_grant(centers):
    """ORG-5: one row per center and level."""
    with pytest.raises(IntegrityError), transaction.atomic():
        AuthorityGrant.objects.create(center=centers["gongzhuling"], level=5)
    assert AuthorityGrant.objects.filter(center=centers["gongzhuling"], level=5).count() == 1


def test_cal3_database_refuses_extension_over_2(centers):
    """CAL-3: the database refuses a registration extension of more than 2 working days."""
    with pytest.raises(IntegrityError), transaction.atomic():
        ScheduledAppraisalDay.objects.create(
            center=centers["yongji"], day=datetime.date(2017, 6, 10), registration_extension_days=3
        )
    assert not ScheduledAppraisalDay.objects.filter(
        center=centers["yongji"], day=datetime.date(2017, 6, 10)
    ).exists()


# --- schedule_appraisal_day (CAL-3, CAL-4) ------------------------------------------------------------------


def test_cal3_schedule_appraisal_day_saves_with_deadline(centers):
    """CAL-3: a day is scheduled and registration closes 10 working days before it (2017: the
    Dragon Boat holiday 5-28..5-30 off, Saturday 5-27 worked), extended by 0..2 working days."""
    day = datetime.date(2017, 6, 10)
    plain = services.schedule_appraisal_day(center=centers["yongji"], day=day, note="测试")
    assert plain.pk and plain.registration_extension_days == 0 and plain.note == "测试"
    assert plain.registration_deadline == datetime.date(2017, 5, 26)
    extended = services.schedule_appraisal_day(center=centers["yushu"], day=day, extension_days=2)
    extended.refresh_from_db()
    assert extended.registration_extension_days == 2
    assert extended.registration_deadline == datetime.date(2017, 5, 31)


@pytest.mark.parametrize("extension", [3, -1, "1", True, 1.5, None])
def test_cal3_schedule_appraisal_day_refuses_bad_extension(centers, extension):
    """CAL-3: a locality may extend by 1-2 working days only; anything else (or not an integer) is
    refused with a Chinese message, nothing saved."""
    count = ScheduledAppraisalDay.objects.count()
    with pytest.raises(ValidationError) as exc_info:
        services.schedule_appraisal_day(
            center=centers["yongji"], day=datetime.date(2017, 6, 10), extension_days=extension
        )
    assert_chinese(messages(exc_info), "0、1或2个工作日")
    assert ScheduledAppraisalDay.objects.count() == count


def test_cal4_schedule_appraisal_day_refuses_unknown_year(centers):
    """CAL-4: a year neither chinese-calendar nor the overrides know is refused, nothing saved."""
    assert not workdays.library_knows(2035)
    assert not WorkdayOverride.objects.filter(day__year=2035).exists()
    count = ScheduledAppraisalDay.objects.count()
    with pytest.raises(CalendarUnknown) as exc_info:
        services.schedule_appraisal_day(center=centers["yongji"], day=datetime.date(2035, 6, 16))
    assert isinstance(exc_info.value, ValidationError)
    assert_chinese(messages(exc_info), "2035年", "工作日历维护")
    assert ScheduledAppraisalDay.objects.count() == count


def test_cal4_schedule_appraisal_day_in_maintained_year(centers):
    """CAL-4: once staff maintain a year (one override), days in it can be scheduled."""
    services.set_workday_override(day=datetime.date(2035, 6, 8), is_working_day=False, name="测试假日")
    scheduled = services.schedule_appraisal_day(center=centers["yongji"], day=datetime.date(2035, 6, 16))
    # 2035-06-16 is a Saturday; ten Monday-to-Friday days back, skipping Friday 6-08 (the override): 6-01.
    assert scheduled.registration_deadline == datetime.date(2035, 6, 1)


def test_cal3_schedule_appraisal_day_refuses_affiliated_unit(centers):
    """CAL-3 + ORG-1: a 中省直单位 is not an appraisal center and has no scheduled days."""
    with pytest.raises(ValidationError) as exc_info:
        services.schedule_appraisal_day(center=centers["affiliated"], day=datetime.date(2017, 6, 10))
    assert_chinese(messages(exc_info), "中省直单位")
    assert not ScheduledAppraisalDay.objects.filter(center=centers["affiliated"]).exists()


def test_cal3_schedule_appraisal_day_refuses_duplicate(centers):
    """CAL-3: one scheduled day per center and date; the second attempt is refused, not duplicated."""
    existing = ScheduledAppraisalDay.objects.filter(center=centers["changchun"]).first()
    assert existing is not None
    with pytest.raises(ValidationError):
        services.schedule_appraisal_day(center=centers["changchun"], day=existing.day)
    assert ScheduledAppraisalDay.objects.filter(center=centers["changchun"], day=existing.day).count() == 1


# --- set_workday_override (CAL-4) --------------------------------------------------------------------------


def test_cal4_set_workday_override_upserts(db):
    """CAL-4: setting a day twice updates the one row for it."""
    day = datetime.date(2035, 10, 6)  # a Saturday
    first = services.set_workday_override(day=day, is_working_day=True, name="国庆节调休上班")
    assert WorkdayOverride.objects.filter(day=day).count() == 1
    assert workdays.is_working_day(day)
    second = services.set_workday_override(day=day, is_working_day=0, name="更正：休息")
    assert second.pk == first.pk
    row = WorkdayOverride.objects.get(day=day)
    assert row.is_working_day is False
    assert row.name == "更正：休息"
    assert WorkdayOverride.objects.filter(day=day).count() == 1
    assert not workdays.is_working_day(day)


def test_cal4_set_workday_override_corrects_known_year(db):
    """CAL-4: an override wins over chinese-calendar for a year the library knows."""
    day = datetime.date(2017, 6, 12)  # an ordinary Monday
    assert workdays.is_working_day(day)
    services.set_workday_override(day=day, is_working_day=False, name="更正")
    assert not workdays.is_working_day(day)

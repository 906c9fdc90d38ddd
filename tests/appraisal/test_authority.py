"""The authority engine (ORG-2..ORG-7, OCC-3, OCC-4, CAL-5, OTH-1): may center C appraise this
candidate for occupation O at level L, and why (not)."""

import datetime
import re
from types import SimpleNamespace

import pytest

from appraisal import authority
from appraisal.authority import Decision, appraising_centers, can_appraise, candidate_centers, explain_refusal
from appraisal.models import (
    AuthorityGrant,
    Center,
    CenterKind,
    Level,
    Occupation,
    OccupationCategory,
    OccupationLevel,
    OccupationStatus,
    SkillExamMode,
)

DAILY = "汽车维修工"  # a daily occupation offering levels 5..1
ON_DATE = datetime.date(2017, 6, 1)
LEVELS = (5, 4, 3, 2, 1)
CJK = re.compile(r"[\u4e00-\u9fff]")

NATIONAL_UNIFIED = ("企业人力资源管理师", "心理咨询师", "电子商务师", "职业指导人员", "企业培训师")  # OCC-1
PROVINCIAL_UNIFIED = (  # OCC-2
    "理财规划师",
    "劳动保障协理员",
    "会展策划师",
    "婚姻家庭咨询师",
    "秘书（涉外秘书）",
    "劳动关系协调员",
)
UNIFIED = NATIONAL_UNIFIED + PROVINCIAL_UNIFIED
CANCELLED_UNIFIED = ("物流师", "公共营养师", "商务策划师")  # CAL-5: cancelled by the State Council


def cand(region=None, school=None, employer_body=None, graduation_date=None):
    return SimpleNamespace(
        region=region, school=school, employer_body=employer_body, graduation_date=graduation_date
    )


def assert_chinese(reason, *fragments):
    assert isinstance(reason, str) and reason.strip(), "the reason must not be empty"
    assert CJK.search(reason), f"the reason must be Chinese: {reason!r}"
    for fragment in fragments:
        assert fragment in reason, f"{fragment!r} not in {reason!r}"


def short(level):
    return str(Level.short_label(level))


@pytest.fixture
def ungranted_expanded(centers):
    """An expanded-authority county whose grant has not been approved yet (no AuthorityGrant row)."""
    return Center.objects.create(
        name="测试扩权县职业技能鉴定中心", kind=CenterKind.EXPANDED_COUNTY, parent=centers["siping"]
    )


@pytest.fixture
def cancelled_daily(db):
    """A daily occupation cancelled when the national catalogue changed, not by the State Council."""

    def make(*, by_state_council=False, name="测试已取消职业"):
        occ = Occupation.objects.create(
            name=name,
            category=OccupationCategory.DAILY,
            status=OccupationStatus.CANCELLED,
            cancelled_on=datetime.date(2016, 12, 1),
            cancelled_by_state_council=by_state_council,
        )
        for level in (5, 4, 3):
            OccupationLevel.objects.create(
                occupation=occ,
                level=level,
                theory_minutes=60,
                skill_mode=SkillExamMode.PRACTICAL,
                skill_minutes=90,
            )
        return Occupation.objects.prefetch_related("levels").get(pk=occ.pk)

    return make


@pytest.fixture
def setting(centers, ungranted_expanded):
    """For each kind of center: the center and a candidate in its right region/school/employer."""
    future = datetime.date(2019, 7, 1)
    return {
        # ORG-4: the province's own 5-3 candidates are employees of 中省属单位.
        "province": (
            centers["province"],
            cand(region=centers["changchun"], employer_body=centers["affiliated"]),
        ),
        "province_ordinary": (centers["province"], cand(region=centers["nongan"])),
        "city": (centers["changchun"], cand(region=centers["changchun"])),
        "county": (centers["nongan"], cand(region=centers["nongan"])),
        "expanded_granted": (centers["gongzhuling"], cand(region=centers["gongzhuling"])),
        "expanded_ungranted": (ungranted_expanded, cand(region=ungranted_expanded)),
        "school": (
            centers["school"],
            cand(region=centers["changchun"], school=centers["school"], graduation_date=future),
        ),
        "enterprise": (
            centers["enterprise"],
            cand(region=centers["changchun"], employer_body=centers["enterprise"]),
        ),
        "affiliated": (
            centers["affiliated"],
            cand(region=centers["changchun"], employer_body=centers["affiliated"]),
        ),
    }


TECHNICIAN_REFUSED = (False, "ORG-4", ("技师、高级技师", "省职业技能鉴定中心"))


def _row(basic, technician=TECHNICIAN_REFUSED):
    """`basic` for levels 5, 4, 3 (a dict per level or one value), `technician` for 2 and 1."""
    if not isinstance(basic, dict):
        basic = {5: basic, 4: basic, 3: basic}
    return {**basic, 2: technician, 1: technician}


# (allowed, rule, fragments the reason must contain; "{level}" is the level's short name)
MATRIX = {
    "province": _row(
        (True, "ORG-4", ("中省属单位", "吉林油田分公司", "{level}")),
        technician=(True, "ORG-4", ("技师、高级技师", "省职业技能鉴定中心")),
    ),
    "province_ordinary": _row(
        (False, "ORG-4", ("中省属单位", "{level}", "农安县")),
        technician=(True, "ORG-4", ("技师、高级技师", "省职业技能鉴定中心")),
    ),
    "city": _row(
        {
            5: (True, "ORG-3", ("长春市", "初级工、中级工")),
            4: (True, "ORG-3", ("长春市", "初级工、中级工")),
            3: (True, "ORG-3", ("长春市", "高级工")),
        }
    ),
    "county": _row(
        {
            5: (True, "ORG-2", ("农安县", "初级工、中级工")),
            4: (True, "ORG-2", ("农安县", "初级工、中级工")),
            3: (False, "ORG-2", ("县级鉴定中心", "高级工", "地市级鉴定中心")),
        }
    ),
    "expanded_granted": _row((True, "ORG-5", ("公主岭市", "扩权县"))),
    "expanded_ungranted": _row((False, "ORG-5", ("测试扩权县", "未获批{level}", "已批准：无"))),
    "school": _row((True, "ORG-7", ("长春职业技术学院", "本校学生"))),
    "enterprise": _row((True, "ORG-7", ("一汽集团", "企业职工"))),
    "affiliated": _row(
        (False, "ORG-1", ("吉林油田分公司", "不是鉴定机构")),
        technician=(False, "ORG-1", ("吉林油田分公司", "不是鉴定机构")),
    ),
}
MATRIX_CASES = [(kind, level) for kind in MATRIX for level in LEVELS]


@pytest.mark.parametrize(("kind", "level"), MATRIX_CASES, ids=[f"{k}-L{lv}" for k, lv in MATRIX_CASES])
def test_org2_to_org7_matrix_daily_occupation(setting, occupation, kind, level):
    """ORG-2 (county), ORG-3 (city), ORG-4 (province, technicians), ORG-5 (expanded county with and
    without grant), ORG-7 (school, enterprise) and ORG-1 (an affiliated unit is no appraisal center):
    every kind of center at every level for a daily occupation and its own candidate."""
    center, candidate = setting[kind]
    allowed, rule, fragments = MATRIX[kind][level]
    decision = can_appraise(center, candidate, occupation(DAILY), level, on_date=ON_DATE)
    assert isinstance(decision, Decision)
    assert decision.allowed is allowed
    assert bool(decision) is allowed
    assert decision.rule == rule
    assert_chinese(decision.reason, *(f.format(level=short(level)) for f in fragments))


def test_org8_decision_is_truthy_only_when_allowed():
    """ORG-8: the engine's answer carries the reason either way and is truthy only when allowed."""
    assert Decision(True, "可以", "ORG-2")
    assert not Decision(False, "不可以", "ORG-2")


def test_org8_level_may_be_given_as_text(setting, occupation):
    """ORG-8: a level from a form ("5") is the same level as 5."""
    center, candidate = setting["county"]
    assert can_appraise(center, candidate, occupation(DAILY), "5", on_date=ON_DATE).allowed
    assert not can_appraise(center, candidate, occupation(DAILY), "3", on_date=ON_DATE).allowed


# --- ORG-2: county ------------------------------------------------------------------------------


@pytest.mark.parametrize("level", [5, 4])
def test_org2_county_refuses_candidate_of_another_county(centers, occupation, level):
    """ORG-2: a county center appraises its own county only."""
    decision = can_appraise(centers["nongan"], cand(region=centers["yushu"]), occupation(DAILY), level)
    assert not decision
    assert decision.rule == "ORG-2"
    assert_chinese(decision.reason, "农安县", "榆树市")


def test_org2_county_refuses_city_proper_and_regionless_candidates(centers, occupation):
    """ORG-2: neither its own city's city proper nor a candidate without a region is the county's."""
    for candidate in (cand(region=centers["changchun"]), cand()):
        decision = can_appraise(centers["nongan"], candidate, occupation(DAILY), 5)
        assert not decision
        assert decision.rule == "ORG-2"
        assert_chinese(decision.reason, "只负责本县")


def test_org2_county_cannot_do_level3(centers, occupation):
    """ORG-2: level 3 is the city's, even for the county's own candidate."""
    decision = can_appraise(centers["nongan"], cand(region=centers["nongan"]), occupation(DAILY), 3)
    assert not decision
    assert_chinese(decision.reason, "地市级鉴定中心")


# --- ORG-3: city --------------------------------------------------------------------------------


@pytest.mark.parametrize("level", [5, 4])
def test_org3_city_levels_5_4_only_for_city_proper(centers, occupation, level):
    """ORG-3: levels 5 and 4 for the city proper only, not for its counties or expanded counties."""
    occ = occupation(DAILY)
    assert can_appraise(centers["changchun"], cand(region=centers["changchun"]), occ, level)
    for region, name in ((centers["nongan"], "农安县"), (centers["yushu"], "榆树市")):
        decision = can_appraise(centers["changchun"], cand(region=region), occ, level)
        assert not decision
        assert decision.rule == "ORG-3"
        assert_chinese(decision.reason, "本级（市区）", name, "县级鉴定中心")
    decision = can_appraise(centers["siping"], cand(region=centers["gongzhuling"]), occ, level)
    assert not decision
    assert decision.rule == "ORG-3"


@pytest.mark.parametrize("level", [5, 4])
def test_org3_city_refuses_another_city_proper_at_levels_5_4(centers, occupation, level):
    """ORG-3: a candidate of another city proper belongs to that city's center, not to a county's."""
    decision = can_appraise(
        centers["changchun"], cand(region=centers["jilin_city"]), occupation(DAILY), level
    )
    assert not decision
    assert decision.rule == "ORG-3"
    assert_chinese(decision.reason, "吉林市")
    assert "县级" not in decision.reason


@pytest.mark.parametrize(
    ("city", "region"),
    [
        ("changchun", "changchun"),  # city proper
        ("changchun", "nongan"),  # county
        ("changchun", "yushu"),  # county-level city
        ("siping", "gongzhuling"),  # expanded county
        ("jilin_city", "yongji"),
        ("changbaishan", "changbaishan"),  # 长白山管委会 is addressed as a city
    ],
)
def test_org3_city_level3_for_whole_region(centers, occupation, city, region):
    """ORG-3: level 3 for the whole region, counties and expanded counties included."""
    decision = can_appraise(centers[city], cand(region=centers[region]), occupation(DAILY), 3)
    assert decision
    assert decision.rule == "ORG-3"
    assert_chinese(decision.reason, "高级工")


@pytest.mark.parametrize("region", ["yongji", "jilin_city", "gongzhuling", "meihekou"])
def test_org3_city_refuses_level3_outside_its_region(centers, occupation, region):
    """ORG-3: another city's county (or city proper) is not the 长春 center's region."""
    decision = can_appraise(centers["changchun"], cand(region=centers[region]), occupation(DAILY), 3)
    assert not decision
    assert decision.rule == "ORG-3"
    assert_chinese(decision.reason, "长春市", "本地区", centers[region].name)


def test_org3_city_refuses_regionless_candidate(centers, occupation):
    """ORG-3: without a region nobody is in the city's region."""
    for level in (5, 4, 3):
        decision = can_appraise(centers["changchun"], cand(), occupation(DAILY), level)
        assert not decision
        assert_chinese(decision.reason, "未填写")


# --- ORG-4: province --------------------------------------------------------------------------------


@pytest.mark.parametrize("level", [2, 1])
@pytest.mark.parametrize(
    "who", ["nongan", "changchun", "gongzhuling", "yongji", "student", "employee", "none"]
)
def test_org4_province_levels_2_1_for_anyone(centers, occupation, level, who):
    """ORG-4: technicians and senior technicians of the whole province go to the province center."""
    candidate = {
        "student": cand(region=centers["changchun"], school=centers["school"]),
        "employee": cand(region=centers["changchun"], employer_body=centers["enterprise"]),
        "none": cand(),
    }.get(who) or cand(region=centers[who])
    decision = can_appraise(centers["province"], candidate, occupation(DAILY), level)
    assert decision
    assert decision.rule == "ORG-4"
    assert_chinese(decision.reason, "技师、高级技师")


@pytest.mark.parametrize("level", [5, 4, 3])
def test_org4_province_levels_5_to_3_only_for_affiliated_units(centers, occupation, level):
    """ORG-4: 5-3 at the province only for employees of 中省属单位; others go to their region."""
    occ = occupation(DAILY)
    employee = cand(region=centers["nongan"], employer_body=centers["affiliated"])
    decision = can_appraise(centers["province"], employee, occ, level)
    assert decision
    assert_chinese(decision.reason, "吉林油田分公司")
    for candidate in (
        cand(region=centers["nongan"]),
        cand(region=centers["changchun"]),
        cand(region=centers["changchun"], employer_body=centers["enterprise"]),  # an enterprise is not 中省属
        cand(region=centers["changchun"], school=centers["school"]),
    ):
        decision = can_appraise(centers["province"], candidate, occ, level)
        assert not decision
        assert decision.rule == "ORG-4"
        assert_chinese(decision.reason, "中省属单位", candidate.region.name)


@pytest.mark.parametrize(
    ("center", "levels"),
    [("changchun", (5, 4, 3)), ("nongan", (5, 4)), ("gongzhuling", (5, 4, 3))],
)
def test_org4_regional_centers_refuse_affiliated_unit_employees(centers, occupation, center, levels):
    """ORG-4: a 中省属单位 employee's 5-3 is the province's, even inside a regional center's area."""
    employee = cand(region=centers[center], employer_body=centers["affiliated"])
    for level in levels:
        decision = can_appraise(centers[center], employee, occupation(DAILY), level)
        assert not decision
        assert decision.rule == "ORG-4"
        assert_chinese(decision.reason, "中省属单位", "吉林油田分公司", "省职业技能鉴定中心")
    assert [c for c, _d in appraising_centers(employee, occupation(DAILY), levels[-1])] == [
        centers["province"]
    ]


@pytest.mark.parametrize(
    "center", ["changchun", "nongan", "gongzhuling", "school", "enterprise", "affiliated"]
)
@pytest.mark.parametrize("level", [2, 1])
def test_org4_only_province_does_technician_levels(setting, centers, occupation, center, level):
    """ORG-4: no other center may appraise levels 2 and 1, whatever its own candidate."""
    key = {"changchun": "city", "nongan": "county", "gongzhuling": "expanded_granted"}.get(center, center)
    body, candidate = setting[key]
    assert not can_appraise(body, candidate, occupation(DAILY), level)
    assert [c for c, _d in appraising_centers(candidate, occupation(DAILY), level)] == [centers["province"]]


# --- ORG-5: expanded county ---------------------------------------------------------------------------


def _regrant(center, levels):
    AuthorityGrant.objects.filter(center=center).delete()
    for level in levels:
        AuthorityGrant.objects.create(center=center, level=level)
    return Center.objects.get(pk=center.pk)  # no cached grants


def test_org5_expanded_county_with_grant_5_to_3_allows_level3(centers, occupation):
    """ORG-5: 公主岭 is granted 5, 4, 3 (demo); level 3 for its own candidate is allowed."""
    assert {g.level for g in centers["gongzhuling"].grants.all()} == {5, 4, 3}
    decision = can_appraise(centers["gongzhuling"], cand(region=centers["gongzhuling"]), occupation(DAILY), 3)
    assert decision
    assert decision.rule == "ORG-5"


def test_org5_expanded_county_grant_5_4_refuses_level3(centers, occupation):
    """ORG-5: exactly the grant: without level 3, level 3 is refused and the city does it (ORG-3)."""
    meihekou = _regrant(centers["meihekou"], (5, 4))
    candidate = cand(region=meihekou)
    occ = occupation(DAILY)
    decision = can_appraise(meihekou, candidate, occ, 3)
    assert not decision
    assert decision.rule == "ORG-5"
    assert_chinese(decision.reason, "梅河口市", "未获批高级工", "已批准：初级工、中级工")
    assert can_appraise(meihekou, candidate, occ, 5)
    assert can_appraise(meihekou, candidate, occ, 4)
    city = Center.objects.get(division_code="220500")  # 通化市
    assert [c for c, _d in appraising_centers(candidate, occ, 3)] == [city]


def test_org5_expanded_county_grant_only_level3_refuses_5_and_4(centers, occupation):
    """ORG-5: a grant of level 3 alone gives level 3 and nothing else."""
    meihekou = _regrant(centers["meihekou"], (3,))
    candidate = cand(region=meihekou)
    occ = occupation(DAILY)
    assert can_appraise(meihekou, candidate, occ, 3)
    for level in (5, 4):
        decision = can_appraise(meihekou, candidate, occ, level)
        assert not decision
        assert_chinese(decision.reason, f"未获批{short(level)}", "已批准：高级工")


def test_org5_expanded_county_without_grant_refuses_all(ungranted_expanded, occupation):
    """ORG-5: an expanded county with no approved grant may appraise nothing."""
    candidate = cand(region=ungranted_expanded)
    for level in LEVELS:
        decision = can_appraise(ungranted_expanded, candidate, occupation(DAILY), level)
        assert not decision


@pytest.mark.parametrize("level", [5, 4, 3])
def test_org5_expanded_county_only_its_own_county(centers, occupation, level):
    """ORG-5: the grant is for the expanded county's own candidates."""
    for region in ("nongan", "siping", "meihekou"):
        decision = can_appraise(
            centers["gongzhuling"], cand(region=centers[region]), occupation(DAILY), level
        )
        assert not decision
        assert decision.rule == "ORG-5"
        assert_chinese(decision.reason, "公主岭市", centers[region].name)


def test_org5_grant_of_another_center_does_not_count(centers, occupation, ungranted_expanded):
    """ORG-5: grants are per center; 公主岭's grant gives the ungranted county nothing."""
    assert not AuthorityGrant.objects.filter(center=ungranted_expanded).exists()
    assert not can_appraise(ungranted_expanded, cand(region=ungranted_expanded), occupation(DAILY), 5)


# --- ORG-6: unified occupations ----------------------------------------------------------------------


def test_occ1_occ2_demo_unified_occupations(db):
    """OCC-1/OCC-2: the demo catalogue holds exactly the notice's 5 national and 6 provincial ones."""
    active = Occupation.objects.filter(status=OccupationStatus.ACTIVE)
    assert set(
        active.filter(category=OccupationCategory.NATIONAL_UNIFIED).values_list("name", flat=True)
    ) == set(NATIONAL_UNIFIED)
    assert set(
        active.filter(category=OccupationCategory.PROVINCIAL_UNIFIED).values_list("name", flat=True)
    ) == set(PROVINCIAL_UNIFIED)


@pytest.mark.parametrize("name", UNIFIED)
def test_org6_unified_occupation_province_only_whatever_level(setting, centers, occupation, name):
    """ORG-6: a unified occupation is organised by the province center only, at every level it
    offers, for any candidate; every other kind of center refuses even its own candidate."""
    occ = occupation(name)
    offered = sorted({ol.level for ol in occ.levels.all()}, reverse=True)
    assert offered
    for level in offered:
        for who in ("province_ordinary", "province"):
            decision = can_appraise(centers["province"], setting[who][1], occ, level)
            assert decision
            assert decision.rule == "ORG-6"
        for kind in (
            "city",
            "county",
            "expanded_granted",
            "expanded_ungranted",
            "school",
            "enterprise",
            "affiliated",
        ):
            center, candidate = setting[kind]
            decision = can_appraise(center, candidate, occ, level, on_date=ON_DATE)
            assert not decision, f"{center} must not appraise {name} level {level}"
            assert decision.rule == "ORG-6"
            assert_chinese(decision.reason, name, "只能由省职业技能鉴定中心")
        assert [c for c, _d in appraising_centers(setting["county"][1], occ, level)] == [centers["province"]]


# --- ORG-7: school and enterprise bodies ---------------------------------------------------------------


@pytest.fixture
def other_school(centers):
    school = Center.objects.create(
        name="测试职业学院鉴定所", kind=CenterKind.SCHOOL, parent=centers["changchun"]
    )
    for level in (5, 4, 3):
        AuthorityGrant.objects.create(center=school, level=level)
    return school


@pytest.mark.parametrize("level", [5, 4, 3])
def test_org7_school_only_its_own_students(centers, other_school, occupation, level):
    """ORG-7: a school body accepts only its own students."""
    occ = occupation(DAILY)
    school = centers["school"]
    assert can_appraise(school, cand(school=school), occ, level)
    for candidate in (
        cand(region=centers["changchun"]),  # not a student
        cand(region=centers["changchun"], school=other_school),  # another school's student
        cand(region=centers["changchun"], employer_body=centers["enterprise"]),
    ):
        decision = can_appraise(school, candidate, occ, level)
        assert not decision
        assert decision.rule == "ORG-7"
        assert_chinese(decision.reason, "长春职业技术学院", "本校学生")


@pytest.mark.parametrize("level", [5, 4, 3])
def test_org7_enterprise_only_its_own_employees(centers, occupation, level):
    """ORG-7: an industry/enterprise body accepts only its own employees."""
    occ = occupation(DAILY)
    enterprise = centers["enterprise"]
    other = Center.objects.create(
        name="测试企业鉴定站", kind=CenterKind.ENTERPRISE, parent=centers["province"]
    )
    assert can_appraise(enterprise, cand(employer_body=enterprise), occ, level)
    for candidate in (
        cand(region=centers["changchun"]),
        cand(region=centers["changchun"], employer_body=other),
        cand(region=centers["changchun"], employer_body=centers["affiliated"]),
        cand(region=centers["changchun"], school=centers["school"]),
    ):
        decision = can_appraise(enterprise, candidate, occ, level)
        assert not decision
        assert decision.rule == "ORG-7"
        assert_chinese(decision.reason, "一汽集团", "企业职工")


def test_org7_school_and_enterprise_within_their_grant(centers, occupation):
    """ORG-7: a school or enterprise body appraises only the levels approved for it."""
    occ = occupation(DAILY)
    school = _regrant(centers["school"], (5, 4))
    decision = can_appraise(school, cand(school=school), occ, 3)
    assert not decision
    assert decision.rule == "ORG-7"
    assert_chinese(decision.reason, "未获批高级工", "已批准：初级工、中级工")
    enterprise = _regrant(centers["enterprise"], (4,))
    assert can_appraise(enterprise, cand(employer_body=enterprise), occ, 4)
    decision = can_appraise(enterprise, cand(employer_body=enterprise), occ, 5)
    assert not decision
    assert_chinese(decision.reason, "未获批初级工", "已批准：中级工")


# --- OCC-3, OCC-4, CAL-5, OTH-1, inactive centers ----------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "level"),
    [("育婴员", 2), ("育婴员", 1), ("计算机操作员", 2), ("健康管理师", 5), ("心理咨询师", 1)],
)
def test_occ3_level_not_offered_is_refused_everywhere(setting, occupation, name, level):
    """OCC-3: a level the occupation does not offer is refused by every center, the province too."""
    occ = occupation(name)
    assert level not in {ol.level for ol in occ.levels.all()}
    for kind in (
        "province",
        "province_ordinary",
        "city",
        "county",
        "expanded_granted",
        "school",
        "enterprise",
    ):
        center, candidate = setting[kind]
        decision = can_appraise(center, candidate, occ, level, on_date=ON_DATE)
        assert not decision
        assert decision.rule == "OCC-3"
        assert_chinese(decision.reason, name, f"不设{short(level)}")
    candidate = setting["county"][1]
    assert appraising_centers(candidate, occ, level) == []
    assert_chinese(explain_refusal(candidate, occ, level), name, "不设")


@pytest.mark.parametrize("kind", ["province", "city", "county", "expanded_granted", "school", "enterprise"])
def test_occ4_cancelled_occupation_refused(setting, cancelled_daily, kind):
    """OCC-4: a cancelled occupation takes no new application, at any center and level."""
    occ = cancelled_daily()
    center, candidate = setting[kind]
    center.dual_certificate_school = False  # OTH-1 aside
    for level in (5, 4, 3):
        decision = can_appraise(center, candidate, occ, level, on_date=ON_DATE)
        assert not decision
        assert decision.rule == "OCC-4"
        assert_chinese(decision.reason, "测试已取消职业", "2016-12-01", "取消")


@pytest.mark.parametrize("name", CANCELLED_UNIFIED)
def test_occ4_cancelled_unified_occupation_refused_without_retake(setting, occupation, name):
    """OCC-4: 物流师, 公共营养师, 商务策划师 are cancelled: no ordinary application, not even at the province."""
    occ = occupation(name)
    assert occ.is_cancelled and occ.is_unified and occ.cancelled_by_state_council
    for level in sorted({ol.level for ol in occ.levels.all()}):
        for kind in ("province", "province_ordinary", "city", "county"):
            center, candidate = setting[kind]
            decision = can_appraise(center, candidate, occ, level, on_date=ON_DATE)
            assert not decision
            assert decision.rule == "OCC-4"
            assert_chinese(decision.reason, name, "已于2016-12-01取消")


@pytest.mark.parametrize("name", CANCELLED_UNIFIED)
def test_cal5_unified_retake_province_only(setting, centers, occupation, name):
    """CAL-5 + ORG-6: the one retake of a unified occupation cancelled by the State Council is the
    province center's, at every level, and no other center's."""
    occ = occupation(name)
    for level in sorted({ol.level for ol in occ.levels.all()}):
        decision = can_appraise(centers["province"], setting["county"][1], occ, level, retake=True)
        assert decision
        assert decision.rule == "ORG-6"
        for kind in ("city", "county", "expanded_granted", "school", "enterprise"):
            center, candidate = setting[kind]
            decision = can_appraise(center, candidate, occ, level, retake=True, on_date=ON_DATE)
            assert not decision
            assert decision.rule == "ORG-6"
        assert [c for c, _d in appraising_centers(setting["county"][1], occ, level, retake=True)] == [
            centers["province"]
        ]


def test_cal5_daily_retake_follows_the_ordinary_rules(centers, cancelled_daily):
    """CAL-5: a daily occupation cancelled by the State Council is retaken where it would have been
    appraised: the county for 5/4, the city for 3; not at the province for an ordinary candidate."""
    occ = cancelled_daily(by_state_council=True)
    candidate = cand(region=centers["nongan"])
    assert not can_appraise(centers["nongan"], candidate, occ, 5)  # without the retake flag: OCC-4
    assert can_appraise(centers["nongan"], candidate, occ, 5, retake=True)
    assert not can_appraise(centers["province"], candidate, occ, 5, retake=True)
    assert [c for c, _d in appraising_centers(candidate, occ, 4, retake=True)] == [centers["nongan"]]
    assert [c for c, _d in appraising_centers(candidate, occ, 3, retake=True)] == [centers["changchun"]]


def test_cal5_retake_refused_when_not_cancelled_by_state_council(setting, cancelled_daily):
    """CAL-5: the retake exception applies only to occupations the State Council cancelled."""
    occ = cancelled_daily(by_state_council=False)
    for kind in ("county", "city", "province"):
        center, candidate = setting[kind]
        decision = can_appraise(center, candidate, occ, 5, retake=True)
        assert not decision
        assert decision.rule == "CAL-5"
        assert_chinese(decision.reason, "测试已取消职业", "不是国务院取消的职业")


@pytest.fixture
def student(centers):
    return cand(
        region=centers["changchun"], school=centers["school"], graduation_date=datetime.date(2017, 7, 1)
    )


def test_oth1_dual_certificate_school_before_graduation(centers, cancelled_daily, student):
    """OTH-1: a dual-certificate school keeps appraising its own students in a cancelled occupation
    before they graduate; nobody else does (OCC-4)."""
    occ = cancelled_daily()
    assert centers["school"].dual_certificate_school
    for level in (5, 4, 3):
        decision = can_appraise(centers["school"], student, occ, level, on_date=datetime.date(2017, 6, 30))
        assert decision
        assert decision.rule == "ORG-7"
    found = appraising_centers(student, occ, 5, on_date=datetime.date(2017, 6, 30))
    assert [c for c, _d in found] == [centers["school"]]
    decision = can_appraise(centers["changchun"], student, occ, 5, on_date=datetime.date(2017, 6, 30))
    assert not decision
    assert decision.rule == "OCC-4"


@pytest.mark.parametrize(
    "on_date", [datetime.date(2017, 7, 1), datetime.date(2017, 7, 2), datetime.date(2018, 1, 1)]
)
def test_oth1_refused_after_graduation(centers, cancelled_daily, student, on_date):
    """OTH-1: from the graduation day on, the dual-certificate exception no longer applies."""
    occ = cancelled_daily()
    decision = can_appraise(centers["school"], student, occ, 5, on_date=on_date)
    assert not decision
    assert decision.rule == "OTH-1"
    assert_chinese(decision.reason, "测试已取消职业", "双证书", "毕业", "2017-07-01")
    assert appraising_centers(student, occ, 5, on_date=on_date) == []
    assert_chinese(explain_refusal(student, occ, 5, on_date=on_date), "毕业", "2017-07-01")


def test_oth1_only_dual_certificate_schools_and_own_students(centers, cancelled_daily, student, other_school):
    """OTH-1: neither a school without dual certificates nor another school's student gets the exception."""
    occ = cancelled_daily()
    before = datetime.date(2017, 6, 1)
    other_student = cand(
        region=centers["changchun"], school=other_school, graduation_date=datetime.date(2017, 7, 1)
    )
    decision = can_appraise(centers["school"], other_student, occ, 5, on_date=before)
    assert not decision
    assert decision.rule == "OCC-4"
    assert not other_school.dual_certificate_school
    decision = can_appraise(other_school, other_student, occ, 5, on_date=before)
    assert not decision
    assert decision.rule == "OCC-4"


def test_oth1_dual_certificate_does_not_open_unified_occupations(centers, occupation, student):
    """OTH-1 + ORG-6: even before graduation a school cannot run a (cancelled) unified occupation."""
    decision = can_appraise(
        centers["school"], student, occupation("物流师"), 4, on_date=datetime.date(2017, 6, 1)
    )
    assert not decision
    assert decision.rule == "ORG-6"


def test_org1_inactive_center_refuses(centers, occupation):
    """ORG-1: a center that has been deactivated appraises nothing."""
    county = centers["nongan"]
    county.is_active = False
    decision = can_appraise(county, cand(region=county), occupation(DAILY), 5)
    assert not decision
    assert_chinese(decision.reason, "农安县", "停用")


# --- appraising_centers / candidate_centers / explain_refusal (ORG-8) -----------------------------------------


def test_org8_candidate_centers_nearest_first(centers, demo_user, student):
    """ORG-8: the centers that could be responsible for a candidate, nearest first, province last."""
    assert candidate_centers(demo_user("candidate")) == [
        centers["nongan"],
        centers["changchun"],
        centers["province"],
    ]
    assert candidate_centers(student) == [centers["school"], centers["changchun"], centers["province"]]
    employee = cand(region=centers["gongzhuling"], employer_body=centers["affiliated"])
    assert candidate_centers(employee) == [
        centers["affiliated"],
        centers["gongzhuling"],
        centers["siping"],
        centers["province"],
    ]
    assert candidate_centers(cand(region=centers["changchun"])) == [centers["changchun"], centers["province"]]
    assert candidate_centers(cand()) == [centers["province"]]


@pytest.mark.parametrize(
    ("name", "level", "expected"),
    [
        (DAILY, 5, "nongan"),
        (DAILY, 4, "nongan"),
        (DAILY, 3, "changchun"),
        (DAILY, 2, "province"),
        (DAILY, 1, "province"),
        ("企业人力资源管理师", 4, "province"),
        ("秘书（涉外秘书）", 5, "province"),
    ],
)
def test_org8_appraising_centers_for_demo_candidate(centers, demo_user, occupation, name, level, expected):
    """ORG-2/3/4/6 through one engine (ORG-8): exactly one responsible center for the demo candidate of 农安."""
    found = appraising_centers(demo_user("candidate"), occupation(name), level)
    assert [c for c, _d in found] == [centers[expected]]
    [(_center, decision)] = found
    assert decision.allowed
    assert_chinese(decision.reason)


def test_org8_appraising_centers_student_and_employee(centers, occupation):
    """ORG-7 + ORG-3: a student may go to the school or (by region) the city; an enterprise employee
    to the enterprise or the city; the city proper's 5/4 stays with the city."""
    occ = occupation(DAILY)
    student = cand(
        region=centers["changchun"], school=centers["school"], graduation_date=datetime.date(2019, 7, 1)
    )
    assert [c for c, _d in appraising_centers(student, occ, 5)] == [centers["school"], centers["changchun"]]
    employee = cand(region=centers["nongan"], employer_body=centers["enterprise"])
    assert [c for c, _d in appraising_centers(employee, occ, 5)] == [centers["enterprise"], centers["nongan"]]
    assert [c for c, _d in appraising_centers(employee, occ, 3)] == [
        centers["enterprise"],
        centers["changchun"],
    ]


def test_org8_explain_refusal_nearest_center_reason(centers, occupation, ungranted_expanded):
    """ORG-8: when nobody may appraise, the candidate is told the nearest center's reason."""
    candidate = cand(region=ungranted_expanded)
    assert appraising_centers(candidate, occupation(DAILY), 5) == []
    assert_chinese(explain_refusal(candidate, occupation(DAILY), 5), "测试扩权县", "未获批初级工")
    assert_chinese(explain_refusal(cand(region=centers["nongan"]), occupation("物流师"), 4), "物流师", "取消")


def test_org8_explain_refusal_without_any_center(monkeypatch, occupation):
    """ORG-8: without any candidate center the message asks for the region."""
    monkeypatch.setattr(authority.rules, "candidate_centers", lambda candidate: [])
    assert_chinese(explain_refusal(cand(), occupation(DAILY), 5), "所在地区")

"""ORG-8: every list a user sees is scoped by the authority engine: a county sees its county, a city
its region, the province everything."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser

from appraisal.authority import can_see_center, scope_queryset, sees_everything, visible_centers
from appraisal.models import Center, CenterKind, Role, ScheduledAppraisalDay, User

DEMO_CENTER_COUNT = (
    53  # 1 province, 9 cities + 长白山, 39 counties, 1 school, 1 enterprise, 1 affiliated unit
)


@pytest.fixture
def make_staff(db):
    def make(username, center, role=Role.CENTER_STAFF):
        User.objects.create_user(username=username, password="x", role=role, center=center)
        return User.objects.select_related("center").get(username=username)

    return make


@pytest.fixture
def changchun_region(centers):
    """长春's region in the demo: itself, its 3 counties and the school body under it."""
    return {
        centers["changchun"],
        centers["nongan"],
        centers["yushu"],
        Center.objects.get(division_code="220183"),  # 德惠市
        centers["school"],
    }


def _days_of(centers_):
    return set(ScheduledAppraisalDay.objects.filter(center__in=centers_).values_list("pk", flat=True))


def _pks(queryset):
    return set(queryset.values_list("pk", flat=True))


def test_org8_demo_has_53_centers(db):
    """ORG-1/ORG-8: the demo hierarchy the scoping tests rely on."""
    assert Center.objects.count() == DEMO_CENTER_COUNT


def test_org8_province_admin_sees_everything(demo_user, centers):
    """ORG-8: the province sees everything: all 53 demo centers and every scheduled day."""
    admin = demo_user("province_admin")
    assert sees_everything(admin)
    assert visible_centers(admin).count() == DEMO_CENTER_COUNT
    assert _pks(scope_queryset(admin, ScheduledAppraisalDay.objects.all())) == _pks(
        ScheduledAppraisalDay.objects.all()
    )
    for key in (
        "province",
        "changchun",
        "nongan",
        "jilin_city",
        "yongji",
        "school",
        "enterprise",
        "affiliated",
    ):
        assert can_see_center(admin, centers[key])


def test_org8_province_admin_role_without_superuser_sees_everything(make_staff, centers):
    """ORG-8: the province-admin role itself (not Django's superuser flag) gives the province's scope."""
    admin = make_staff("province_admin_2", centers["province"], role=Role.PROVINCE_ADMIN)
    assert not admin.is_superuser
    assert sees_everything(admin)
    assert visible_centers(admin).count() == DEMO_CENTER_COUNT


@pytest.mark.parametrize("role", [Role.CENTER_STAFF, Role.EXAMINER, Role.HR_OFFICIAL])
def test_org8_province_center_staff_sees_everything(make_staff, centers, role):
    """ORG-8: anyone working at the province center has the province's scope."""
    user = make_staff(f"province_{role}", centers["province"], role=role)
    assert sees_everything(user)
    assert visible_centers(user).count() == DEMO_CENTER_COUNT
    assert (
        scope_queryset(user, ScheduledAppraisalDay.objects.all()).count()
        == ScheduledAppraisalDay.objects.count()
    )
    assert can_see_center(user, centers["meihekou"])


@pytest.mark.parametrize("username", ["staff_changchun", "examiner", "hr_official"])
def test_org8_city_staff_sees_its_region(demo_user, centers, changchun_region, username):
    """ORG-8: a city sees its region: itself, its counties and the school body under it; not
    another city or that city's counties, not the province, not bodies under the province."""
    user = demo_user(username)
    assert user.center == centers["changchun"]
    assert not sees_everything(user)
    assert set(visible_centers(user)) == changchun_region
    for center in changchun_region:
        assert can_see_center(user, center)
    for key in ("jilin_city", "yongji", "siping", "gongzhuling", "province", "enterprise", "affiliated"):
        assert not can_see_center(user, centers[key])


def test_org8_city_staff_scope_queryset(demo_user, centers, changchun_region):
    """ORG-8: scope_queryset keeps exactly the rows of the centers in the city's region."""
    user = demo_user("staff_changchun")
    school_day = ScheduledAppraisalDay.objects.create(
        center=centers["school"], day=datetime.date(2017, 6, 10)
    )
    jilin_day = ScheduledAppraisalDay.objects.create(center=centers["yongji"], day=datetime.date(2017, 6, 10))
    scoped = _pks(scope_queryset(user, ScheduledAppraisalDay.objects.all()))
    assert scoped == _days_of(changchun_region)
    assert school_day.pk in scoped
    assert jilin_day.pk not in scoped
    assert not scoped & _days_of([centers["jilin_city"], centers["yongji"], centers["province"]])
    # Every one of the city's counties has its own days in the demo, and they are all in scope.
    for key in ("nongan", "yushu"):
        assert _days_of([centers[key]]) and _days_of([centers[key]]) <= scoped


def test_org8_city_scope_includes_expanded_county(make_staff, centers):
    """ORG-8 (and STAT-1): a city's region includes its expanded counties (四平 → 公主岭)."""
    user = make_staff("staff_siping", centers["siping"])
    visible = set(visible_centers(user))
    assert centers["gongzhuling"] in visible
    assert centers["siping"] in visible
    assert centers["changchun"] not in visible
    assert can_see_center(user, centers["gongzhuling"])
    assert _days_of([centers["gongzhuling"]]) <= _pks(
        scope_queryset(user, ScheduledAppraisalDay.objects.all())
    )


@pytest.mark.parametrize(
    ("username", "key"), [("staff_nongan", "nongan"), ("staff_gongzhuling", "gongzhuling")]
)
def test_org8_county_staff_sees_only_itself(demo_user, centers, username, key):
    """ORG-8: a county (expanded or not) sees its own county only."""
    user = demo_user(username)
    assert not sees_everything(user)
    assert list(visible_centers(user)) == [centers[key]]
    assert can_see_center(user, centers[key])
    for other in ("changchun", "siping", "yushu", "province", "school", "meihekou"):
        assert not can_see_center(user, centers[other])
    scoped = _pks(scope_queryset(user, ScheduledAppraisalDay.objects.all()))
    assert scoped == _days_of([centers[key]])
    assert scoped  # the demo gives each county its own days


def test_org8_school_staff_sees_only_itself(demo_user, centers):
    """ORG-8: a school body's staff see their own body only, not the city above it."""
    user = demo_user("staff_school")
    assert list(visible_centers(user)) == [centers["school"]]
    assert not can_see_center(user, centers["changchun"])


def test_org8_candidate_sees_no_center(demo_user, centers):
    """ORG-8: a candidate sees no center's data through staff lists."""
    user = demo_user("candidate")
    assert user.role == Role.CANDIDATE
    assert not sees_everything(user)
    assert not visible_centers(user).exists()
    assert not scope_queryset(user, ScheduledAppraisalDay.objects.all()).exists()
    for key in ("province", "changchun", "nongan"):  # not even the candidate's own county
        assert not can_see_center(user, centers[key])


def test_org8_anonymous_sees_nothing(db, centers):
    """ORG-8: an anonymous visitor sees no center's data."""
    user = AnonymousUser()
    assert not sees_everything(user)
    assert not visible_centers(user).exists()
    assert not scope_queryset(user, ScheduledAppraisalDay.objects.all()).exists()
    assert not can_see_center(user, centers["province"])
    assert not can_see_center(user, centers["nongan"])


def test_org8_scope_queryset_other_center_field(demo_user, centers):
    """ORG-8: scope_queryset follows any foreign key to a center, here the staff's own `center`."""
    user = demo_user("staff_changchun")
    staff = scope_queryset(user, User.objects.exclude(role=Role.CANDIDATE), center_field="center")
    names = set(staff.values_list("username", flat=True))
    assert {"staff_changchun", "staff_nongan", "staff_school", "examiner", "hr_official"} <= names
    assert "province_admin" not in names
    assert "staff_gongzhuling" not in names


@pytest.mark.parametrize(
    "username", ["province_admin", "staff_changchun", "staff_nongan", "staff_gongzhuling", "candidate"]
)
def test_org8_visible_centers_constant_queries(demo_user, centers, django_assert_num_queries, username):
    """ORG-8 (lists use a constant number of queries): evaluating the scope is one query, however
    many centers it holds, and stays one query when the region grows."""
    user = demo_user(username)
    expected = 0 if username == "candidate" else 1  # .none() does not touch the database
    with django_assert_num_queries(expected):
        before = list(visible_centers(user))
    for i in range(8):
        Center.objects.create(name=f"测试院校{i}鉴定所", kind=CenterKind.SCHOOL, parent=centers["changchun"])
    with django_assert_num_queries(expected):
        after = list(visible_centers(user))
    with django_assert_num_queries(expected):
        list(scope_queryset(user, ScheduledAppraisalDay.objects.all()))
    grew = {"province_admin": 8, "staff_changchun": 8}.get(username, 0)
    assert len(after) == len(before) + grew

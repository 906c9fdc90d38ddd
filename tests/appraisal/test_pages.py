"""The core's HTML pages: login/logout, the home page of every role, the center list and authority
check (ORG-8 scoping), the public calendar (CAL-1..CAL-5), the hotlines (OTH-2), /healthz/."""

import datetime
import re
from html import unescape

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from appraisal.context_processors import HOTLINES_CACHE_KEY
from appraisal.demo import DEMO_CANDIDATE, DEMO_PASSWORD
from appraisal.models import Center, ScheduledAppraisalDay

pytestmark = pytest.mark.django_db

d = datetime.date
CITY_SCOPE = "长春市职业技能鉴定中心本级及所辖县（市）、院校和企业鉴定机构。"
STAFF_HOMES = {
    # username: (center shown on the home page, scope sentence)
    "province_admin": ("吉林省职业技能鉴定中心", "全省所有鉴定机构。"),
    "staff_changchun": ("长春市职业技能鉴定中心", CITY_SCOPE),
    "staff_nongan": ("农安县职业技能鉴定中心", "农安县职业技能鉴定中心本机构。"),
    "staff_gongzhuling": ("公主岭市职业技能鉴定中心", "公主岭市职业技能鉴定中心本机构。"),
    "staff_school": ("长春职业技术学院职业技能鉴定所", "长春职业技术学院职业技能鉴定所本机构。"),
    "examiner": ("长春市职业技能鉴定中心", CITY_SCOPE),
    "hr_official": ("长春市职业技能鉴定中心", CITY_SCOPE),
}




def text(response_or_html):
    """The page's visible text with tags and all whitespace removed, so that assertions survive
    markup changes (attributes, spans, line breaks)."""
    html = response_or_html if isinstance(response_or_html, str) else response_or_html.content.decode()
    return squash(unescape(re.sub(r"<[^>]+>", "", html)))


def squash(value):
    return re.sub(r"\s+", "", value)


def by_testid(response, testid):
    """The text of the element carrying data-testid="..." (the pages' stable test hooks)."""
    html = response.content.decode()
    match = re.search(rf'<(\w+)[^>]*\bdata-testid="{testid}"[^>]*>(.*?)</\1>', html, re.S)
    assert match, f"no element with data-testid={testid}"
    return text(match.group(2))


def login(client, username, password=DEMO_PASSWORD):
    return client.post(reverse("login"), {"username": username, "password": password}, follow=True)


# --- Login, home, logout ------------------------------------------------------------------------


@pytest.mark.parametrize("username", sorted(STAFF_HOMES))
def test_org8_staff_login_lands_on_home_with_center_and_scope(client, username):
    """ORG-8: every staff role logs in and sees its center and the scope its lists cover."""
    response = login(client, username)
    assert response.redirect_chain[-1] == (reverse("home"), 302)
    assert response.templates[0].name == "appraisal/home_staff.html"
    center, scope = STAFF_HOMES[username]
    assert by_testid(response, "user-center").startswith(f"{center}（")
    assert by_testid(response, "user-scope") == scope
    assert response.context["user"].username == username


def test_candidate_login_shows_masked_id_and_region_never_the_full_id(client):
    response = login(client, "candidate")
    assert response.redirect_chain[-1] == (reverse("home"), 302)
    assert response.templates[0].name == "appraisal/home_candidate.html"
    html = response.content.decode()
    full_id = DEMO_CANDIDATE["id_number"]
    assert full_id not in html
    assert full_id[6:14] not in html  # the birth date is part of what is masked
    masked = full_id[:6] + "*" * 8 + full_id[-4:]
    assert f"身份证号{masked}" in text(html)
    assert by_testid(response, "candidate-region") == "农安县"
    # ORG-8: a candidate is told which centers could appraise them, nearest first.
    assert "农安县职业技能鉴定中心、长春市职业技能鉴定中心、吉林省职业技能鉴定中心" in text(html)


def test_wrong_password_shows_the_chinese_error_and_does_not_log_in(client):
    response = client.post(reverse("login"), {"username": "staff_nongan", "password": "wrong-password"})
    assert response.status_code == 200
    assert "用户名或密码不正确，请重新输入。" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("home")).status_code == 302


def test_logout_is_post_only(client, demo_user):
    client.force_login(demo_user("staff_nongan"))
    assert client.get(reverse("logout")).status_code == 405
    assert client.get(reverse("home")).status_code == 200  # GET did not log out

    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert "_auth_user_id" not in client.session
    home = client.get(reverse("home"))
    assert home.status_code == 302 and reverse("login") in home["Location"]


def test_logout_message_in_chinese(client, demo_user):
    client.force_login(demo_user("staff_nongan"))
    response = client.post(reverse("logout"), follow=True)
    assert "您已安全退出。" in response.content.decode()


# --- Center list (ORG-8) ------------------------------------------------------------------------


def test_org8_county_staff_center_list_shows_only_its_own_center(client, demo_user):
    client.force_login(demo_user("staff_nongan"))
    response = client.get(reverse("center_list"))
    assert response.status_code == 200
    assert [c.name for c in response.context["centers"]] == ["农安县职业技能鉴定中心"]
    page = text(response)
    assert "农安县职业技能鉴定中心县级鉴定中心220122" in page
    assert "榆树市职业技能鉴定中心" not in page
    assert "地市级鉴定中心" not in page  # 长春市 appears only as the parent


def test_org8_city_staff_center_list_shows_its_region_not_another_city(client, demo_user):
    client.force_login(demo_user("staff_changchun"))
    response = client.get(reverse("center_list"))
    assert response.status_code == 200
    names = {c.name for c in response.context["centers"]}
    assert names == {
        "长春市职业技能鉴定中心",
        "农安县职业技能鉴定中心",
        "榆树市职业技能鉴定中心",
        "德惠市职业技能鉴定中心",
        "长春职业技术学院职业技能鉴定所",
    }
    page = text(response)
    assert "德惠市职业技能鉴定中心县级鉴定中心220183" in page
    for other in ("吉林市职业技能鉴定中心", "永吉县职业技能鉴定中心", "公主岭市职业技能鉴定中心"):
        assert other not in page


def test_org8_province_center_list_shows_every_center(client, demo_user):
    client.force_login(demo_user("province_admin"))
    response = client.get(reverse("center_list"))
    assert len(response.context["centers"]) == Center.objects.count() >= 53


@pytest.mark.parametrize("username", ["staff_changchun", "province_admin"])
def test_org8_center_list_constant_queries_whatever_its_length(client, demo_user, centers, username):
    """DESIGN quality bar: 30 more centers (with grants) in scope cost no extra query."""
    client.force_login(demo_user(username))
    client.get(reverse("center_list"))  # warm the hotline cache
    with CaptureQueriesContext(connection) as before:
        response = client.get(reverse("center_list"))
    length = len(response.context["centers"])
    for i in range(30):
        school = Center.objects.create(name=f"测试院校{i}鉴定所", kind="school", parent=centers["changchun"])
        school.grants.create(level=5)
    client.get(reverse("center_list"))  # saving a center clears the hotline cache: warm it again
    with CaptureQueriesContext(connection) as after:
        response = client.get(reverse("center_list"))
    assert len(response.context["centers"]) == length + 30
    assert response.content.decode().count("（本校学生）") >= 30
    assert len(after) == len(before)


@pytest.mark.parametrize("name", ["center_list", "authority_check"])
def test_org8_candidates_get_403_on_staff_pages(client, demo_user, name):
    client.force_login(demo_user("candidate"))
    assert client.get(reverse(name)).status_code == 403


@pytest.mark.parametrize("name", ["center_list", "authority_check"])
def test_staff_pages_require_login(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and reverse("login") in response["Location"]


# --- Authority check page (ORG-8) ---------------------------------------------------------------


def test_org2_authority_check_page_lists_allowed_centers_with_reasons(client, demo_user, centers, occupation):
    client.force_login(demo_user("staff_nongan"))
    welder = occupation("焊工")
    response = client.get(
        reverse("authority_check"), {"region": centers["nongan"].pk, "occupation": welder.pk, "level": 4}
    )
    assert response.status_code == 200
    assert [c.name for c, _decision in response.context["results"]] == ["农安县职业技能鉴定中心"]
    page = text(response)
    assert "可受理的鉴定机构" in page
    assert "农安县职业技能鉴定中心：农安县职业技能鉴定中心负责本县（市）初级工、中级工鉴定。（ORG-2）" in page


def test_org3_authority_check_page_level3_goes_to_the_city(client, demo_user, centers, occupation):
    client.force_login(demo_user("staff_nongan"))
    response = client.get(
        reverse("authority_check"),
        {"region": centers["nongan"].pk, "occupation": occupation("焊工").pk, "level": 3},
    )
    assert [c.name for c, _decision in response.context["results"]] == ["长春市职业技能鉴定中心"]
    assert "长春市职业技能鉴定中心负责本地区高级工鉴定。" in response.content.decode()


def test_occ4_authority_check_page_shows_the_refusal_reason(client, demo_user, centers, occupation):
    client.force_login(demo_user("staff_changchun"))
    response = client.get(
        reverse("authority_check"),
        {"region": centers["nongan"].pk, "occupation": occupation("物流师").pk, "level": 4},
    )
    assert response.status_code == 200
    assert response.context["results"] == []
    assert "无可受理的鉴定机构" in text(response)
    assert by_testid(response, "authority-refusal") == "“物流师”已于2016-12-01取消，不再受理鉴定申报。"


def test_authority_check_page_requires_an_affiliation(client, demo_user, occupation):
    client.force_login(demo_user("staff_changchun"))
    response = client.get(reverse("authority_check"), {"occupation": occupation("焊工").pk, "level": 4})
    assert response.status_code == 200
    assert "请至少填写考生所在地区、就读院校或所属单位之一。" in response.content.decode()
    assert response.context["results"] is None


# --- Public calendar (CAL-1..CAL-5) ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("extension", "expected"), [(0, "2017年9月26日"), (1, "2017年9月27日"), (2, "2017年9月28日")]
)
def test_cal3_public_calendar_computes_the_deadline(client, extension, expected):
    response = client.get(reverse("calendar"), {"appraisal_day": "2017-10-14", "extension_days": extension})
    assert response.status_code == 200
    assert response.context["deadline"] == d(2017, 9, 26 + extension)
    assert by_testid(response, "deadline") == squash(f"报名截止：{expected} 24:00")


def test_cal3_public_calendar_refuses_extension_3_in_chinese(client):
    response = client.get(reverse("calendar"), {"appraisal_day": "2017-10-14", "extension_days": 3})
    assert response.status_code == 200
    html = response.content.decode()
    assert "报名截止只能延长0、1或2个工作日。" in html
    assert 'data-testid="deadline"' not in html
    assert response.context["deadline"] is None


def test_cal4_public_calendar_refuses_an_unmaintained_year_in_chinese(client):
    response = client.get(reverse("calendar"), {"appraisal_day": "2035-06-16", "extension_days": 0})
    assert response.status_code == 200
    html = response.content.decode()
    assert "2035年的法定节假日尚未维护，无法计算工作日。" in html
    assert 'data-testid="deadline"' not in html


def test_cal1_cal2_cal5_public_calendar_shows_unified_days_and_retakes(client, today):
    today(d(2017, 1, 1))
    response = client.get(reverse("calendar"))
    assert response.status_code == 200
    page = text(response)
    assert "2017年上半年5月20日、21日3月15日至4月14日" in page
    assert "2017年下半年11月18日、19日9月5日至10月10日" in page
    assert "日常鉴定职业补考：2017年4月22日" in page
    assert "统一鉴定职业补考：2017年5月20日" in page


# --- OTH-2 and health --------------------------------------------------------------------------------


@pytest.mark.parametrize("url_name", ["login", "calendar"])
def test_oth2_hotlines_in_the_footer(client, url_name):
    html = client.get(reverse(url_name)).content.decode()
    footer = text(html[html.index("<footer"):])
    assert "吉林省职业技能鉴定中心" in footer
    assert squash("监督举报电话：(0431) 80880690") in footer
    assert squash("报名咨询电话：(0431) 88690718、88690738") in footer
    assert squash("定期鉴定日值班电话：(0431) 88679995") in footer


def test_oth2_footer_follows_a_changed_hotline(client, centers, settings):
    """OTH-2: the cached hotlines are forgotten when the province's numbers change."""
    # A private cache: the made-up number must never reach a cache other processes read.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": "test-oth2-hotlines"}}
    client.get(reverse("login"))  # cache the current numbers
    assert cache.get(HOTLINES_CACHE_KEY)["duty"] == "(0431) 88679995"
    province = centers["province"]
    province.duty_phone = "(0431) 12345678"
    try:
        province.save()
        assert "定期鉴定日值班电话：(0431)12345678" in text(client.get(reverse("login")))
    finally:
        # The test's transaction is rolled back, the cache is not: leave no made-up number behind.
        cache.delete(HOTLINES_CACHE_KEY)


def test_healthz_returns_ok(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


# --- Home page: constant number of queries ----------------------------------------------------------


@pytest.mark.parametrize("username", ["staff_nongan", "staff_changchun", "province_admin", "candidate"])
def test_cal3_home_page_constant_queries_whatever_the_number_of_days(
    client, demo_user, centers, today, username, django_assert_max_num_queries
):
    """CAL-3 + DESIGN quality bar: the home page's list of upcoming days with their deadlines costs
    the same number of queries for 1 scheduled day as for 31."""
    today(d(2017, 3, 1))
    ScheduledAppraisalDay.objects.all().delete()
    nongan = centers["nongan"]
    ScheduledAppraisalDay.objects.create(center=nongan, day=d(2017, 3, 18))
    client.force_login(demo_user(username))
    client.get(reverse("home"))  # warm the hotline cache

    with CaptureQueriesContext(connection) as one_day:
        response = client.get(reverse("home"))
    assert len(response.context["upcoming_days"]) == 1
    assert response.context["upcoming_days"][0].deadline == d(2017, 3, 6)

    first = d(2017, 4, 10)
    ScheduledAppraisalDay.objects.bulk_create(
        ScheduledAppraisalDay(center=nongan, day=first + datetime.timedelta(days=7 * i), registration_extension_days=i % 3)
        for i in range(30)
    )
    with django_assert_max_num_queries(len(one_day)), CaptureQueriesContext(connection) as many_days:
        response = client.get(reverse("home"))
    upcoming = response.context["upcoming_days"]
    assert len(upcoming) == 12  # the page's limit
    assert all(item.deadline is not None for item in upcoming)
    assert text(response).count("农安县职业技能鉴定中心") >= 12  # every row rendered
    assert len(many_days) == len(one_day)


def test_user_changes_own_password(client, db):
    from appraisal.demo import DEMO_PASSWORD

    assert client.login(username="candidate", password=DEMO_PASSWORD)
    response = client.post("/password/", {"old_password": "wrong", "new_password1": "Nongan-2017-x",
                                          "new_password2": "Nongan-2017-x"})
    assert response.status_code == 200 and "旧密码" in response.content.decode()
    response = client.post("/password/", {"old_password": DEMO_PASSWORD, "new_password1": "Nongan-2017-x",
                                          "new_password2": "Nongan-2017-x"}, follow=True)
    assert "密码已修改" in response.content.decode()
    client.logout()
    assert client.login(username="candidate", password="Nongan-2017-x")

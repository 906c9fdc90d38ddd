"""The public calendar (CAL-3, CAL-4): every center's scheduled days of the next 60 days with their
registration deadline and status, grouped and filterable by city, in a constant number of queries;
years whose holidays are not published yet say 待公布. Also the core pages touched by the same
usability round: the authority check's choices (ORG-8) and the candidate home's region."""

import datetime
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from appraisal.models import Center, CenterKind, ScheduledAppraisalDay, WorkdayOverride
from appraisal.selectors import PUBLIC_DAYS_AHEAD, public_upcoming_days
from appraisal.workdays import registration_deadline

d = datetime.date
TODAY = d(2019, 3, 1)  # chinese-calendar knows 2019; the demo has scheduled days in 2017 only




def squash(text):
    return re.sub(r"\s+", "", text)


def strip(html):
    return squash(re.sub(r"<[^>]+>", "", html))


def text(response):
    return strip(response.content.decode())


def days_section(response):
    """The HTML of the "近期定期鉴定日" card."""
    html = response.content.decode()
    return html[html.index('id="days"'):html.index("全国、全省统一鉴定")]


def schedule(center, day, extension=0):
    return ScheduledAppraisalDay.objects.create(center=center, day=day, registration_extension_days=extension)


def test_cal3_public_calendar_lists_every_centers_days_of_the_next_60_days(client, centers, today):
    today(TODAY)
    closed = schedule(centers["nongan"], d(2019, 3, 9))  # deadline in February: 已截止
    open_ = schedule(centers["changchun"], d(2019, 4, 13), extension=1)
    siping = schedule(centers["siping"], d(2019, 4, 20))
    schedule(centers["province"], d(2019, 3, 16))
    schedule(centers["jilin_city"], TODAY + datetime.timedelta(days=PUBLIC_DAYS_AHEAD + 1))  # too far
    schedule(centers["jilin_city"], TODAY - datetime.timedelta(days=1))  # past

    response = client.get(reverse("calendar"))

    assert response.status_code == 200
    groups = response.context["day_groups"]
    assert [g.label for g in groups] == ["省级及直属鉴定机构", "长春市", "四平市"]  # province first, then by code
    changchun = groups[1]
    assert [(i.scheduled, i.status) for i in changchun.days] == [(closed, "closed"), (open_, "open")]
    assert changchun.open_count == 1
    assert [i.scheduled for i in groups[2].days] == [siping]
    page = strip(days_section(response))
    deadline = registration_deadline(open_.day, 1)
    assert f"2019-04-13（周六）长春市职业技能鉴定中心{deadline:%Y-%m-%d}24:00（已延长1个工作日）报名中" in page
    assert f"2019-03-09（周六）农安县职业技能鉴定中心{registration_deadline(closed.day):%Y-%m-%d}24:00已截止" in page
    assert "长春市2个鉴定日，1个报名中" in page
    assert "吉林市职业技能鉴定中心" not in page


def test_cal3_public_calendar_filters_by_city_without_touching_the_calculator(client, centers, today):
    today(TODAY)
    schedule(centers["nongan"], d(2019, 4, 13))
    schedule(centers["siping"], d(2019, 4, 20))

    response = client.get(reverse("calendar"), {"city": centers["changchun"].pk})

    assert [g.label for g in response.context["day_groups"]] == ["长春市"]
    section = days_section(response)
    assert "农安县职业技能鉴定中心" in section and "四平市职业技能鉴定中心" not in section
    assert re.search(rf'<option value="{centers["changchun"].pk}" selected>长春市</option>', section)
    assert "<details" in section and " open>" in section
    assert not response.context["form"].is_bound  # the deadline calculator shows no "required" errors
    assert 'role="alert"' not in response.content.decode()


def test_cal3_public_calendar_with_no_days_says_so(client, centers, today):
    today(TODAY)
    response = client.get(reverse("calendar"), {"city": centers["jilin_city"].pk})
    assert "吉林市未来60天内暂无已安排的定期鉴定日。" in text(response)


def test_cal4_unknown_year_shows_pending_not_closed_and_no_admin_hint_to_visitors(client, centers, today):
    today(d(2034, 12, 20))
    schedule(centers["changchun"], d(2035, 1, 20))
    assert not WorkdayOverride.objects.filter(day__year__in=[2034, 2035]).exists()

    response = client.get(reverse("calendar"))

    item = response.context["day_groups"][0].days[0]
    assert item.deadline is None and item.status == "pending"
    section = strip(days_section(response))
    assert "长春市职业技能鉴定中心该年度法定节假日安排公布后计算待公布" in section
    assert "已截止" not in section and "工作日历维护" not in response.content.decode()


def test_cal4_unknown_year_tells_city_staff_whom_to_ask_and_province_staff_where_to_enter(
        client, centers, today, demo_user):
    today(d(2034, 12, 20))
    schedule(centers["changchun"], d(2035, 1, 20))
    client.force_login(demo_user("staff_changchun"))
    section = strip(days_section(client.get(reverse("calendar"))))
    assert "待公布（2035年工作日历由吉林省职业技能鉴定中心录入" in section
    assert "calendar/keep" not in days_section(client.get(reverse("calendar")))  # no page they cannot open
    client.force_login(demo_user("province_admin"))
    html = days_section(client.get(reverse("calendar")))
    assert "2035年工作日历未录入" in strip(html) and f'{reverse("calendar_keep")}?year=2035' in html


def test_cal4_calculator_tells_visitors_when_the_deadline_will_be_computed(client, db):
    html = client.get(reverse("calendar"), {"appraisal_day": "2035-06-16", "extension_days": 0}).content.decode()
    assert "2035年的法定节假日尚未维护，无法计算工作日。报名截止日在该年度法定节假日安排公布后计算。" in html
    assert "工作日历维护" not in html


def test_cal4_calculator_keeps_the_admin_hint_for_staff(client, demo_user):
    client.force_login(demo_user("staff_nongan"))
    html = client.get(reverse("calendar"), {"appraisal_day": "2035-06-16", "extension_days": 0}).content.decode()
    assert "该年度的节假日和调休安排由省职业技能鉴定中心在“工作日历维护”中录入。" in html


def test_public_calendar_links_to_login_and_signup_for_visitors_only(client, demo_user):
    html = client.get(reverse("calendar")).content.decode()
    account = html.split('data-testid="calendar-account"')[1].split("</section>")[0]
    assert f'href="{reverse("registration:signup")}">考生注册</a>' in account
    assert f'href="{reverse("login")}">登录</a>' in account

    client.force_login(demo_user("candidate"))
    assert 'data-testid="calendar-account"' not in client.get(reverse("calendar")).content.decode()


def test_cal3_public_calendar_queries_are_constant(client, centers, today):
    """Lists use a constant number of queries whatever their length (DESIGN)."""
    today(TODAY)
    url = reverse("calendar")
    schedule(centers["nongan"], d(2019, 3, 16))
    client.get(url)  # warm the caches (hotlines, working-day overrides)

    with CaptureQueriesContext(connection) as few:
        response = client.get(url)
    assert sum(len(g.days) for g in response.context["day_groups"]) == 1

    regional = Center.objects.filter(
        kind__in=[CenterKind.CITY, CenterKind.COUNTY, CenterKind.EXPANDED_COUNTY, CenterKind.SCHOOL]
    )
    ScheduledAppraisalDay.objects.bulk_create(
        [ScheduledAppraisalDay(center=c, day=day) for c in regional for day in (d(2019, 3, 23), d(2019, 4, 20))]
    )
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    total = sum(len(g.days) for g in response.context["day_groups"])
    assert total > 50 and len(response.context["day_groups"]) >= 9

    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


def test_public_upcoming_days_selector_bounds(centers):
    start = d(2019, 3, 1)
    schedule(centers["nongan"], start)  # today counts
    schedule(centers["nongan"], start + datetime.timedelta(days=PUBLIC_DAYS_AHEAD))  # the 60th day counts
    schedule(centers["nongan"], start + datetime.timedelta(days=PUBLIC_DAYS_AHEAD + 1))
    inactive = Center.objects.filter(pk=centers["yushu"].pk)
    schedule(centers["yushu"], d(2019, 3, 9))
    inactive.update(is_active=False)
    groups = public_upcoming_days(today=start)
    assert [i.scheduled.day for g in groups for i in g.days] == [start, start + datetime.timedelta(days=60)]


# --- The authority check's choices (ORG-8) and the candidate home --------------------------------


def test_org8_authority_check_choices_read_like_the_signup_page(client, demo_user):
    client.force_login(demo_user("staff_changchun"))
    html = client.get(reverse("authority_check")).content.decode()
    occupation = html.split('name="occupation"')[1].split("</select>")[0]
    assert re.search(r'<option value="" selected>请选择职业</option>', occupation)
    assert "---------" not in html
    region = html.split('name="region"')[1].split("</select>")[0]
    assert region.index('<optgroup label="长春市">') < region.index('<optgroup label="吉林市">') < region.index(
        '<optgroup label="延边朝鲜族自治州">'
    )
    changchun = region.split('<optgroup label="长春市">')[1].split("</optgroup>")[0]
    names = re.findall(r">([^<]+)</option>", changchun)
    assert names[0] == "长春市本级（市区）" and "农安县" in names and "榆树市" in names
    assert re.search(r'<option value="" selected>（未填写）</option>', region)


def test_org8_authority_check_still_answers_with_a_grouped_region(client, demo_user, centers, occupation):
    client.force_login(demo_user("staff_changchun"))
    response = client.get(
        reverse("authority_check"), {"region": centers["nongan"].pk, "occupation": occupation("焊工").pk, "level": 4}
    )
    assert response.status_code == 200
    assert "农安县职业技能鉴定中心" in response.content.decode().split('data-testid="authority-results"')[1]


def test_candidate_home_shows_the_region_as_a_place(client, demo_user):
    client.force_login(demo_user("candidate"))
    html = client.get(reverse("home")).content.decode()
    assert re.search(r'<dt>所在地区</dt><dd data-testid="candidate-region">农安县</dd>', html)

"""CAL-4 / CAL-3: the province keeps the working-day calendar of a year the library does not know:
holidays and adjusted working days entered as date ranges, checked whole, previewed (working days
per month, the registration deadlines they move) and saved as the year's overrides, which the
working-day arithmetic reads at once. Only province staff keep it; the others see 待公布 and whom
to ask; the province's home asks for the next unknown year."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from appraisal import calendar_keeping
from appraisal.calendar_keeping import DayRange
from appraisal.models import ScheduledAppraisalDay, WorkdayOverride
from appraisal.workdays import CalendarUnknown, is_working_day, registration_deadline

d = datetime.date
YEAR = 2035  # neither the library nor the demo knows it
KEEP = "/calendar/keep/"
HOLIDAYS = "2035-01-01 元旦\n2035-02-07至2035-02-13 春节"
WORKING = "2035-02-04 春节调休上班\n2035-02-17 春节调休上班"


@pytest.fixture(autouse=True)
def unknown_year(db):
    WorkdayOverride.objects.filter(day__year__in=[YEAR - 1, YEAR]).delete()


def test_cal4_saved_year_is_counted_at_once_and_replaces_what_was_there(demo_user):
    admin = demo_user("province_admin")
    with pytest.raises(CalendarUnknown):
        is_working_day(d(YEAR, 2, 8))  # unknown before, and the empty year cached as such
    WorkdayOverride.objects.create(day=d(YEAR, 5, 5), is_working_day=False, name="旧录入")
    count = calendar_keeping.save_year(actor=admin, year=YEAR, holidays=[
        DayRange(d(YEAR, 1, 1), d(YEAR, 1, 1), "元旦"), DayRange(d(YEAR, 2, 7), d(YEAR, 2, 13), "春节")],
        working_days=[DayRange(d(YEAR, 2, 4), d(YEAR, 2, 4), "调休")])
    assert count == 9
    assert not is_working_day(d(YEAR, 2, 8)) and is_working_day(d(YEAR, 2, 4))  # 2035-02-04 is a Sunday
    assert is_working_day(d(YEAR, 5, 7)) and not WorkdayOverride.objects.filter(day=d(YEAR, 5, 5)).exists()
    holidays, working = calendar_keeping.saved_ranges(YEAR)
    assert holidays == [DayRange(d(YEAR, 1, 1), d(YEAR, 1, 1), "元旦"), DayRange(d(YEAR, 2, 7), d(YEAR, 2, 13), "春节")]
    assert working == [DayRange(d(YEAR, 2, 4), d(YEAR, 2, 4), "调休")]


@pytest.mark.parametrize("username", ["staff_changchun", "staff_nongan", "hr_official", "examiner"])
def test_cal4_only_province_staff_keep_the_calendar(demo_user, username):
    with pytest.raises(PermissionDenied):
        calendar_keeping.save_year(actor=demo_user(username), year=YEAR,
                                   holidays=[DayRange(d(YEAR, 1, 1), d(YEAR, 1, 1))], working_days=[])
    assert not WorkdayOverride.objects.filter(day__year=YEAR).exists()


@pytest.mark.parametrize(("holidays", "working", "message"), [
    ([], [], "请至少录入一段法定节假日"),
    ([DayRange(d(YEAR, 2, 13), d(YEAR, 2, 7))], [], "结束日期早于开始日期"),
    ([DayRange(d(YEAR, 1, 1), d(YEAR, 3, 1))], [], "一段不能超过31天"),
    ([DayRange(d(YEAR - 1, 12, 31), d(YEAR, 1, 1))], [], "不在2035年内"),
    ([DayRange(d(YEAR, 1, 1), d(YEAR, 1, 1))], [DayRange(d(YEAR, 2, 5), d(YEAR, 2, 5))], "调休上班日应为周六或周日"),
    ([DayRange(d(YEAR, 2, 3), d(YEAR, 2, 4))], [DayRange(d(YEAR, 2, 4), d(YEAR, 2, 4))], "同时录入为休息日和上班日"),
])
def test_cal4_bad_arrangements_are_refused_whole_in_chinese(demo_user, holidays, working, message):
    with pytest.raises(ValidationError) as caught:
        calendar_keeping.save_year(actor=demo_user("province_admin"), year=YEAR, holidays=holidays, working_days=working)
    assert message in " ".join(caught.value.messages)
    assert not WorkdayOverride.objects.filter(day__year=YEAR).exists()


def test_cal3_cal4_preview_counts_working_days_and_names_the_deadlines_that_move(demo_user, centers):
    admin = demo_user("province_admin")
    spring = ScheduledAppraisalDay.objects.create(center=centers["changchun"], day=d(YEAR, 2, 20))
    plan = calendar_keeping.plan_year(year=YEAR, holidays=[DayRange(d(YEAR, 2, 7), d(YEAR, 2, 13), "春节")],
                                      working_days=[DayRange(d(YEAR, 2, 17), d(YEAR, 2, 17))])
    result = calendar_keeping.preview(admin, year=YEAR, plan=plan)
    february = result["months"][1]
    assert february == {"month": 2, "working": 20 - 5 + 1, "days": 28}  # 20 weekdays, 5 off, Saturday 17th on
    moved = {m.scheduled.pk: m for m in result["moved"]}
    assert moved[spring.pk].before is None  # 待公布 until now
    # 10 working days back from Tuesday 02-20: 19, 17(Sat), 16, 15, 14, then 6, 5, 2, 1, 01-31.
    assert moved[spring.pk].after == d(YEAR, 1, 31)
    assert not WorkdayOverride.objects.filter(day__year=YEAR).exists()  # a preview saves nothing


def test_cal4_page_previews_then_saves_and_the_deadline_moves(client, demo_user, centers):
    day = ScheduledAppraisalDay.objects.create(center=centers["nongan"], day=d(YEAR, 2, 20))
    client.force_login(demo_user("province_admin"))
    assert client.get(KEEP, {"year": YEAR}).status_code == 200
    data = {"year": YEAR, "holidays": HOLIDAYS, "working_days": WORKING}
    body = client.post(KEEP, {**data, "action": "preview"}).content.decode()
    # Back from Tuesday 02-20: 19, 17 (Sat), 16..14, then 6, 5, 4 (Sun), 2, 1.
    assert 'data-testid="calendar-preview"' in body and "2035-02-01" in body and "待公布" in body
    response = client.post(KEEP, {**data, "action": "save"}, follow=True)
    assert "已保存2035年工作日历（10天调整）" in response.content.decode()
    assert registration_deadline(day.day) == d(YEAR, 2, 1)


@pytest.mark.parametrize(("data", "message"), [
    ({"year": YEAR, "holidays": "2035/01/01 元旦"}, "第1行“2035/01/01 元旦”无法识别"),
    ({"year": YEAR, "holidays": "2035-02-30 错"}, "无法识别"),
    ({"year": "abc", "holidays": HOLIDAYS}, "请输入年度"),
    ({"year": YEAR, "holidays": HOLIDAYS, "working_days": "2035-02-05 周一"}, "调休上班日应为周六或周日"),
])
def test_cal4_page_bad_input_is_shown_and_nothing_saved(client, demo_user, data, message):
    client.force_login(demo_user("province_admin"))
    response = client.post(KEEP, {**data, "action": "save"})
    assert response.status_code == 200 and message in response.content.decode()
    assert not WorkdayOverride.objects.filter(day__year=YEAR).exists()


@pytest.mark.parametrize("username", ["staff_changchun", "staff_nongan", "hr_official", "candidate"])
def test_cal4_page_is_for_province_staff_only(client, demo_user, username):
    client.force_login(demo_user(username))
    assert client.get(KEEP).status_code == 403
    assert client.post(KEEP, {"year": YEAR, "holidays": HOLIDAYS, "action": "save"}).status_code == 403
    assert not WorkdayOverride.objects.filter(day__year=YEAR).exists()


def test_cal4_homes_while_next_year_is_unknown(client, demo_user):
    next_year = timezone.localdate().year + 1
    if calendar_keeping.year_is_maintained(next_year):
        WorkdayOverride.objects.filter(day__year=next_year).delete()
    if calendar_keeping.library_knows(next_year):
        pytest.skip("the calendar library knows next year")
    client.force_login(demo_user("province_admin"))
    body = client.get("/").content.decode()
    assert f"{next_year}年法定节假日和调休安排尚未录入" in body and f"{KEEP}?year={next_year}" in body
    client.force_login(demo_user("staff_nongan"))
    body = client.get("/").content.decode()
    assert 'data-testid="calendar-pending"' in body and "待公布" in body and "吉林省职业技能鉴定中心" in body
    assert KEEP not in body  # no pointer to a page a county cannot open
    assert reverse("calendar_keep") == KEEP

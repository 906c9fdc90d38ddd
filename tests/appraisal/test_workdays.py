"""The working-day calendar (CAL-3, CAL-4) against China's real 2017 holiday arrangement.

2017 (国务院办公厅关于2017年部分节假日安排的通知):
- 元旦 12-31..1-2 off;
- 春节 1-27..2-2 off, Sunday 1-22 and Saturday 2-4 working;
- 清明节 4-2..4-4 off, Saturday 4-1 working;
- 劳动节 4-29..5-1 off;
- 端午节 5-28..5-30 off, Saturday 5-27 working;
- 国庆节、中秋节 10-1..10-8 off, Saturday 9-30 working.

Every expected date below was counted by hand on that calendar.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError

from appraisal.models import WorkdayOverride
from appraisal.workdays import (
    CalendarUnknown,
    WorkdayCalendar,
    add_working_days,
    is_working_day,
    registration_deadline,
    working_days_between,
)

pytestmark = pytest.mark.django_db

d = datetime.date


# --- CAL-4: statutory holidays off, adjusted working days on ---------------------------------


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (d(2017, 1, 2), False),  # 元旦 (Monday)
        (d(2017, 1, 22), True),  # 春节调休 (Sunday)
        (d(2017, 1, 27), False),  # 除夕 (Friday)
        (d(2017, 2, 2), False),  # last day of 春节 (Thursday)
        (d(2017, 2, 3), True),  # Friday after 春节
        (d(2017, 2, 4), True),  # 春节调休 (Saturday)
        (d(2017, 4, 1), True),  # 清明调休 (Saturday)
        (d(2017, 4, 3), False),  # 清明 (Monday)
        (d(2017, 4, 4), False),  # 清明 (Tuesday)
        (d(2017, 5, 1), False),  # 劳动节 (Monday)
        (d(2017, 5, 27), True),  # 端午调休 (Saturday)
        (d(2017, 5, 29), False),  # 端午 (Monday)
        (d(2017, 5, 30), False),  # 端午 (Tuesday)
        (d(2017, 9, 30), True),  # 国庆调休 (Saturday)
        (d(2017, 10, 2), False),  # 国庆 (Monday)
        (d(2017, 10, 6), False),  # 国庆 (Friday)
        (d(2017, 10, 8), False),  # 国庆 (Sunday, not a working day in 2017)
        (d(2017, 10, 9), True),  # Monday after 国庆
        (d(2017, 10, 14), False),  # ordinary Saturday
        (d(2017, 10, 16), True),  # ordinary Monday
    ],
)
def test_cal4_official_2017_working_days(day, working):
    """CAL-4: statutory holidays are off, adjusted working days (调休) are on."""
    assert is_working_day(day) is working


# --- add_working_days across each 2017 holiday ------------------------------------------------


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        # 春节
        (d(2017, 1, 26), 1, d(2017, 2, 3)),
        (d(2017, 1, 26), 2, d(2017, 2, 4)),  # the adjusted Saturday counts
        (d(2017, 1, 26), 3, d(2017, 2, 6)),
        (d(2017, 1, 21), 1, d(2017, 1, 22)),  # the adjusted Sunday counts
        (d(2017, 1, 20), 2, d(2017, 1, 23)),
        (d(2017, 2, 3), -1, d(2017, 1, 26)),
        (d(2017, 2, 6), -2, d(2017, 2, 3)),
        (d(2017, 2, 6), -3, d(2017, 1, 26)),
        (d(2017, 1, 23), -1, d(2017, 1, 22)),
        (d(2017, 1, 23), -2, d(2017, 1, 20)),
        # 清明
        (d(2017, 3, 31), 1, d(2017, 4, 1)),
        (d(2017, 3, 31), 2, d(2017, 4, 5)),
        (d(2017, 4, 5), -1, d(2017, 4, 1)),
        (d(2017, 4, 5), -2, d(2017, 3, 31)),
        # 劳动节
        (d(2017, 4, 28), 1, d(2017, 5, 2)),
        (d(2017, 5, 2), -1, d(2017, 4, 28)),
        (d(2017, 4, 27), 3, d(2017, 5, 3)),
        # 端午
        (d(2017, 5, 26), 1, d(2017, 5, 27)),
        (d(2017, 5, 26), 2, d(2017, 5, 31)),
        (d(2017, 5, 31), -1, d(2017, 5, 27)),
        (d(2017, 5, 31), -2, d(2017, 5, 26)),
        # 国庆、中秋
        (d(2017, 9, 29), 1, d(2017, 9, 30)),
        (d(2017, 9, 29), 2, d(2017, 10, 9)),
        (d(2017, 9, 30), 1, d(2017, 10, 9)),
        (d(2017, 10, 9), -1, d(2017, 9, 30)),
        (d(2017, 10, 9), -2, d(2017, 9, 29)),
        (d(2017, 10, 14), -10, d(2017, 9, 26)),  # the 10th working day before Saturday 10-14
        # 元旦, across the year boundary
        (d(2016, 12, 30), 1, d(2017, 1, 3)),
        (d(2017, 1, 3), -1, d(2016, 12, 30)),
    ],
)
def test_cal4_add_working_days_across_2017_holidays(start, n, expected):
    """CAL-4: counting working days skips holidays and counts adjusted working days."""
    assert add_working_days(start, n) == expected


@pytest.mark.parametrize("day", [d(2017, 10, 1), d(2017, 10, 9), d(2017, 10, 14), d(2035, 1, 1)])
def test_cal4_add_zero_working_days_returns_the_day(day):
    """CAL-4: n == 0 is the day itself (even a holiday, even in an unknown year: nothing is counted)."""
    assert add_working_days(day, 0) == day


@pytest.mark.parametrize("n", [1.0, "1", True, None])
def test_cal4_add_working_days_refuses_non_integers(n):
    with pytest.raises(ValidationError) as excinfo:
        add_working_days(d(2017, 10, 9), n)
    assert "工作日数必须是整数" in excinfo.value.messages[0]


# --- CAL-3: registration closes 10 working days before; 1-2 more by extension -----------------


@pytest.mark.parametrize(
    ("appraisal_day", "extension", "expected"),
    [
        # 国庆: 10-13..10-9 are 5, 10-1..10-8 off, 9-30 (Saturday, working) is the 6th.
        (d(2017, 10, 14), 0, d(2017, 9, 26)),
        (d(2017, 10, 14), 1, d(2017, 9, 27)),
        (d(2017, 10, 14), 2, d(2017, 9, 28)),
        # 春节: the adjusted Saturday 2-4 counts, 1-27..2-2 does not.
        (d(2017, 2, 11), 0, d(2017, 1, 24)),
        (d(2017, 2, 11), 1, d(2017, 1, 25)),
        (d(2017, 2, 11), 2, d(2017, 1, 26)),
        # 春节 with the adjusted Sunday 1-22 as the 9th working day.
        (d(2017, 2, 8), 0, d(2017, 1, 20)),
        (d(2017, 2, 8), 1, d(2017, 1, 22)),
        # 清明: the adjusted Saturday 4-1 is the 9th working day.
        (d(2017, 4, 15), 0, d(2017, 3, 31)),
        (d(2017, 4, 15), 1, d(2017, 4, 1)),
        # 劳动节
        (d(2017, 5, 13), 0, d(2017, 4, 28)),
        (d(2017, 5, 13), 1, d(2017, 5, 2)),
        # 端午: the adjusted Saturday 5-27 is the 9th working day.
        (d(2017, 6, 10), 0, d(2017, 5, 26)),
        (d(2017, 6, 10), 1, d(2017, 5, 27)),
        (d(2017, 6, 10), 2, d(2017, 5, 31)),
        # 元旦: back into 2016.
        (d(2017, 1, 10), 0, d(2016, 12, 26)),
        # An ordinary fortnight (third Saturday of October: the demo's scheduled day).
        (d(2017, 10, 21), 0, d(2017, 10, 9)),
        (d(2017, 10, 21), 1, d(2017, 10, 10)),
    ],
)
def test_cal3_registration_deadline_2017(appraisal_day, extension, expected):
    """CAL-3: the 10th working day before the appraisal day, plus 0-2 working days of extension."""
    assert registration_deadline(appraisal_day, extension) == expected


def test_cal3_registration_deadline_default_is_no_extension():
    assert registration_deadline(d(2017, 10, 14)) == d(2017, 9, 26)


@pytest.mark.parametrize("extension", [3, -1, "1", 1.0, True, None])
def test_cal3_refuses_extension_outside_0_to_2(extension):
    """CAL-3: a locality may extend by 1-2 working days, nothing else (not even "1", 1.0 or True)."""
    with pytest.raises(ValidationError) as excinfo:
        registration_deadline(d(2017, 10, 14), extension)
    assert excinfo.value.code == "invalid_extension"
    assert "报名截止只能延长0、1或2个工作日" in excinfo.value.messages[0]
    assert not isinstance(excinfo.value, CalendarUnknown)


# --- CAL-4: years the library does not know ---------------------------------------------------


def test_cal4_unknown_year_without_override_is_refused_in_chinese():
    """CAL-4: 2035 is not in chinese-calendar and nobody maintained it: no guessing."""
    with pytest.raises(CalendarUnknown) as excinfo:
        registration_deadline(d(2035, 6, 16), 0)
    assert isinstance(excinfo.value, ValidationError)
    assert excinfo.value.code == "calendar_unknown"
    message = excinfo.value.messages[0]
    assert "2035年" in message
    assert "尚未维护" in message
    with pytest.raises(CalendarUnknown):
        is_working_day(d(2035, 6, 15))


def test_cal4_one_override_makes_an_unknown_year_maintained():
    """CAL-4: once staff enter 2035's holidays, weekdays work, weekends rest, overrides win."""
    # 2035-01-01 is a Monday.
    WorkdayOverride.objects.create(day=d(2035, 1, 1), is_working_day=False, name="元旦")
    WorkdayOverride.objects.create(day=d(2035, 1, 6), is_working_day=True, name="调休上班")  # Saturday

    assert is_working_day(d(2035, 1, 1)) is False  # override: a Monday off
    assert is_working_day(d(2035, 1, 2)) is True  # ordinary Tuesday
    assert is_working_day(d(2035, 1, 6)) is True  # override: a Saturday on
    assert is_working_day(d(2035, 1, 7)) is False  # ordinary Sunday
    assert is_working_day(d(2035, 6, 15)) is True  # ordinary Friday, far from any override
    # Friday 1-5 -> Saturday 1-6 (working) ; Monday 1-8.
    assert add_working_days(d(2035, 1, 5), 1) == d(2035, 1, 6)
    assert add_working_days(d(2035, 1, 5), 2) == d(2035, 1, 8)
    # Saturday 2035-01-20: back over 1-19..1-15 (5), 1-12..1-8 (10).
    assert registration_deadline(d(2035, 1, 20), 0) == d(2035, 1, 8)
    # Saturday 2035-01-13: 1-12..1-8 (5), 1-6 Saturday (6), 1-5..1-2 (10); 1-1 is off.
    assert registration_deadline(d(2035, 1, 13), 0) == d(2035, 1, 2)
    assert registration_deadline(d(2035, 1, 13), 1) == d(2035, 1, 3)


def test_cal4_override_in_unknown_year_does_not_maintain_the_next_year():
    WorkdayOverride.objects.create(day=d(2035, 1, 1), is_working_day=False, name="元旦")
    with pytest.raises(CalendarUnknown):
        is_working_day(d(2036, 3, 3))


def test_cal4_override_wins_over_the_library_in_a_known_year():
    """CAL-4: a correction entered by staff beats chinese-calendar for 2017."""
    assert add_working_days(d(2017, 9, 29), 2) == d(2017, 10, 9)
    WorkdayOverride.objects.create(day=d(2017, 10, 7), is_working_day=True, name="更正：上班")  # a holiday
    assert is_working_day(d(2017, 10, 7)) is True
    assert add_working_days(d(2017, 9, 29), 2) == d(2017, 10, 7)

    WorkdayOverride.objects.create(day=d(2017, 10, 9), is_working_day=False, name="更正：休息")
    assert is_working_day(d(2017, 10, 9)) is False
    assert add_working_days(d(2017, 9, 29), 3) == d(2017, 10, 10)
    # The library's other days are untouched: 9-30 (Saturday, 调休) still works.
    assert is_working_day(d(2017, 9, 30)) is True
    # Deadline of 10-14 moves: 10-13..10-10 (4), 10-7 (5), 9-30 (6), 9-29..9-26 (10).
    assert registration_deadline(d(2017, 10, 14), 0) == d(2017, 9, 26)
    WorkdayOverride.objects.create(day=d(2017, 10, 8), is_working_day=True, name="更正：上班")
    assert registration_deadline(d(2017, 10, 14), 0) == d(2017, 9, 27)


# --- working_days_between ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (d(2017, 9, 29), d(2017, 10, 9), 2),  # 9-30 and 10-9
        (d(2017, 9, 30), d(2017, 10, 8), 0),  # all of 国庆
        (d(2017, 1, 26), d(2017, 2, 4), 2),  # 2-3 and 2-4
        (d(2017, 1, 20), d(2017, 1, 23), 2),  # 1-22 (Sunday, 调休) and 1-23
        (d(2017, 9, 25), d(2017, 10, 13), 10),
        (d(2017, 5, 26), d(2017, 5, 31), 2),  # 5-27 and 5-31
        (d(2017, 3, 31), d(2017, 4, 5), 2),  # 4-1 and 4-5
        (d(2017, 10, 9), d(2017, 10, 9), 0),
        (d(2017, 10, 13), d(2017, 9, 26), 0),  # end before start
    ],
)
def test_cal4_working_days_between(start, end, expected):
    """EXAM-7/CERT-3 count with this: working days after `start` up to and including `end`."""
    assert working_days_between(start, end) == expected


def test_cal4_working_days_between_inverts_add_working_days():
    for start, n in [(d(2017, 1, 20), 7), (d(2017, 9, 20), 15), (d(2017, 4, 27), 20)]:
        assert working_days_between(start, add_working_days(start, n)) == n


# --- Query count: one query per year touched --------------------------------------------------


def test_cal3_one_deadline_costs_one_query_for_one_year(django_assert_max_num_queries):
    """CAL-3: the overrides of a year are read once, not once per day counted."""
    with django_assert_max_num_queries(1):
        assert registration_deadline(d(2017, 10, 14), 0) == d(2017, 9, 26)


def test_cal3_one_deadline_costs_one_query_per_year_touched(django_assert_max_num_queries):
    with django_assert_max_num_queries(2):  # 2017 and 2016
        assert registration_deadline(d(2017, 1, 10), 0) == d(2016, 12, 26)


def test_cal3_shared_calendar_computes_many_deadlines_with_one_query(django_assert_max_num_queries):
    calendar = WorkdayCalendar()
    days = [d(2017, month, 20) for month in range(3, 13)]
    with django_assert_max_num_queries(1):
        deadlines = [registration_deadline(day, 0, calendar=calendar) for day in days]
    assert deadlines[7] == registration_deadline(d(2017, 10, 20), 0) == d(2017, 9, 30)  # 9-30 is the 10th
    assert len(set(deadlines)) == len(days)

"""Every rule that computes a date, against the calendar's edge cases: leap years, year ends,
holidays spanning a deadline, adjusted working days (调休) on weekends, years nobody maintains.

- CAL-3: registration closes on the 10th working day before the appraisal day, +1 or +2 when extended;
- CAL-4: working days are China's official ones (chinese-calendar, 2017..2026 here);
- EXAM-7 / CERT-3: publication and delivery deadlines are N working days after a day;
- EXAM-8: a passed subject is kept one *calendar* year (the anniversary; 29 February → 28 February),
  which 365 days got wrong whenever a 29 February lay in between;
- REG-5 / REG-6: ages and years of work are whole calendar years, by the same anniversary rule.
"""

import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from appraisal.workdays import (
    CalendarUnknown,
    WorkdayCalendar,
    add_working_days,
    add_years,
    full_years,
    is_working_day,
    registration_deadline,
    working_days_between,
)

d = datetime.date
ONE = datetime.timedelta(days=1)
# The years chinese-calendar knows (the demo database maintains no override for them).
KNOWN = st.dates(min_value=d(2017, 1, 1), max_value=d(2026, 10, 31))
ANY_DAY = st.dates(min_value=d(1900, 1, 1), max_value=d(2200, 12, 31))
PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


# --- Calendar years (EXAM-8, REG-5, REG-6) ----------------------------------------------------------


@pytest.mark.parametrize(("day", "years", "expected"), [
    (d(2027, 5, 20), 1, d(2028, 5, 20)),  # 2028-02-29 in between: 365 days would give 05-19
    (d(2023, 3, 1), 1, d(2024, 3, 1)),
    (d(2024, 2, 29), 1, d(2025, 2, 28)),  # no 29 February: the month's last day
    (d(2024, 2, 29), 4, d(2028, 2, 29)),
    (d(2024, 2, 29), -1, d(2023, 2, 28)),
    (d(2026, 12, 31), 1, d(2027, 12, 31)),  # year end
    (d(2026, 1, 1), 1, d(2027, 1, 1)),
])
def test_exam8_one_year_is_the_calendar_anniversary(day, years, expected):
    assert add_years(day, years) == expected


@given(day=ANY_DAY, years=st.integers(min_value=-50, max_value=50))
@PROPERTY
def test_exam8_add_years_keeps_month_and_day_except_29_february(day, years):
    later = add_years(day, years)
    assert later.year == day.year + years and later.month == day.month
    assert later.day == day.day or (day.month, day.day, later.day) == (2, 29, 28)
    # "One year" is 365 or 366 days, never another length.
    if years == 1:
        assert (later - day).days in (365, 366)


@given(since=ANY_DAY, years=st.integers(min_value=0, max_value=80))
@PROPERTY
def test_reg5_reg6_full_years_turn_on_the_anniversary_and_not_a_day_before(since, years):
    anniversary = add_years(since, years)
    assert full_years(since, anniversary) == years
    if years:
        assert full_years(since, anniversary - ONE) == years - 1


@pytest.mark.parametrize(("born", "today", "age"), [
    (d(2008, 2, 29), d(2024, 2, 28), 15),
    (d(2008, 2, 29), d(2024, 2, 29), 16),  # leap year: the birthday itself
    (d(2008, 2, 29), d(2025, 2, 28), 17),  # common year: 28 February (民法典第二百零二条)
    (d(2008, 2, 29), d(2025, 2, 27), 16),
    (d(2008, 12, 31), d(2024, 12, 30), 15),
    (d(2008, 12, 31), d(2024, 12, 31), 16),
    (d(2009, 1, 1), d(2024, 12, 31), 15),
])
def test_reg5_age_in_whole_years_at_leap_days_and_year_ends(born, today, age):
    assert full_years(born, today) == age


def test_reg6_years_since_a_certificate_use_the_same_rule():
    from registration.services import eligibility

    assert eligibility._full_years(d(2020, 2, 29), d(2023, 2, 28)) == 3
    assert eligibility._full_years(d(2020, 2, 29), d(2023, 2, 27)) == 2


@pytest.mark.django_db
def test_exam8_pass_is_kept_to_the_anniversary_across_a_leap_day():
    from exams.marking import pass_kept_until

    class Session:  # pass_kept_until reads only the exam day
        day = d(2027, 11, 18)

    assert pass_kept_until(Session) == d(2028, 11, 18)  # 365 days gave 2028-11-17
    Session.day = d(2028, 2, 29)
    assert pass_kept_until(Session) == d(2029, 2, 28)


# --- Working days (CAL-3, CAL-4, EXAM-7, CERT-3) ---------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(("appraisal_day", "extension", "deadline"), [
    # 国庆、中秋 2017-10-01..08 off, Saturday 09-30 a working day: the holiday spans the count.
    (d(2017, 10, 16), 0, d(2017, 9, 26)),
    (d(2017, 10, 16), 2, d(2017, 9, 28)),
    # Year end: 元旦 2017-12-30..2018-01-01 off.
    (d(2018, 1, 12), 0, d(2017, 12, 28)),
    (d(2018, 1, 12), 1, d(2017, 12, 29)),
    (d(2018, 1, 12), 2, d(2018, 1, 2)),
    # 春节 2018-02-15..21 off, Sunday 02-11 and Saturday 02-24 working.
    (d(2018, 2, 26), 0, d(2018, 2, 7)),
    # A leap year's 29 February counted as an ordinary Thursday (2024).
    (d(2024, 3, 14), 0, d(2024, 2, 29)),
])
def test_cal3_cal4_registration_deadline_across_holidays_year_ends_and_leap_days(appraisal_day, extension, deadline):
    assert registration_deadline(appraisal_day, extension) == deadline


@pytest.mark.django_db
@given(day=KNOWN, n=st.integers(min_value=1, max_value=25))
@PROPERTY
def test_cal4_exam7_cert3_add_working_days_lands_on_a_working_day_n_days_on(day, n):
    calendar = WorkdayCalendar()
    later = add_working_days(day, n, calendar=calendar)
    assert later > day and calendar.is_working_day(later)
    assert working_days_between(day, later) == n
    earlier = add_working_days(day, -n, calendar=calendar)
    assert earlier < day and calendar.is_working_day(earlier)
    assert working_days_between(earlier - ONE, day - ONE) == n  # [earlier, day) holds n working days
    if calendar.is_working_day(day):
        assert add_working_days(later, -n, calendar=calendar) == day  # forth and back is the identity


@pytest.mark.django_db
@given(day=st.dates(min_value=d(2017, 2, 1), max_value=d(2026, 12, 31)))
@PROPERTY
def test_cal3_deadline_is_a_working_day_and_later_with_each_extension_day(day):
    calendar = WorkdayCalendar()
    deadlines = [registration_deadline(day, extension, calendar=calendar) for extension in (0, 1, 2)]
    assert deadlines[0] < deadlines[1] < deadlines[2] < day
    for extension, deadline in enumerate(deadlines):
        assert calendar.is_working_day(deadline)
        # The deadline and the working days after it, before the appraisal day, number 10 - extension.
        assert working_days_between(deadline - ONE, day - ONE) == 10 - extension


@pytest.mark.django_db
def test_cal4_adjusted_working_days_on_weekends_count():
    assert d(2017, 9, 30).weekday() == 5 and is_working_day(d(2017, 9, 30))  # 国庆调休, a Saturday
    assert add_working_days(d(2017, 9, 29), 1) == d(2017, 9, 30)
    assert d(2018, 2, 11).weekday() == 6 and is_working_day(d(2018, 2, 11))  # 春节调休, a Sunday


@pytest.mark.django_db
def test_cal4_a_count_running_into_an_unmaintained_year_is_refused_not_guessed():
    from appraisal.models import WorkdayOverride

    WorkdayOverride.objects.filter(day__year=2031).delete()
    with pytest.raises(CalendarUnknown) as caught:
        add_working_days(d(2031, 1, 20), 3)
    assert "2031年的法定节假日尚未维护" in caught.value.messages[0]


@pytest.mark.django_db
def test_exam7_cert3_publication_and_delivery_over_the_year_end():
    from certificates.services.issuing import delivery_due

    # 2017-12-29 (Friday) + 15 working days, 元旦 2018-01-01 off: 2018-01-22.
    assert delivery_due(d(2017, 12, 29)) == d(2018, 1, 22)
    assert working_days_between(d(2017, 12, 29), d(2018, 1, 22)) == 15

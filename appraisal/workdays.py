"""Working-day arithmetic (CAL-3, CAL-4, EXAM-7, CERT-3): the one place that counts working days,
and the one place that counts calendar years (EXAM-8 "one year", ages and years of work, REG-5/6).

China's official calendar comes from the `chinese-calendar` package (statutory holidays off,
adjusted working days on). Staff can override any day in the database (`WorkdayOverride`); a year
the package does not know counts as maintained once it has at least one override, and its other
days follow the ordinary Monday-to-Friday week. A date in a year nobody maintains is refused:
guessing a holiday wrong would move a legal deadline.
"""

from __future__ import annotations

import datetime
from functools import lru_cache

import chinese_calendar
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from appraisal.models import WorkdayOverride

OVERRIDES_CACHE_SECONDS = 3600
MAX_EXTENSION_DAYS = 2
REGISTRATION_CLOSE_WORKING_DAYS = 10


def overrides_cache_key(year: int) -> str:
    return f"appraisal:workday-overrides:{year}"


class CalendarUnknown(ValidationError):
    """A date in a year neither chinese-calendar nor the database overrides know."""


@lru_cache(maxsize=64)
def library_knows(year: int) -> bool:
    """Does chinese-calendar hold this year's holidays? (CAL-4: if not, the province enters them.)"""
    try:
        chinese_calendar.is_workday(datetime.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


class WorkdayCalendar:
    """A view of the calendar with the overrides loaded once per year it touches."""

    def __init__(self):
        self._overrides: dict[int, dict[datetime.date, bool]] = {}

    def _year_overrides(self, year: int) -> dict[datetime.date, bool]:
        if year not in self._overrides:
            # Shared cache: deadlines are computed on hot paths (every submission); the signals in
            # appraisal/signals.py forget a year whenever one of its overrides changes.
            key = overrides_cache_key(year)
            overrides = cache.get(key)
            if overrides is None:
                overrides = dict(WorkdayOverride.objects.filter(day__year=year).values_list("day", "is_working_day"))
                cache.set(key, overrides, OVERRIDES_CACHE_SECONDS)
            self._overrides[year] = overrides
        return self._overrides[year]

    def is_working_day(self, day: datetime.date) -> bool:
        overrides = self._year_overrides(day.year)
        if day in overrides:
            return overrides[day]
        if library_knows(day.year):
            return chinese_calendar.is_workday(day)
        if overrides:
            return day.weekday() < 5
        raise CalendarUnknown(
            _("%(year)d年的法定节假日尚未维护，无法计算工作日。该年度的节假日和调休安排由省职业技能鉴定中心在“工作日历维护”中录入。")
            % {"year": day.year},
            code="calendar_unknown",
        )

    def add_working_days(self, day: datetime.date, n: int) -> datetime.date:
        step = 1 if n > 0 else -1
        remaining = abs(n)
        current = day
        while remaining:
            current += datetime.timedelta(days=step)
            if self.is_working_day(current):
                remaining -= 1
        return current


def is_working_day(day: datetime.date) -> bool:
    return WorkdayCalendar().is_working_day(day)


def add_working_days(day: datetime.date, n: int, *, calendar: WorkdayCalendar | None = None) -> datetime.date:
    """The n-th working day after `day` (n > 0) or before it (n < 0), not counting `day` itself;
    `day` unchanged for n == 0. Pass one `calendar` to compute many dates with one query a year."""
    if not isinstance(n, int) or isinstance(n, bool):
        raise ValidationError(_("工作日数必须是整数。"), code="invalid_n")
    return (calendar or WorkdayCalendar()).add_working_days(day, n)


def validate_extension_days(extension_days) -> int:
    valid = isinstance(extension_days, int) and not isinstance(extension_days, bool)
    if not valid or extension_days not in range(MAX_EXTENSION_DAYS + 1):
        raise ValidationError(
            _("报名截止只能延长0、1或2个工作日，不能为“%(value)s”。") % {"value": extension_days},
            code="invalid_extension",
        )
    return extension_days


def registration_deadline(
    appraisal_day: datetime.date, extension_days: int = 0, *, calendar: WorkdayCalendar | None = None
) -> datetime.date:
    """CAL-3: registration closes at the end of the 10th working day before the appraisal day (the
    appraisal day itself not counted); a locality may extend it by 1 or 2 working days."""
    validate_extension_days(extension_days)
    return add_working_days(appraisal_day, -REGISTRATION_CLOSE_WORKING_DAYS + extension_days, calendar=calendar)


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    calendar = WorkdayCalendar()
    count, current = 0, start
    while current < end:
        current += datetime.timedelta(days=1)
        if calendar.is_working_day(current):
            count += 1
    return count


# --- Calendar years (EXAM-8 kept passes, REG-5 ages, REG-6 years of work) ------------------------


def add_years(day: datetime.date, years: int) -> datetime.date:
    """The same date `years` later (or earlier): a period counted in years ends on the corresponding
    day, and where that month has no such day (29 February in a common year) on the month's last
    day, 28 February (民法典第二百零二条). So "one year" is the calendar anniversary, never 365 days,
    which fell a day short whenever a 29 February lay in between."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a common year
        return day.replace(year=day.year + years, day=28)


def full_years(since: datetime.date, today: datetime.date) -> int:
    """Whole years from `since` to `today` (周岁, years of work): the largest n whose anniversary
    add_years(since, n) is on or before `today`. Someone born on 29 February turns a year older
    on 28 February of a common year, by the same rule as add_years. Negative when `since` is later."""
    years = today.year - since.year
    if add_years(since, years) > today:
        years -= 1
    return years

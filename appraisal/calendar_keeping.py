"""CAL-4: the province keeps the working-day calendar of a year the calendar library does not know
(or corrects one it does): the year's statutory holidays and adjusted working days (调休) entered as
date ranges, checked whole, previewed (working days per month, the registration deadlines they
move, CAL-3) and saved at once as the year's `WorkdayOverride` rows, the same rows and cache the
working-day arithmetic reads (appraisal/workdays.py).

Only province staff keep it (authority.is_province_staff); everyone else reads the result."""

from __future__ import annotations

import calendar as month_calendar
import contextlib
import datetime
from dataclasses import dataclass

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from appraisal import authority
from appraisal.models import ScheduledAppraisalDay, WorkdayOverride
from appraisal.workdays import (
    CalendarUnknown,
    WorkdayCalendar,
    library_knows,
    overrides_cache_key,
    registration_deadline,
)

MAX_RANGE_DAYS = 31  # the longest arrangement (春节 and 国庆) is 8 days; a month is a typo
MIN_YEAR, MAX_YEAR = 2000, 2100
WEEKDAYS = "一二三四五六日"


@dataclass(frozen=True)
class DayRange:
    first: datetime.date
    last: datetime.date
    name: str = ""

    def days(self):
        day = self.first
        while day <= self.last:
            yield day
            day += datetime.timedelta(days=1)


def year_is_maintained(year: int) -> bool:
    """Whether the working days of `year` can be counted: the library knows it, or the province
    entered at least one day of it (the rule of workdays.WorkdayCalendar)."""
    return library_knows(year) or bool(WorkdayCalendar()._year_overrides(year))


def plan_year(*, year: int, holidays: list[DayRange], working_days: list[DayRange]) -> dict[datetime.date, tuple[bool, str]]:
    """The overrides a year's arrangement makes, {day: (is working day, name)}; refuses the whole
    arrangement with every mistake named (a day outside the year, a range backwards or too long,
    a day both off and on, an adjusted working day that is no weekend day)."""
    errors: dict[str, list[str]] = {"holidays": [], "working_days": []}
    if not (MIN_YEAR <= year <= MAX_YEAR):
        raise ValidationError({"year": ValidationError(
            _("年度必须在%(min)d到%(max)d之间。") % {"min": MIN_YEAR, "max": MAX_YEAR}, code="year")})
    if not holidays:
        errors["holidays"].append(_("请至少录入一段法定节假日（如元旦）。"))
    plan: dict[datetime.date, tuple[bool, str]] = {}
    for field, ranges, working in (("holidays", holidays, False), ("working_days", working_days, True)):
        for item in ranges:
            label = f"{item.first:%Y-%m-%d}" + (f"至{item.last:%Y-%m-%d}" if item.last != item.first else "")
            if item.last < item.first:
                errors[field].append(_("%(range)s：结束日期早于开始日期。") % {"range": label})
                continue
            if (item.last - item.first).days + 1 > MAX_RANGE_DAYS:
                errors[field].append(_("%(range)s：一段不能超过%(n)d天。") % {"range": label, "n": MAX_RANGE_DAYS})
                continue
            if item.first.year != year or item.last.year != year:
                errors[field].append(_("%(range)s：不在%(year)d年内（跨年的假期请分别在两个年度录入）。")
                                     % {"range": label, "year": year})
                continue
            for day in item.days():
                if working and day.weekday() < 5:
                    errors[field].append(_("%(day)s是星期%(w)s，调休上班日应为周六或周日。")
                                         % {"day": f"{day:%Y-%m-%d}", "w": WEEKDAYS[day.weekday()]})
                elif day in plan and plan[day][0] != working:
                    errors[field].append(_("%(day)s同时录入为休息日和上班日。") % {"day": f"{day:%Y-%m-%d}"})
                else:
                    plan[day] = (working, item.name[:60])
    errors = {field: messages for field, messages in errors.items() if messages}
    if errors:
        raise ValidationError(errors)
    return plan


def _calendar_with(year: int, plan: dict[datetime.date, tuple[bool, str]]) -> WorkdayCalendar:
    calendar = WorkdayCalendar()
    calendar._overrides[year] = {day: working for day, (working, _name) in plan.items()}
    return calendar


@dataclass(frozen=True)
class MovedDeadline:
    scheduled: ScheduledAppraisalDay
    before: datetime.date | None  # None: 待公布 until now
    after: datetime.date | None


def preview(user, *, year: int, plan: dict[datetime.date, tuple[bool, str]]) -> dict:
    """What the arrangement means before it is saved: working days per month, and the CAL-3
    deadlines of the scheduled days in the user's scope that it moves (a deadline counts back
    into the year from days up to the end of January after it)."""
    proposed = _calendar_with(year, plan)
    months = []
    for month in range(1, 13):
        last = month_calendar.monthrange(year, month)[1]
        days = [datetime.date(year, month, n) for n in range(1, last + 1)]
        months.append({"month": month, "working": sum(proposed.is_working_day(day) for day in days),
                       "days": last})
    current = WorkdayCalendar()
    scheduled = authority.scope_queryset(
        user, ScheduledAppraisalDay.objects.filter(
            day__gte=datetime.date(year, 1, 1), day__lte=datetime.date(year + 1, 1, 31)).select_related("center"),
        "center").order_by("day", "center__division_code", "pk")
    moved = []
    for item in scheduled:
        before = after = None
        with contextlib.suppress(CalendarUnknown):
            before = registration_deadline(item.day, item.registration_extension_days, calendar=current)
        with contextlib.suppress(CalendarUnknown):
            after = registration_deadline(item.day, item.registration_extension_days, calendar=proposed)
        if before != after:
            moved.append(MovedDeadline(item, before, after))
    return {"months": months, "working_total": sum(m["working"] for m in months), "moved": moved}


@transaction.atomic
def save_year(*, actor, year: int, holidays: list[DayRange], working_days: list[DayRange]) -> int:
    """CAL-4: the province saves a year's arrangement; it replaces every override of that year, so
    the page shows exactly what the calendar uses. Returns the number of days saved."""
    if not authority.is_province_staff(actor):
        raise PermissionDenied(_("只有省职业技能鉴定中心的工作人员可以维护工作日历。"))
    plan = plan_year(year=year, holidays=holidays, working_days=working_days)
    WorkdayOverride.objects.filter(day__year=year).delete()
    WorkdayOverride.objects.bulk_create([
        WorkdayOverride(day=day, is_working_day=working, name=name) for day, (working, name) in sorted(plan.items())
    ])
    # bulk_create sends no post_save: forget the year's cached overrides here, and again after the
    # commit so no reader caches the old rows in between.
    cache.delete(overrides_cache_key(year))
    transaction.on_commit(lambda: cache.delete(overrides_cache_key(year)))
    return len(plan)


def saved_ranges(year: int) -> tuple[list[DayRange], list[DayRange]]:
    """The year's saved overrides, consecutive days of one kind and name joined into ranges, for
    the form to show what is in force."""
    holidays: list[DayRange] = []
    working: list[DayRange] = []
    for override in WorkdayOverride.objects.filter(day__year=year).order_by("day"):
        target = working if override.is_working_day else holidays
        last = target[-1] if target else None
        if last and last.name == override.name and last.last + datetime.timedelta(days=1) == override.day:
            target[-1] = DayRange(last.first, override.day, last.name)
        else:
            target.append(DayRange(override.day, override.day, override.name))
    return holidays, working

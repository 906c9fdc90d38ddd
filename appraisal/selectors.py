"""Reads for the core pages and API; every one takes the acting user and scopes through the
authority engine (ORG-8)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, QuerySet

from appraisal import authority
from appraisal.models import (
    Center,
    Occupation,
    RetakeDay,
    Role,
    ScheduledAppraisalDay,
    UnifiedAppraisal,
)
from appraisal.workdays import CalendarUnknown, WorkdayCalendar, registration_deadline


@dataclass(frozen=True)
class UpcomingDay:
    scheduled: ScheduledAppraisalDay
    deadline: datetime.date | None  # None when the calendar for that year is not maintained
    registration_open: bool


def centers_for(user) -> QuerySet[Center]:
    return (
        authority.visible_centers(user)
        .select_related("parent")
        .prefetch_related("grants")
        .annotate(staff_count=Count("staff", distinct=True))
        .order_by("division_code", "name")
    )


def _with_deadlines(days, today) -> list[UpcomingDay]:
    calendar = WorkdayCalendar()  # one override query per year for the whole list
    result = []
    for scheduled in days:
        try:
            deadline = registration_deadline(
                scheduled.day, scheduled.registration_extension_days, calendar=calendar
            )
        except CalendarUnknown:
            deadline = None
        result.append(UpcomingDay(scheduled, deadline, deadline is not None and today <= deadline))
    return result


def upcoming_appraisal_days(user, *, today: datetime.date, limit: int = 20) -> list[UpcomingDay]:
    """The scheduled daily appraisal days a user should know about, with registration deadlines
    (CAL-3): staff see those of the centers in their scope; a candidate those of the centers
    that could appraise them."""
    days = ScheduledAppraisalDay.objects.filter(day__gte=today).select_related("center")
    if user.role == Role.CANDIDATE:
        centers = [c.pk for c in authority.candidate_centers(user)]
        days = days.filter(center_id__in=centers)
    else:
        days = authority.scope_queryset(user, days, "center")
    return _with_deadlines(days.order_by("day", "center__division_code")[:limit], today)


def upcoming_unified_appraisals(*, today: datetime.date, limit: int = 4) -> QuerySet[UnifiedAppraisal]:
    return UnifiedAppraisal.objects.filter(second_day__gte=today).order_by("first_day")[:limit]


def upcoming_retake_days(*, today: datetime.date) -> QuerySet[RetakeDay]:
    return RetakeDay.objects.filter(day__gte=today).order_by("day")


def occupations() -> QuerySet[Occupation]:
    return Occupation.objects.prefetch_related("levels").order_by("category", "code", "name")

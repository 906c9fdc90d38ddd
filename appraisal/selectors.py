"""Reads for the core pages and API; every one takes the acting user and scopes through the
authority engine (ORG-8)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, QuerySet

from appraisal import authority
from appraisal.models import (
    BackgroundJob,
    Center,
    CenterKind,
    Occupation,
    PersonalDataAccess,
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

    @property
    def status(self) -> str:
        """"open" (报名中), "closed" (已截止) or "pending" (待公布: the deadline cannot be computed
        until the year's statutory holidays are published)."""
        if self.deadline is None:
            return "pending"
        return "open" if self.registration_open else "closed"


def centers_with_levels(user) -> list[Center]:
    """The centers page: each visible center with `statutory_levels` from the authority engine."""
    centers = list(centers_for(user))
    for center in centers:
        center.statutory_levels = authority.statutory_levels(center)
    return centers


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
    days = appraisal_days_for(user).filter(day__gte=today)
    return _with_deadlines(days[:limit], today)


def appraisal_days_for(user) -> QuerySet[ScheduledAppraisalDay]:
    """The scheduled daily appraisal days a user may see, in date order: staff those of the centers
    in their scope; a candidate those of the centers that could appraise them; nobody else any."""
    days = ScheduledAppraisalDay.objects.select_related("center").order_by("day", "center__division_code")
    if user.is_authenticated and user.role == Role.CANDIDATE:
        return days.filter(center_id__in=[c.pk for c in authority.candidate_centers(user)])
    return authority.scope_queryset(user, days, "center")


def upcoming_unified_appraisals(*, today: datetime.date, limit: int = 4) -> QuerySet[UnifiedAppraisal]:
    return UnifiedAppraisal.objects.filter(second_day__gte=today).order_by("first_day")[:limit]


def upcoming_retake_days(*, today: datetime.date) -> QuerySet[RetakeDay]:
    return RetakeDay.objects.filter(day__gte=today).order_by("day")


def occupations() -> QuerySet[Occupation]:
    return Occupation.objects.prefetch_related("levels").order_by("category", "code", "name")


# --- The public calendar: every center's upcoming scheduled days (CAL-3) -----------------------

PUBLIC_DAYS_AHEAD = 60
CENTER_SUFFIX = "职业技能鉴定中心"


@dataclass
class CityDays:
    """One city's (or the province level's) upcoming days on the public calendar."""

    city: Center | None  # None: the province center and the bodies directly under it
    label: str
    days: list[UpcomingDay] = field(default_factory=list)

    @property
    def open_count(self) -> int:
        return sum(1 for item in self.days if item.status == "open")


def short_center_name(name: str) -> str:
    """长春市职业技能鉴定中心 -> 长春市: the place, for lists that are about places."""
    return name.removesuffix(CENTER_SUFFIX) or name


def public_cities() -> QuerySet[Center]:
    """The prefecture-level centers a visitor can filter the public calendar by, in code order."""
    return Center.objects.filter(kind=CenterKind.CITY, is_active=True).order_by(
        F("division_code").asc(nulls_last=True), "name"
    )


def _city_of(center: Center) -> Center | None:
    if center.kind == CenterKind.CITY:
        return center
    parent = center.parent
    return parent if parent is not None and parent.kind == CenterKind.CITY else None


def public_upcoming_days(
    *, today: datetime.date, days_ahead: int = PUBLIC_DAYS_AHEAD, city: Center | None = None
) -> list[CityDays]:
    """Public (no user): the scheduled appraisal days of all active centers from today through
    `days_ahead` days ahead, with registration deadlines and status, grouped by city in division
    code order (the province level first). One query for the days, plus at most one per calendar
    year for the working-day overrides (usually cached), whatever the number of days."""
    queryset = ScheduledAppraisalDay.objects.filter(
        day__gte=today, day__lte=today + datetime.timedelta(days=days_ahead), center__is_active=True
    ).select_related("center__parent")
    if city is not None:
        queryset = queryset.filter(Q(center=city) | Q(center__parent=city))
    ordered = queryset.order_by("day", F("center__division_code").asc(nulls_last=True), "center__name")
    items = _with_deadlines(ordered, today)
    groups: dict[int | None, CityDays] = {}
    for item in items:
        owner = _city_of(item.scheduled.center)
        key = owner.pk if owner else None
        if key not in groups:
            label = short_center_name(owner.name) if owner else "省级及直属鉴定机构"
            groups[key] = CityDays(owner, label)
        groups[key].days.append(item)
    return sorted(
        groups.values(),
        key=lambda g: (g.city is not None, g.city is not None and g.city.division_code is None,
                       g.city.division_code or "" if g.city else "", g.label),
    )


# --- Who saw personal data (read by the province center) -------------------------------------------


def personal_data_accesses(
    user, *, username: str = "", kind: str = "", date_from=None, date_to=None, application_id=None
) -> QuerySet[PersonalDataAccess]:
    """The access log, newest first, filtered; only the province center reads it."""
    if not authority.is_province_staff(user):
        return PersonalDataAccess.objects.none()
    accesses = PersonalDataAccess.objects.select_related("user", "user__center").order_by("-at", "-pk")
    if username:
        accesses = accesses.filter(Q(user__username__icontains=username) | Q(user__full_name__icontains=username))
    if kind:
        accesses = accesses.filter(kind=kind)
    if date_from:
        accesses = accesses.filter(at__date__gte=date_from)
    if date_to:
        accesses = accesses.filter(at__date__lte=date_to)
    if application_id:
        accesses = accesses.filter(records__application_id=application_id)
    return accesses


def jobs_for(user) -> QuerySet[BackgroundJob]:
    """The background jobs a user started: nobody else sees them (they may hold an upload)."""
    if not user.is_authenticated:
        return BackgroundJob.objects.none()
    return BackgroundJob.objects.filter(owner=user)

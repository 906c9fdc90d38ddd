"""Quarterly figures computed in the database from the live records (STAT-1).

Each source of figures (applications, review decisions, scores, certificates) is read by one
aggregate query for the quarter: conditional Count/Sum with `filter=`, grouped at once by every
breakdown (center, level, occupation, kind of appraisal, kind of candidate). Python then only adds
up the groups, whose number is bounded by the breakdowns, never by the records; the number of
queries per quarter is constant, whatever the number of centers. "Under a center" is the authority
engine's (`authority.under_center`, `authority.counted_in`).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import BooleanField, Case, CharField, Count, F, IntegerField, Q, Sum, Value, When
from django.db.models.functions import TruncQuarter
from django.utils import timezone
from django.utils.translation import gettext as _

from appraisal import authority
from appraisal.models import Center, CenterKind, Level, Occupation
from certificates.models import Certificate
from exams.models import DisciplineIncident, IncidentMeasure, Score, SessionStatus
from registration.models import Application, ApplicationTransition, Status
from stats.definitions import (
    APPRAISAL_KINDS,
    BREAKDOWN_KEYS,
    CANDIDATE_KINDS,
    COUNT_KEYS,
    FIGURE_KEYS,
    MONEY_KEYS,
    TREND_QUARTERS,
)

ZERO_MONEY = Decimal("0.00")


# --- Quarters ---------------------------------------------------------------------------------


def quarter_bounds(year: int, quarter: int) -> tuple[datetime.date, datetime.date]:
    """First day of the quarter and first day of the next one."""
    start = datetime.date(year, 3 * quarter - 2, 1)
    end = datetime.date(year + 1, 1, 1) if quarter == 4 else datetime.date(year, 3 * quarter + 1, 1)
    return start, end


def quarter_of(day: datetime.date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def current_quarter(today: datetime.date | None = None) -> tuple[int, int]:
    return quarter_of(today or timezone.localdate())


def previous_quarter(year: int, quarter: int) -> tuple[int, int]:
    return (year - 1, 4) if quarter == 1 else (year, quarter - 1)


def last_quarters(year: int, quarter: int, count: int) -> list[tuple[int, int]]:
    """`count` quarters ending with (year, quarter), oldest first."""
    quarters = [(year, quarter)]
    while len(quarters) < count:
        quarters.append(previous_quarter(*quarters[-1]))
    return quarters[::-1]


def first_quarter() -> tuple[int, int]:
    """The first quarter the system holds data for (setting STATS_FIRST_YEAR, its first quarter)."""
    return getattr(settings, "STATS_FIRST_YEAR", 2016), 1


def check_quarter(year, quarter, *, today: datetime.date | None = None) -> tuple[int, int]:
    """The quarter as two ints, or a Chinese ValidationError: not a quarter, in the future, or before
    the system's data starts."""
    try:
        year, quarter = int(year), int(quarter)
    except (TypeError, ValueError) as exc:
        raise ValidationError(_("年度和季度须为数字。")) from exc
    if quarter not in (1, 2, 3, 4):
        raise ValidationError(_("季度只能是1至4。"))
    if (year, quarter) < first_quarter():
        raise ValidationError(_("%(year)s年第%(quarter)s季度早于本系统数据起始时间（%(first)s年）。")
                              % {"year": year, "quarter": quarter, "first": first_quarter()[0]})
    if (year, quarter) > current_quarter(today):
        raise ValidationError(_("%(year)s年第%(quarter)s季度尚未开始，不能统计。") % {"year": year, "quarter": quarter})
    return year, quarter


def _aware(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


# --- The breakdown expressions, from any model that reaches the application --------------------


def _dimensions(prefix: str) -> dict:
    """Each breakdown as one expression whose value is the breakdown's key, for a query whose rows
    reach the application via `prefix`: what `records` filters one breakdown row by."""
    return {
        "d_center": F(f"{prefix}center_id"),
        "d_level": F(f"{prefix}level"),
        "d_occupation": F(f"{prefix}occupation_id"),
        "d_appraisal_kind": Case(
            When(**{f"{prefix}unified_appraisal__isnull": True}, then=Value("daily")),
            default=F(f"{prefix}occupation__category"), output_field=CharField()),
        "d_candidate_kind": Case(
            When(**{f"{prefix}candidate__school__isnull": False}, then=Value("school_student")),
            When(**{f"{prefix}candidate__employer_body__kind": CenterKind.AFFILIATED_UNIT},
                 then=Value("affiliated_unit")),
            When(**{f"{prefix}candidate__employer_body__isnull": False}, then=Value("enterprise_employee")),
            default=Value("other"), output_field=CharField()),
    }


# The kind of candidate as a small integer in the GROUP BY (named in Python by _candidate_kind):
# grouping by the text CASE above made PostgreSQL sort every row on collated strings, and the kind
# of appraisal needs no expression at all (a flag, and the occupation's category looked up after).
CANDIDATE_KIND_CODES = ("school_student", "affiliated_unit", "enterprise_employee", "other")


def _group_columns(prefix: str) -> dict:
    """The grouping columns of the aggregates: integers and a boolean only, one join (the candidate,
    and the employer body's kind)."""
    return {
        "d_center": F(f"{prefix}center_id"),
        "d_level": F(f"{prefix}level"),
        "d_occupation": F(f"{prefix}occupation_id"),
        "d_unified": Case(When(**{f"{prefix}unified_appraisal__isnull": True}, then=Value(False)),
                          default=Value(True), output_field=BooleanField()),
        "d_candidate": Case(
            When(**{f"{prefix}candidate__school__isnull": False}, then=Value(0)),
            When(**{f"{prefix}candidate__employer_body__kind": CenterKind.AFFILIATED_UNIT}, then=Value(1)),
            When(**{f"{prefix}candidate__employer_body__isnull": False}, then=Value(2)),
            default=Value(3), output_field=IntegerField()),
    }


def _appraisal_kind(row: dict, categories: dict) -> str:
    """As `_dimensions`' d_appraisal_kind: daily unless a unified appraisal, else the occupation's category."""
    return categories[row["d_occupation"]] if row["d_unified"] else "daily"


def _grouped(queryset, prefix: str, aggregates: dict, *, grouped: bool):
    """Rows of {dimension: value, figure: value}: one per group, or a single row when not grouped."""
    queryset = queryset.order_by()  # a model's default ordering would join the GROUP BY
    if not grouped:
        return [queryset.aggregate(**aggregates)]
    dims = _group_columns(prefix)
    return list(queryset.annotate(**dims).values(*dims).annotate(**aggregates))


def _application_rows(center, start, end, grouped):
    since, until = _aware(start), _aware(end)
    received = Q(submitted_at__gte=since, submitted_at__lt=until)
    paid = Q(fee_paid=True, fee_paid_at__gte=since, fee_paid_at__lt=until)
    queryset = Application.objects.filter(authority.under_center(center)).filter(received | paid)
    return _grouped(queryset, "", {
        "applied": Count("pk", filter=received),
        "retakes": Count("pk", filter=received & Q(is_retake=True)),
        "fees_due": Sum("fee_due", filter=received & Q(status=Status.APPROVED)),
        "fees_paid": Sum("fee_due", filter=paid),
    }, grouped=grouped)


def _review_rows(center, start, end, grouped):
    queryset = ApplicationTransition.objects.filter(
        authority.under_center(center, "application__center"),
        at__gte=_aware(start), at__lt=_aware(end),
        to_status__in=(Status.APPROVED, Status.REJECTED, Status.RETURNED))
    return _grouped(queryset, "application__", {
        key: Count("application", distinct=True, filter=Q(to_status=status))
        for key, status in (("approved", Status.APPROVED), ("rejected", Status.REJECTED),
                            ("returned", Status.RETURNED))
    }, grouped=grouped)


def _not_qualified() -> Q:
    """A score whose application is not qualified: it failed, or its application has a subject
    made void or was disqualified (EXAM-11), whether or not a score was entered before the measure
    (none may be entered after it). One hashed IN list of the few applications with a measure,
    instead of joining the incidents to every score."""
    measured = DisciplineIncident.objects.filter(
        measure__in=(IncidentMeasure.DISQUALIFIED, IncidentMeasure.SUBJECT_VOID)).values("application_id")
    return Q(passed=False) | Q(application_id__in=measured)


def _appraisal_filter(center, start, end):
    return Score.objects.filter(authority.under_center(center, "application__center"),
                                session__status=SessionStatus.PUBLISHED,
                                session__day__gte=start, session__day__lt=end)


def _score_rows(center, start, end, grouped):
    return _grouped(_appraisal_filter(center, start, end), "application__", {
        "appraised": Count("application", distinct=True),
        "not_qualified": Count("application", distinct=True, filter=_not_qualified()),
    }, grouped=grouped)


def _certificate_rows(center, start, end, grouped):
    issued = Q(issued_on__gte=start, issued_on__lt=end)
    delivered = Q(delivered_on__gte=start, delivered_on__lt=end)
    revoked = Q(revoked_on__gte=start, revoked_on__lt=end)
    queryset = Certificate.objects.filter(authority.under_center(center, "application__center")).filter(
        issued | delivered | revoked)
    return _grouped(queryset, "application__", {
        "certified": Count("pk", filter=issued),
        "delivered": Count("pk", filter=delivered),
        "delivered_on_time": Count("pk", filter=delivered & Q(due_on__isnull=False, delivered_on__lte=F("due_on"))),
        "revoked": Count("pk", filter=revoked),
    }, grouped=grouped)


SOURCES = (_application_rows, _review_rows, _score_rows, _certificate_rows)


# --- Adding up ----------------------------------------------------------------------------------


def _empty() -> dict:
    figures = dict.fromkeys(COUNT_KEYS, 0)
    figures.update(dict.fromkeys(MONEY_KEYS, ZERO_MONEY))
    figures["not_qualified"] = 0
    return figures


def _add(figures: dict, row: dict) -> None:
    for key, value in row.items():
        if key in figures and value:
            figures[key] += value


def _finish(figures: dict) -> dict:
    """The figures in FIGURES order: qualified and the pass rate derived, money to the fen."""
    figures = dict(figures)
    figures["qualified"] = figures["appraised"] - figures.pop("not_qualified")
    figures["pass_rate"] = round(figures["qualified"] / figures["appraised"], 4) if figures["appraised"] else None
    for key in MONEY_KEYS:
        figures[key] = Decimal(figures[key]).quantize(ZERO_MONEY)
    return {key: figures[key] for key in FIGURE_KEYS}


def quarter_totals(center: Center, year: int, quarter: int) -> dict:
    """Every figure of the quarter for everything under `center` (four queries). The keys applied,
    appraised, qualified and certified are pinned for reuse by other parts and by checks."""
    start, end = quarter_bounds(year, quarter)
    figures = _empty()
    for source in SOURCES:
        for row in source(center, start, end, False):
            _add(figures, row)
    return _finish(figures)


def trend(center: Center, year: int, quarter: int, count: int = TREND_QUARTERS) -> list[dict]:
    """Appraised, qualified and the pass rate of the last `count` quarters up to (year, quarter):
    one query grouped by quarter."""
    quarters = last_quarters(year, quarter, count)
    start, end = quarter_bounds(*quarters[0])[0], quarter_bounds(*quarters[-1])[1]
    # Grouped by the quarter's first day (a date): EXTRACT returns numerics, which PostgreSQL
    # compares several times slower when it sorts the scores for COUNT(DISTINCT).
    rows = (_appraisal_filter(center, start, end).order_by()
            .annotate(first_day=TruncQuarter("session__day")).values("first_day")
            .annotate(appraised=Count("application", distinct=True),
                      not_qualified=Count("application", distinct=True, filter=_not_qualified())))
    found = {quarter_of(row["first_day"]): row for row in rows}
    points = []
    for y, q in quarters:
        row = found.get((y, q), {"appraised": 0, "not_qualified": 0})
        appraised, qualified = row["appraised"], row["appraised"] - row["not_qualified"]
        points.append({"year": y, "quarter": q, "appraised": appraised, "qualified": qualified,
                       "pass_rate": round(qualified / appraised, 4) if appraised else None})
    return points


def quarter_figures(center: Center, year: int, quarter: int) -> dict:
    """The quarter of everything under `center`: totals, every breakdown and the trend of the last
    eight quarters, in a constant number of queries (four grouped reads, the trend, the centers and
    the occupations' names)."""
    start, end = quarter_bounds(year, quarter)
    placement = authority.counted_in(center)
    rows = [row for source in SOURCES for row in source(center, start, end, True)]
    occupations = {pk: (name, category) for pk, name, category in Occupation.objects.filter(
        pk__in={row["d_occupation"] for row in rows}).values_list("pk", "name", "category")}
    categories = {pk: category for pk, (_name, category) in occupations.items()}
    totals = _empty()
    parts: dict[str, dict] = {key: defaultdict(_empty) for key in BREAKDOWN_KEYS}
    for row in rows:
        values = {k: v for k, v in row.items() if not k.startswith("d_")}
        _add(totals, values)
        keys = {
            "level": row["d_level"], "occupation": row["d_occupation"],
            "appraisal_kind": _appraisal_kind(row, categories),
            "candidate_kind": CANDIDATE_KIND_CODES[row["d_candidate"]],
            "center": placement[row["d_center"]].pk,
        }
        for breakdown, key in keys.items():
            _add(parts[breakdown][key], values)
    names = sorted(((pk, name) for pk, (name, _category) in occupations.items()), key=lambda item: item[1])
    return {
        "center": {"id": center.pk, "name": center.name},
        "year": year,
        "quarter": quarter,
        "totals": _finish(totals),
        "breakdowns": {
            "level": _rows(parts["level"], [(lv.value, lv.label) for lv in sorted(Level, reverse=True)]),
            "occupation": _rows(parts["occupation"], names, keep_empty=False),
            "appraisal_kind": _rows(parts["appraisal_kind"], APPRAISAL_KINDS),
            "candidate_kind": _rows(parts["candidate_kind"], CANDIDATE_KINDS),
            "center": _rows(parts["center"], _center_rows(center, placement)),
        },
        "trend": trend(center, year, quarter),
    }


def _center_rows(center, placement) -> list[tuple[int, str]]:
    """`center` itself (本级) first, then its children by division code and name."""
    children = sorted({c for c in placement.values() if c.pk != center.pk},
                      key=lambda c: (c.division_code or "999999", c.name))
    own = _("%(center)s（本级）") % {"center": center.name}
    return [(center.pk, own)] + [(c.pk, c.name) for c in children]


def _rows(found: dict, keys_and_labels, *, keep_empty: bool = True) -> list[dict]:
    rows = []
    for key, label in keys_and_labels:
        if key in found or keep_empty:
            rows.append({"key": key, "label": str(label), "figures": _finish(found.get(key, _empty()))})
    return rows

"""The records behind a figure (STAT-1): the applications or certificates one number of the quarter
page counts, with the same conditions as the aggregates in `figures`, narrowed to one breakdown row
and scoped by the authority engine. Each list is one paginated query (IN subqueries, never a
correlated one per row)."""

from __future__ import annotations

from django.db.models import F, Q

from appraisal import authority
from appraisal.models import Center
from certificates.models import Certificate
from exams.models import Score
from registration.models import Application, ApplicationTransition, Status
from stats.definitions import BREAKDOWN_KEYS, FIGURES_BY_KEY
from stats.selectors.figures import _appraisal_filter, _aware, _dimensions, _not_qualified, quarter_bounds

CERTIFICATE_FIGURES = ("certified", "delivered", "delivered_on_time", "revoked")
REVIEW = {"approved": Status.APPROVED, "rejected": Status.REJECTED, "returned": Status.RETURNED}


class UnknownFigure(ValueError):
    pass


def _narrow(queryset, prefix: str, center: Center, breakdown: str | None, key):
    if not breakdown:
        return queryset
    if breakdown not in BREAKDOWN_KEYS:
        raise UnknownFigure(breakdown)
    if breakdown == "center":
        child = authority.counted_in(center).get(_int(key))
        if child is None:
            return queryset.none()
        if child.pk == center.pk:  # 本级: the center's own records only
            return queryset.filter(**{f"{prefix}center_id": center.pk})
        return queryset.filter(authority.under_center(child, f"{prefix}center"))
    column = f"d_{breakdown}"
    value = _int(key) if breakdown in ("level", "occupation") else str(key)
    return queryset.annotate(**{column: _dimensions(prefix)[column]}).filter(**{column: value})


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def records_behind(center: Center, year: int, quarter: int, figure: str, breakdown: str | None = None,
                   key=None) -> tuple[str, object]:
    """("applications" | "certificates", queryset) of the records one figure counts."""
    if figure not in FIGURES_BY_KEY:
        raise UnknownFigure(figure)
    if figure == "pass_rate":
        figure = "appraised"
    start, end = quarter_bounds(year, quarter)
    since, until = _aware(start), _aware(end)
    if figure in CERTIFICATE_FIGURES:
        conditions = {
            "certified": Q(issued_on__gte=start, issued_on__lt=end),
            "delivered": Q(delivered_on__gte=start, delivered_on__lt=end),
            "delivered_on_time": Q(delivered_on__gte=start, delivered_on__lt=end, due_on__isnull=False,
                                   delivered_on__lte=F("due_on")),
            "revoked": Q(revoked_on__gte=start, revoked_on__lt=end),
        }
        queryset = Certificate.objects.filter(authority.under_center(center, "application__center"),
                                              conditions[figure])
        queryset = _narrow(queryset, "application__", center, breakdown, key)
        return "certificates", queryset.select_related("application__center", "occupation").order_by("-issued_on",
                                                                                                     "number")
    applications = Application.objects.filter(authority.under_center(center))
    received = Q(submitted_at__gte=since, submitted_at__lt=until)
    if figure == "applied":
        applications = applications.filter(received)
    elif figure == "retakes":
        applications = applications.filter(received, is_retake=True)
    elif figure == "fees_due":
        applications = applications.filter(received, status=Status.APPROVED)
    elif figure == "fees_paid":
        applications = applications.filter(fee_paid=True, fee_paid_at__gte=since, fee_paid_at__lt=until)
    elif figure in REVIEW:
        decided = ApplicationTransition.objects.filter(at__gte=since, at__lt=until, to_status=REVIEW[figure])
        applications = applications.filter(pk__in=decided.values("application_id"))
    else:
        sat = _appraisal_filter(center, start, end)
        applications = applications.filter(pk__in=sat.values("application_id"))
        if figure == "qualified":
            applications = applications.exclude(pk__in=Score.objects.filter(
                pk__in=sat.filter(_not_qualified()).values("pk")).values("application_id"))
    applications = _narrow(applications, "", center, breakdown, key)
    return "applications", applications.select_related("center", "occupation").order_by("center__division_code",
                                                                                        "pk")

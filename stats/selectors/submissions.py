"""Reads of the quarterly submissions (STAT-1), scoped by the authority engine: who may read
statistics at all, the center a user asks for, a quarter's report, two versions compared, and the
province's completeness and timeliness board."""

from __future__ import annotations

import difflib
from decimal import Decimal

from django.utils import timezone

from appraisal import authority
from appraisal.gates import CLERKS, HR_OFFICIALS, has_role
from appraisal.models import Center, CenterKind
from appraisal.workdays import CalendarUnknown
from stats.definitions import BREAKDOWNS, FIGURES, MONEY, RATE
from stats.models import QuarterAlert, QuarterReport, QuarterState, QuarterVersion

READERS = CLERKS | HR_OFFICIALS  # candidates, examiners and visitors see no statistics


def may_read(user) -> bool:
    return has_role(user, READERS) and (authority.sees_everything(user) or user.center_id is not None)


def center_for(user, center_id=None) -> Center:
    """The center whose figures the user asks for (their own by default); Center.DoesNotExist when
    it is outside their scope, so another county's figures are a 404."""
    if not may_read(user):
        raise Center.DoesNotExist
    if center_id in (None, ""):
        if user.center_id is None:
            return Center.objects.select_related("parent").get(kind=CenterKind.PROVINCE)
        center_id = user.center_id
    try:
        center_id = int(center_id)
    except (TypeError, ValueError):
        raise Center.DoesNotExist from None
    return authority.visible_centers(user).select_related("parent").get(pk=center_id)


def reports_for(user):
    if not may_read(user):
        return QuarterReport.objects.none()
    return authority.scope_queryset(user, QuarterReport.objects.select_related("center"), "center")


def report_for(user, pk) -> QuarterReport:
    return reports_for(user).get(pk=pk)


def province_center() -> Center:
    return Center.objects.get(kind=CenterKind.PROVINCE)


def report_of(center: Center, year: int, quarter: int) -> QuarterReport | None:
    return QuarterReport.objects.filter(center=center, year=year, quarter=quarter).first()


def versions_of(report: QuarterReport):
    return report.versions.select_related("submitted_by").order_by("number")


def transitions_of(report: QuarterReport):
    return report.transitions.select_related("actor", "version").order_by("at", "pk")


def _as_number(value, kind):
    if value is None:
        return None
    return Decimal(str(value)) if kind == MONEY else value


def version_diff(old: QuarterVersion, new: QuarterVersion) -> dict:
    """What changed from `old` to `new`: every figure that differs in the totals and in each
    breakdown row (rows present in only one version included), and the report text line by line."""
    kinds = {f.key: f.kind for f in FIGURES}
    labels = {f.key: str(f.label) for f in FIGURES}

    def changes(before: dict, after: dict) -> list[dict]:
        found = []
        for key in kinds:
            a, b = _as_number(before.get(key), kinds[key]), _as_number(after.get(key), kinds[key])
            if a != b:
                delta = None if a is None or b is None or kinds[key] == RATE else b - a
                found.append({"key": key, "label": labels[key], "old": a, "new": b, "delta": delta})
        return found

    totals = changes(old.figures["totals"], new.figures["totals"])
    breakdowns = []
    for breakdown in BREAKDOWNS:
        before = {str(r["key"]): r for r in old.figures["breakdowns"].get(breakdown.key, [])}
        after = {str(r["key"]): r for r in new.figures["breakdowns"].get(breakdown.key, [])}
        for key in list(before) + [k for k in after if k not in before]:
            row_changes = changes(before.get(key, {}).get("figures", {}), after.get(key, {}).get("figures", {}))
            if row_changes:
                label = (after.get(key) or before.get(key))["label"]
                breakdowns.append({"breakdown": str(breakdown.label), "label": label, "changes": row_changes})
    text = list(difflib.unified_diff(old.report_text.splitlines(), new.report_text.splitlines(),
                                     f"第{old.number}版", f"第{new.number}版", lineterm=""))
    return {"old": old, "new": new, "totals": totals, "breakdowns": breakdowns, "text": text}


def board(year: int, quarter: int, *, deadline=None) -> dict:
    """The province's completeness and timeliness board: every compiling center with its state,
    whether its first submission was on time or late, or missing (after the deadline); and the
    provincial quarter compiled from the accepted submissions. A constant number of queries."""
    from stats.selectors.figures import quarter_totals
    from stats.services import compiling_centers, deadline_for

    if deadline is None:
        try:
            deadline = deadline_for(year, quarter)
        except CalendarUnknown:
            deadline = None
    today = timezone.localdate()
    reports = {r.center_id: r for r in QuarterReport.objects.filter(year=year, quarter=quarter)}
    versions: dict[int, list[QuarterVersion]] = {}
    for version in QuarterVersion.objects.filter(report__year=year, report__quarter=quarter).order_by("number"):
        versions.setdefault(version.report_id, []).append(version)
    late_alerts = set(QuarterAlert.objects.filter(year=year, quarter=quarter, kind="late")
                      .values_list("center_id", flat=True))
    rows, accepted = [], []
    for center in compiling_centers():
        report = reports.get(center.pk)
        submitted = versions.get(report.pk, []) if report else []
        first = submitted[0] if submitted else None
        if first is not None:
            timeliness = "on_time" if first.on_time else "late"
        elif deadline is not None and today > deadline:
            timeliness = "missing"
        else:
            timeliness = "pending"
        state = report.state if report else QuarterState.DRAFT
        if state == QuarterState.ACCEPTED:
            accepted.append(submitted[-1])
        rows.append({"center": center, "report": report, "state": state,
                     "state_label": QuarterState(state).label, "first": first,
                     "latest": submitted[-1] if submitted else None, "timeliness": timeliness,
                     "late_alert": center.pk in late_alerts})
    compiled = {}
    for figure in FIGURES:
        if figure.kind == RATE:
            continue
        compiled[figure.key] = sum((_as_number(v.figures["totals"][figure.key], figure.kind) for v in accepted),
                                   Decimal("0.00") if figure.kind == MONEY else 0)
    compiled["pass_rate"] = (round(compiled["qualified"] / compiled["appraised"], 4)
                             if compiled.get("appraised") else None)
    province = Center.objects.get(kind=CenterKind.PROVINCE)
    return {"year": year, "quarter": quarter, "deadline": deadline, "rows": rows,
            "counts": {key: sum(1 for r in rows if r["timeliness"] == key)
                       for key in ("on_time", "late", "missing", "pending")},
            "accepted": len(accepted),
            "compiled": {f.key: compiled[f.key] for f in FIGURES},
            "live": quarter_totals(province, year, quarter)}

"""Pages of the quarterly statistics (STAT-1): the quarter of a center with every number linking
to the records behind it, the city's submission and its frozen versions, the province's decision
and its completeness and timeliness board. Scoping is the authority engine's (stats.selectors)."""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from appraisal import authority
from appraisal.errors import messages_of, report_outcome
from appraisal.gates import role_required
from appraisal.models import Center
from stats import selectors, services, views_outputs
from stats.definitions import BREAKDOWNS, FIGURES, MONEY, RATE
from stats.models import QuarterReport, QuarterState, QuarterVersion

READERS_ONLY = gettext_lazy("统计数据仅供鉴定机构和人社部门工作人员查看。")
PAGE_SIZE = 50


def show(value, kind) -> str:
    """A figure as the pages print it."""
    if value is None:
        return "—"
    if kind == RATE:
        return f"{float(value) * 100:.1f}%"
    if kind == MONEY:
        return f"{float(value):,.2f}"
    return f"{value:,}"


def _quarter_from(request) -> tuple[int, int]:
    """The asked quarter, by default the last one that ended (the one being compiled)."""
    default = selectors.previous_quarter(*selectors.current_quarter())
    return selectors.check_quarter(request.GET.get("year", default[0]), request.GET.get("quarter", default[1]))


def _center(request, center_id) -> Center:
    try:
        return selectors.center_for(request.user, center_id)
    except Center.DoesNotExist:
        raise Http404(_("鉴定机构不存在或您无权查看。")) from None


def records_url(center, year, quarter, figure, breakdown=None, key=None) -> str:
    params = {"center": center.pk, "year": year, "quarter": quarter, "figure": figure}
    if breakdown:
        params.update(breakdown=breakdown, key=key)
    return reverse("stats:records") + "?" + urlencode(params)


def _cells(center, year, quarter, figures, breakdown=None, key=None) -> list[dict]:
    return [{"key": f.key, "label": f.label, "text": show(figures.get(f.key), f.kind),
             "url": records_url(center, year, quarter, f.key, breakdown, key)} for f in FIGURES]


def _tables(center, year, quarter, figures) -> list[dict]:
    return [{"key": b.key, "label": b.label, "definition": b.definition,
             "rows": [{"label": row["label"], "cells": _cells(center, year, quarter, row["figures"], b.key, row["key"])}
                      for row in figures["breakdowns"][b.key]]} for b in BREAKDOWNS]


def _bad_quarter(request, exc):
    return render(request, "stats/bad_request.html", {"message": messages_of(exc)}, status=400)


@role_required(selectors.READERS, READERS_ONLY)
def quarter(request):
    center = _center(request, request.GET.get("center"))
    try:
        year, quarter_ = _quarter_from(request)
    except ValidationError as exc:
        return _bad_quarter(request, exc)
    figures = selectors.quarter_figures(center, year, quarter_)
    report = selectors.report_of(center, year, quarter_) if services.is_compiling(center) else None
    user = request.user
    own = services.writes_quarter_of(user, center)
    versions = list(selectors.versions_of(report)) if report else []
    may_write = own and services.is_compiling(center) and (
        report is None or report.state in (QuarterState.DRAFT, QuarterState.RETURNED))
    # The report starts from a draft written from the figures (stats/analysis.py) until text is saved.
    draft = views_outputs.report_text(center, year, quarter_, figures) if may_write and not (
        report and report.report_text) else ""
    return render(request, "stats/quarter.html", {
        "draft": draft,
        "center": center, "year": year, "quarter": quarter_, "figures": figures,
        "totals": _cells(center, year, quarter_, figures["totals"]),
        "tables": _tables(center, year, quarter_, figures),
        "trend": [dict(point, rate=show(point["pass_rate"], RATE)) for point in figures["trend"]],
        "children": [c for c in authority.counted_in(center).values() if c.pk != center.pk],
        "compiling": services.is_compiling(center), "report": report, "versions": versions,
        "transitions": selectors.transitions_of(report) if report else [],
        "may_write": own and services.is_compiling(center)
        and (report is None or report.state in (QuarterState.DRAFT, QuarterState.RETURNED)),
        "may_decide": report is not None and report.state == QuarterState.SUBMITTED
        and authority.is_province_staff(user),
        "at_province": authority.is_province_staff(user),
        "quarters": selectors.last_quarters(*selectors.current_quarter(), 8)[::-1],
    })


@role_required(selectors.READERS, READERS_ONLY)
def records(request):
    """The records behind one number of the quarter page, scoped like the page."""
    center = _center(request, request.GET.get("center"))
    try:
        year, quarter_ = _quarter_from(request)
        kind, queryset = selectors.records_behind(center, year, quarter_, request.GET.get("figure", ""),
                                                  request.GET.get("breakdown") or None, request.GET.get("key"))
    except ValidationError as exc:
        return _bad_quarter(request, exc)
    except selectors.UnknownFigure:
        raise Http404(_("统计项不存在。")) from None
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    query = urlencode({k: v for k, v in request.GET.items() if k != "page"})
    figure = next(f for f in FIGURES if f.key == request.GET["figure"])
    breakdown = next((b for b in BREAKDOWNS if b.key == request.GET.get("breakdown")), None)
    return render(request, "stats/records.html", {
        "center": center, "year": year, "quarter": quarter_, "figure": figure, "breakdown": breakdown,
        "key": request.GET.get("key"), "kind": kind, "page": page, "query": query,
        "back": reverse("stats:quarter") + "?" + urlencode({"center": center.pk, "year": year, "quarter": quarter_}),
    })


def _report(request, pk) -> QuarterReport:
    try:
        return selectors.report_for(request.user, pk)
    except QuarterReport.DoesNotExist:
        raise Http404(_("季度统计不存在或您无权查看。")) from None


def _back(report) -> str:
    return reverse("stats:quarter") + "?" + urlencode(
        {"center": report.center_id, "year": report.year, "quarter": report.quarter})


@role_required(selectors.READERS, READERS_ONLY)
@require_POST
def save_text(request, pk):
    """Creates the quarter's draft on the first save (pk 0 with center/year/quarter in the form)."""
    if pk == 0:
        center = _center(request, request.POST.get("center"))
        try:
            report = services.open_report(actor=request.user, center=center, year=request.POST.get("year"),
                                          quarter=request.POST.get("quarter"))
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, messages_of(exc) if isinstance(exc, ValidationError) else str(exc))
            return redirect(reverse("stats:quarter") + "?" + urlencode({"center": center.pk}))
    else:
        report = _report(request, pk)
    saved = report_outcome(request, lambda: services.save_text(actor=request.user, report=report,
                                                               text=request.POST.get("report_text", "")),
                           _("统计分析报告已保存。"))
    # "Save and submit" submits only what was just saved: a refused save would freeze the previous text.
    if saved and request.POST.get("then") == "submit":
        return submit(request, report.pk)
    return redirect(_back(report))


@role_required(selectors.READERS, READERS_ONLY)
@require_POST
def submit(request, pk):
    report = _report(request, pk)
    report_outcome(request, lambda: services.submit(actor=request.user, report=report,
                                                    reason=request.POST.get("reason", "")),
                   lambda v: _("已报送第%(n)d版，等待省职业技能鉴定中心审核。") % {"n": v.number}
                   + ("" if v.on_time else _("（已超过报送期限 %(due)s）") % {"due": f"{v.due_on:%Y-%m-%d}"}))
    return redirect(_back(report))


@role_required(selectors.READERS, READERS_ONLY)
@require_POST
def decide(request, pk):
    report = _report(request, pk)
    accept = request.POST.get("decision") == "accept"
    report_outcome(request, lambda: services.decide(actor=request.user, report=report, accept=accept,
                                                    comment=request.POST.get("comment", "")),
                   _("已接收。") if accept else _("已退回，报送机构将看到退回意见。"))
    return redirect(_back(report))


def _version(report, number) -> QuarterVersion:
    try:
        return report.versions.select_related("submitted_by").get(number=number)
    except QuarterVersion.DoesNotExist:
        raise Http404(_("该版本不存在。")) from None


@role_required(selectors.READERS, READERS_ONLY)
def version(request, pk, number):
    """A frozen version as it was submitted: its figures and its report, whatever the records say now."""
    report = _report(request, pk)
    frozen = _version(report, number)
    center = report.center
    return render(request, "stats/version.html", {
        "report": report, "version": frozen, "versions": selectors.versions_of(report),
        "totals": [{"label": f.label, "text": show(frozen.figures["totals"].get(f.key), f.kind)} for f in FIGURES],
        "tables": [{"label": b.label, "rows": [
            {"label": row["label"], "cells": [show(row["figures"].get(f.key), f.kind) for f in FIGURES]}
            for row in frozen.figures["breakdowns"].get(b.key, [])]} for b in BREAKDOWNS],
        "figures": FIGURES, "back": _back(report), "center": center,
    })


@role_required(selectors.READERS, READERS_ONLY)
def diff(request, pk):
    report = _report(request, pk)
    try:
        old_number, new_number = int(request.GET.get("a", 0)), int(request.GET.get("b", 0))
    except ValueError:
        raise Http404(_("该版本不存在。")) from None
    changes = selectors.version_diff(_version(report, old_number), _version(report, new_number))
    kinds = {f.key: f.kind for f in FIGURES}
    for group in [changes["totals"]] + [row["changes"] for row in changes["breakdowns"]]:
        for change in group:
            kind = kinds[change["key"]]
            change.update(old_text=show(change["old"], kind), new_text=show(change["new"], kind),
                          delta_text="" if change["delta"] is None else ("+" if change["delta"] > 0 else "")
                          + show(change["delta"], kind))
    return render(request, "stats/diff.html", {"report": report, "changes": changes, "back": _back(report),
                                               "versions": selectors.versions_of(report)})


def _province_only(request):
    if not authority.is_province_staff(request.user):
        raise PermissionDenied(_("季度统计报送情况仅限省职业技能鉴定中心查看。"))


@role_required(selectors.READERS, READERS_ONLY)
def board(request):
    _province_only(request)
    try:
        year, quarter_ = _quarter_from(request)
    except ValidationError as exc:
        return _bad_quarter(request, exc)
    data = selectors.board(year, quarter_)
    return render(request, "stats/board.html", {
        "board": data, "year": year, "quarter": quarter_,
        "compiled": [{"label": f.label, "compiled": show(data["compiled"][f.key], f.kind),
                      "live": show(data["live"][f.key], f.kind)} for f in FIGURES],
        "quarters": selectors.last_quarters(*selectors.current_quarter(), 8)[::-1],
    })


@role_required(selectors.READERS, READERS_ONLY)
@require_POST
def deadline(request):
    _province_only(request)
    year, quarter_ = request.POST.get("year"), request.POST.get("quarter")
    try:
        due_on = datetime.date.fromisoformat(request.POST.get("due_on", ""))
    except ValueError:
        messages.error(request, _("报送期限日期格式不正确（应为YYYY-MM-DD）。"))
    else:
        report_outcome(request, lambda: services.set_deadline(actor=request.user, year=year, quarter=quarter_,
                                                              due_on=due_on),
                       _("报送期限已设为 %(due)s。") % {"due": f"{due_on:%Y-%m-%d}"})
    return redirect(reverse("stats:board") + "?" + urlencode({"year": year or "", "quarter": quarter_ or ""}))

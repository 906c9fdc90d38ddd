"""The 统计分析报告 (STAT-1): a draft written from a quarter's figures, and the light markup staff
edit it in, rendered to HTML for the page and the PDF.

The draft only reads figures dicts of the shape `stats.selectors.quarter_figures()` returns
({"center", "year", "quarter", "totals", "breakdowns", "trend"}), so it can be written for live
figures or for a frozen submission alike. Pass rates are recomputed from `qualified / appraised`,
never trusted from a stored percentage, so one rule decides them everywhere in the report.

The markup, kept small enough to type in a text area:

    # title            ## section
    - a bullet         | a | table | row |   (the first row of a block is its header)
    **bold**           a blank line ends a paragraph

Everything else is text: the renderer escapes every character before it applies the markup, so
an occupation named `<script>` prints as typed.
"""

from __future__ import annotations

import re
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from stats.definitions import FIGURES

# A pass rate is flagged when it is this many percentage points from the province's...
FLAG_POINTS = 15
# ...and at least this many candidates were appraised (a handful of candidates proves nothing).
FLAG_MIN_APPRAISED = 10
# How many occupations or levels the "grew or fell most" section names on each side.
MOVERS = 3

# Every figure's name is the one stats/definitions.py gives it (figures are defined once).
FIGURE_LABELS = {figure.key: str(figure.label) for figure in FIGURES}
# The figures compared with the previous quarter and last year, in the report's order.
COMPARED = ("applied", "approved", "appraised", "qualified", "pass_rate", "certified", "retakes", "fees_paid")
MONEY = ("fees_due", "fees_paid")


def quarter_label(year: int, quarter: int) -> str:
    return f"{year}年第{'一二三四'[quarter - 1]}季度"


def previous_quarter(year: int, quarter: int) -> tuple[int, int]:
    return (year, quarter - 1) if quarter > 1 else (year - 1, 4)


def pass_rate(figures: dict) -> float | None:
    """qualified / appraised as a fraction, None when nobody was appraised."""
    appraised = figures.get("appraised") or 0
    return (figures.get("qualified") or 0) / appraised if appraised else None


def percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


def number(value, key: str = "") -> str:
    if value is None:
        return "—"
    if key in MONEY or isinstance(value, (Decimal, float)):
        return f"{Decimal(value):,.2f}"
    return f"{int(value):,}"


def value_text(figures: dict, key: str) -> str:
    return percent(pass_rate(figures)) if key == "pass_rate" else number(figures.get(key), key)


def change_text(now: dict, before: dict | None, key: str) -> str:
    """The change from `before` to `now`: percentage points for the pass rate, else the difference
    and its percentage ("+12（+8.0%）"); "—" without a comparison."""
    if before is None:
        return "—"
    if key == "pass_rate":
        a, b = pass_rate(now), pass_rate(before)
        return "—" if a is None or b is None else f"{(a - b) * 100:+.1f}个百分点"
    a, b = now.get(key) or 0, before.get(key) or 0
    diff = Decimal(a) - Decimal(b)
    shown = f"{diff:+,.2f}" if key in MONEY else f"{int(diff):+,}"
    return f"{shown}（{diff / Decimal(b) * 100:+.1f}%）" if b else shown


def _cell(text) -> str:
    # A table cell may not hold the column separator.
    return str(text).replace("|", "｜")


def _items(figures: dict | None, breakdown: str) -> dict:
    if not figures:
        return {}
    return {item["key"]: item for item in figures.get("breakdowns", {}).get(breakdown, [])}


def movers(now: dict, before: dict | None, breakdown: str, key: str = "appraised", count: int = MOVERS):
    """The items of `breakdown` whose `key` grew most and fell most from `before` to `now`:
    two lists of (label, before, now, difference), largest change first, changes of 0 left out."""
    if not before:
        return [], []
    current, previous = _items(now, breakdown), _items(before, breakdown)
    changes = []
    for item_key in current.keys() | previous.keys():
        item = current.get(item_key) or previous[item_key]
        a = (previous.get(item_key) or {}).get("figures", {}).get(key) or 0
        b = (current.get(item_key) or {}).get("figures", {}).get(key) or 0
        if a != b:
            changes.append((str(item["label"]), a, b, b - a))
    changes.sort(key=lambda change: (-abs(change[3]), change[0]))
    grew = [c for c in changes if c[3] > 0][:count]
    fell = [c for c in changes if c[3] < 0][:count]
    return grew, fell


def flagged(figures: dict, province_rate: float | None, *, breakdowns=("level", "occupation", "center")):
    """Rows whose pass rate is FLAG_POINTS or more from the province's, with enough candidates:
    (breakdown, label, appraised, rate), furthest first."""
    if province_rate is None:
        return []
    rows = []
    for breakdown in breakdowns:
        for item in figures.get("breakdowns", {}).get(breakdown, []):
            appraised = item["figures"].get("appraised") or 0
            rate = pass_rate(item["figures"])
            if appraised >= FLAG_MIN_APPRAISED and rate is not None and abs(rate - province_rate) * 100 >= FLAG_POINTS:
                rows.append((breakdown, str(item["label"]), appraised, rate))
    rows.sort(key=lambda row: (-abs(row[3] - province_rate), row[1]))
    return rows


BREAKDOWN_NAMES = {"level": "等级", "occupation": "职业", "appraisal_kind": "鉴定类别",
                   "candidate_kind": "考生类别", "center": "机构"}


def draft(figures: dict, *, previous: dict | None = None, year_ago: dict | None = None,
          province: dict | None = None) -> str:
    """The report's first draft, in the markup above. `previous` and `year_ago` are the figures
    of the previous quarter and of the same quarter last year (None when there are none);
    `province` the province's figures of the same quarter, whose pass rate is the yardstick
    (the center's own when it is the province)."""
    label = quarter_label(figures["year"], figures["quarter"])
    province_rate = pass_rate((province or figures)["totals"])
    lines = [f"# {figures['center']['name']}{label}职业技能鉴定统计分析报告", ""]
    lines += _overview(figures["totals"])
    lines += _comparison(figures, previous, year_ago)
    lines += _movers_section(figures, previous)
    lines += _flagged_section(figures, province_rate)
    lines += ["## 五、工作建议", "", "（请填写本季度工作中的问题、原因分析和下一步工作建议。）", ""]
    return "\n".join(lines)


def _overview(totals: dict) -> list[str]:
    return [
        "## 一、总体情况", "",
        f"本季度共受理职业技能鉴定申报 **{number(totals.get('applied'))}** 人次，审核通过 {number(totals.get('approved'))} 人次，"
        f"审核不通过 {number(totals.get('rejected'))} 人次，退回修改 {number(totals.get('returned'))} 人次。"
        f"参加鉴定 **{number(totals.get('appraised'))}** 人，鉴定合格 **{number(totals.get('qualified'))}** 人，"
        f"合格率 **{percent(pass_rate(totals))}**；其中补考 {number(totals.get('retakes'))} 人次。",
        "",
        f"颁发职业资格证书 {number(totals.get('certified'))} 本，已发放 {number(totals.get('delivered'))} 本"
        f"（按时发放 {number(totals.get('delivered_on_time'))} 本），撤销 {number(totals.get('revoked'))} 本。"
        f"应收鉴定费 {number(totals.get('fees_due'), 'fees_due')} 元，实收 {number(totals.get('fees_paid'), 'fees_paid')} 元。",
        "",
    ]


def _comparison(figures: dict, previous: dict | None, year_ago: dict | None) -> list[str]:
    totals = figures["totals"]
    prev_totals = previous["totals"] if previous else None
    ago_totals = year_ago["totals"] if year_ago else None
    lines = ["## 二、与上季度、上年同期比较", ""]
    if prev_totals is None and ago_totals is None:
        return lines + ["上季度和上年同期均无数据，不作比较。", ""]
    py, pq = previous_quarter(figures["year"], figures["quarter"])
    lines.append(f"| 指标 | 本季度 | 上季度（{quarter_label(py, pq)}） | 增减 | 上年同期 | 增减 |")
    for key in COMPARED:
        row = [FIGURE_LABELS[key], value_text(totals, key),
               value_text(prev_totals, key) if prev_totals else "—", change_text(totals, prev_totals, key),
               value_text(ago_totals, key) if ago_totals else "—", change_text(totals, ago_totals, key)]
        lines.append("| " + " | ".join(_cell(c) for c in row) + " |")
    return lines + [""]


def _movers_section(figures: dict, previous: dict | None) -> list[str]:
    lines = ["## 三、增减较多的职业和等级", ""]
    wrote = False
    for breakdown in ("occupation", "level"):
        name = BREAKDOWN_NAMES[breakdown]
        grew, fell = movers(figures, previous, breakdown)
        for word, changes in (("增长", grew), ("下降", fell)):
            if changes:
                wrote = True
                described = "；".join(f"{label}（{a:,} → {b:,}，{d:+,}）" for label, a, b, d in changes)
                lines.append(f"- 参加鉴定人数{word}较多的{name}：{described}")
    if not wrote:
        lines.append("与上季度相比，各职业、各等级的参加鉴定人数无变化或无上季度数据。" if previous else "无上季度数据，不作比较。")
    return lines + [""]


def _flagged_section(figures: dict, province_rate) -> list[str]:
    lines = ["## 四、合格率偏离全省平均水平的情况", ""]
    rows = flagged(figures, province_rate)
    if province_rate is None:
        lines.append("本季度全省无人参加鉴定，无法比较合格率。")
    elif rows:
        lines.append(f"全省平均合格率为 {percent(province_rate)}。以下{BREAKDOWN_NAMES['level']}、职业或机构"
                     f"（参加鉴定 {FLAG_MIN_APPRAISED} 人以上）的合格率与全省平均相差 {FLAG_POINTS} 个百分点以上，请核查：")
        lines.append("")
        lines.append("| 类别 | 名称 | 参加鉴定（人） | 合格率 | 与全省平均相差 |")
        for breakdown, label, appraised, rate in rows:
            lines.append(f"| {BREAKDOWN_NAMES[breakdown]} | {_cell(label)} | {appraised:,} | {percent(rate)} | "
                         f"{(rate - province_rate) * 100:+.1f}个百分点 |")
    else:
        lines.append(f"全省平均合格率为 {percent(province_rate)}，各等级、职业和机构的合格率均在正常范围内。")
    return lines + [""]


# --- The markup, rendered ------------------------------------------------------------------------

_BOLD = re.compile(r"\*\*(.+?)\*\*")


def _inline(text: str) -> str:
    return _BOLD.sub(r"<strong>\1</strong>", escape(text))


def _table(rows: list[str]) -> str:
    cells = [[c.strip() for c in row.strip().strip("|").split("|")] for row in rows]
    head, body = cells[0], cells[1:]
    html = ["<table class=\"report-table\"><thead><tr>", *(f"<th>{_inline(c)}</th>" for c in head), "</tr></thead><tbody>"]
    for row in body:
        html.append("<tr>" + "".join(f"<td>{_inline(c)}</td>" for c in row) + "</tr>")
    html.append("</tbody></table>")
    return "".join(html)


def render(text: str) -> SafeString:
    """The markup as HTML, every character of the text escaped first."""
    blocks: list[str] = []
    paragraph: list[str] = []
    bullets: list[str] = []
    table: list[str] = []
    current = None

    def flush():
        if paragraph:
            blocks.append("<p>" + "<br>".join(_inline(line) for line in paragraph) + "</p>")
            paragraph.clear()
        if bullets:
            blocks.append("<ul>" + "".join(f"<li>{_inline(b)}</li>" for b in bullets) + "</ul>")
            bullets.clear()
        if table:
            blocks.append(_table(table))
            table.clear()

    for raw in (text or "").replace("\r\n", "\n").split("\n"):
        line = raw.strip()
        kind = ("h1" if line.startswith("# ") else "h2" if line.startswith("## ") else
                "li" if line.startswith("- ") else "tr" if line.startswith("|") and line.endswith("|") and len(line) > 1
                else "blank" if not line else "p")
        if kind != current:
            flush()
            current = kind if kind in ("p", "li", "tr") else None
        if kind == "h1":
            blocks.append(f"<h1>{_inline(line[2:].strip())}</h1>")
        elif kind == "h2":
            blocks.append(f"<h2>{_inline(line[3:].strip())}</h2>")
        elif kind == "li":
            bullets.append(line[2:].strip())
        elif kind == "tr":
            table.append(line)
        elif kind == "p":
            paragraph.append(line)
    flush()
    return mark_safe("\n".join(blocks))  # noqa: S308 - every piece of text went through escape()

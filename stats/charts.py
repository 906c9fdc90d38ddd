"""The quarter's charts (STAT-1), drawn on the server as SVG by pygal, for the page and the PDF alike:
pass rate by level, candidates appraised over the last eight quarters, the top occupations.

pygal draws a self-contained SVG (its styles inside). Before it reaches a page, what the site's
Content Security Policy would refuse is taken out: the inline <script> and the tooltip layer it
drives (nothing here needs them) and any style attribute; the request's CSP nonce goes on the
SVG's <style>, so the browser applies it. Labels are data (occupation names): pygal writes
them as XML text, escaped.

Charts read only a figures dict (the shape of `stats.selectors.quarter_figures()`), so a frozen
submission draws the same charts it was submitted with.
"""

from __future__ import annotations

from django.utils.safestring import SafeString, mark_safe

# How many occupations the top-occupations chart shows.
TOP_OCCUPATIONS = 10
COLORS = ("#1f5fa8", "#2e9d6a", "#d98c1f", "#b23b3b", "#6a4fa3")
FONT = '"JL PDF Sans", "Noto Sans CJK SC", "Noto Sans CJK", "WenQuanYi Zen Hei", sans-serif'


def _rate(figures: dict) -> float:
    appraised = figures.get("appraised") or 0
    return round((figures.get("qualified") or 0) * 100 / appraised, 1) if appraised else 0.0


def _style():
    from pygal.style import Style

    return Style(
        background="#ffffff", plot_background="#ffffff", foreground="#333333", foreground_strong="#111111",
        foreground_subtle="#888888", colors=COLORS, opacity=".9", opacity_hover=".9", transition="0s",
        font_family=FONT, label_font_family=FONT, major_label_font_family=FONT, title_font_family=FONT,
        value_font_family=FONT, legend_font_family=FONT, no_data_font_family=FONT, tooltip_font_family=FONT,
        value_label_font_family=FONT, title_font_size=15, label_font_size=11, major_label_font_size=11,
        value_font_size=11, legend_font_size=11, no_data_font_size=18,
    )


def _config(**options) -> dict:
    base = {"js": [], "disable_xml_declaration": True, "style": _style(), "width": 640, "height": 320,
            "show_legend": False, "print_values": True, "no_data_text": "暂无数据", "margin": 12,
            "explicit_size": False, "pretty_print": False}
    base.update(options)
    return base


def pass_rate_by_level(figures: dict):
    import pygal

    items = figures["breakdowns"].get("level", [])
    # A fixed 0-100 axis when there are bars (rates compare across charts); none without, so pygal
    # writes its "no data" text instead of an empty axis.
    scale = {"range": (0, 100)} if items else {}
    chart = pygal.Bar(**_config(title="各等级合格率（%）", value_formatter=lambda v: f"{v:.1f}%", **scale))
    chart.x_labels = [str(item["label"]) for item in items]
    if items:
        chart.add("合格率", [_rate(item["figures"]) for item in items])
    return chart


def appraised_trend(figures: dict):
    import pygal

    trend = figures.get("trend", [])[-8:]
    chart = pygal.Bar(**_config(title="近八个季度参加鉴定人数", value_formatter=lambda v: f"{int(v):,}"))
    chart.x_labels = [f"{t['year']}年{t['quarter']}季" for t in trend]
    if trend:
        chart.add("参加鉴定", [t.get("appraised") or 0 for t in trend])
    return chart


def top_occupations(figures: dict, count: int = TOP_OCCUPATIONS):
    import pygal

    items = sorted(figures["breakdowns"].get("occupation", []),
                   key=lambda item: (-(item["figures"].get("appraised") or 0), str(item["label"])))[:count]
    items = [item for item in items if item["figures"].get("appraised")]
    # pygal sizes the label column for Latin letters; a CJK character is about twice as wide.
    widest = max((len(str(item["label"])) for item in items), default=0)
    chart = pygal.HorizontalBar(**_config(title=f"参加鉴定人数前{count}位的职业", height=max(200, 60 + 26 * len(items)),
                                          margin_left=min(160, 6 * widest) + 12, value_formatter=lambda v: f"{int(v):,}"))
    # pygal draws the first label at the bottom: reversed, the largest stands on top.
    items.reverse()
    chart.x_labels = [str(item["label"]) for item in items]
    if items:
        chart.add("参加鉴定", [item["figures"]["appraised"] for item in items])
    return chart


CHARTS = {
    "pass_rate_by_level": pass_rate_by_level,
    "appraised_trend": appraised_trend,
    "top_occupations": top_occupations,
}


def svg(figures: dict, name: str, *, nonce: str | None = None) -> SafeString:
    """The chart `name` of CHARTS as an inline <svg> element, without scripts, its <style> carrying
    `nonce` when given (pages; the PDF needs none)."""
    if name not in CHARTS:
        raise ValueError(f"unknown chart {name!r}")
    from xml.etree import ElementTree

    chart = CHARTS[name](figures)
    root = chart.render_tree()
    namespace = "{http://www.w3.org/2000/svg}"
    for parent in list(root.iter()):
        for child in list(parent):
            # The tooltip layer is driven by pygal's script (gone) and carries a style attribute,
            # which the CSP refuses (a nonce covers <style> elements, never attributes).
            if child.tag in ("script", f"{namespace}script") or "tooltip-overlay" in (child.get("class") or ""):
                parent.remove(child)
                continue
            child.attrib.pop("style", None)
            if nonce and child.tag in ("style", f"{namespace}style"):
                child.set("nonce", nonce)
    title = chart.config.title or ""
    root.set("role", "img")
    root.set("aria-label", title)
    root.set("data-chart", name)
    root.set("class", (root.get("class") or "") + " stats-chart")
    text = ElementTree.tostring(root, encoding="unicode") if not hasattr(root, "getroottree") else _lxml_text(root)
    return mark_safe(text)  # noqa: S308 - built as XML by pygal, every label escaped as text


def _lxml_text(root) -> str:
    from lxml import etree

    return etree.tostring(root, encoding="unicode")


def all_svgs(figures: dict, *, nonce: str | None = None) -> dict[str, SafeString]:
    return {name: svg(figures, name, nonce=nonce) for name in CHARTS}
